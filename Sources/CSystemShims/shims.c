#define _GNU_SOURCE
#include "CSystemShims.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int swift_lambda_rename_exchange(const char *first, const char *second) {
#if defined(__linux__) && defined(SYS_renameat2)
    /* syscall(2) rather than glibc's wrapper: the wrapper only exists since glibc 2.28. */
    return (int)syscall(SYS_renameat2, AT_FDCWD, first, AT_FDCWD, second, 2 /* RENAME_EXCHANGE */);
#else
    (void)first;
    (void)second;
    errno = ENOSYS;
    return -1;
#endif
}

#if defined(__linux__)
#include <pthread.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

/* Linux: fork and exec from one thread that lives as long as the process, so that the child can
   ask for SIGKILL when its parent dies (PR_SET_PDEATHSIG, which only a child can set for itself,
   between fork and exec: posix_spawn has no such attribute). The kernel sends that signal when the
   *thread* that forked exits, not the process: a Swift concurrency or Dispatch worker thread can
   retire after a few idle seconds, which would kill a long `swift build`. The spawner thread never
   exits, so the signal comes exactly when the process ends, SIGKILL included.

   Between fork and exec the child only makes system calls (no malloc, no locks): every argument is
   prepared before fork. A failed exec reports its errno through a close-on-exec pipe. */

struct spawn_request {
    const char *path;
    char *const *argv;
    char *const *envp;
    const char *directory;
    int stdout_fd, stderr_fd;
    pid_t pid;
    int status;
    int done;
};

static pthread_mutex_t spawner_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t spawner_wake = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t spawner_callers = PTHREAD_MUTEX_INITIALIZER;
static struct spawn_request *spawner_pending = NULL;
static pthread_once_t spawner_once = PTHREAD_ONCE_INIT;
static int spawner_start_error = 0;

static void child_fail(int report_fd, int code) {
    ssize_t ignored = write(report_fd, &code, sizeof code);
    (void)ignored;
    _exit(127);
}

static void spawn_now(struct spawn_request *request) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        request->status = errno;
        return;
    }
    int devnull_out = (request->stdout_fd < 0 || request->stderr_fd < 0) ? open("/dev/null", O_WRONLY | O_CLOEXEC) : -1;
    int devnull_in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    pid_t parent = getpid();
    sigset_t all, previous;
    sigfillset(&all);
    /* No signal handler of this process may run in the child before the dispositions are reset. */
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t pid = fork();
    if (pid == 0) {
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) child_fail(report[1], errno);
        if (getppid() != parent) _exit(127); /* the parent died before the request took effect */
        if (setpgid(0, 0) != 0) child_fail(report[1], errno);
        for (int number = 1; number < NSIG; number++) {
            if (number == SIGKILL || number == SIGSTOP) continue;
            struct sigaction action;
            memset(&action, 0, sizeof action);
            action.sa_handler = SIG_DFL;
            (void)sigaction(number, &action, NULL);
        }
        int out = request->stdout_fd >= 0 ? request->stdout_fd : devnull_out;
        int err = request->stderr_fd >= 0 ? request->stderr_fd : devnull_out;
        if (devnull_in < 0 || out < 0 || err < 0) child_fail(report[1], EBADF);
        /* dup2 clears close-on-exec on the copy; a descriptor already in place keeps its flag. */
        if (dup2(devnull_in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) child_fail(report[1], errno);
        if (out == 1 || out == 2 || err == 1 || err == 2) {
            (void)fcntl(1, F_SETFD, 0);
            (void)fcntl(2, F_SETFD, 0);
        }
        /* Descriptors of this process (the emulator's sockets, a test runner's pipes) stay here;
           the report pipe is close-on-exec, so exec closes it. */
#if defined(SYS_close_range)
        if (syscall(SYS_close_range, 3, ~0U, 4 /* CLOSE_RANGE_CLOEXEC */) != 0)
#endif
        {
            for (int fd = 3; fd < 65536; fd++) {
                if (fd != report[1]) (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
            }
        }
        if (request->directory != NULL && chdir(request->directory) != 0) child_fail(report[1], errno);
        sigset_t none;
        sigemptyset(&none);
        pthread_sigmask(SIG_SETMASK, &none, NULL);
        execve(request->path, request->argv, request->envp);
        child_fail(report[1], errno);
    }
    int fork_error = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(report[1]);
    if (devnull_out >= 0) close(devnull_out);
    if (devnull_in >= 0) close(devnull_in);
    if (pid < 0) {
        close(report[0]);
        request->status = fork_error;
        return;
    }
    int code = 0;
    ssize_t count;
    do { count = read(report[0], &code, sizeof code); } while (count < 0 && errno == EINTR);
    close(report[0]);
    if (count == (ssize_t)sizeof code) {
        /* exec failed: reap the child, which exited 127, so no zombie is left. */
        int ignored;
        while (waitpid(pid, &ignored, 0) < 0 && errno == EINTR) {}
        request->status = code;
        return;
    }
    request->pid = pid;
    request->status = 0;
}

static void *spawner_main(void *unused) {
    (void)unused;
    pthread_mutex_lock(&spawner_lock);
    for (;;) {
        while (spawner_pending == NULL) pthread_cond_wait(&spawner_wake, &spawner_lock);
        struct spawn_request *request = spawner_pending;
        spawner_pending = NULL;
        pthread_mutex_unlock(&spawner_lock);
        spawn_now(request);
        pthread_mutex_lock(&spawner_lock);
        request->done = 1;
        pthread_cond_broadcast(&spawner_wake);
    }
    return NULL;
}

static void spawner_start(void) {
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    /* Signals go to other threads (Dispatch's signal sources), never to the spawner. */
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    spawner_start_error = pthread_create(&thread, &attributes, spawner_main, NULL);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    pthread_attr_destroy(&attributes);
}

int swift_lambda_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                       const char *directory, int stdout_fd, int stderr_fd) {
    pthread_once(&spawner_once, spawner_start);
    if (spawner_start_error != 0) return spawner_start_error;
    struct spawn_request request = {path, argv, envp, directory, stdout_fd, stderr_fd, 0, 0, 0};
    /* One request at a time: the spawner holds a single slot. */
    pthread_mutex_lock(&spawner_callers);
    pthread_mutex_lock(&spawner_lock);
    spawner_pending = &request;
    pthread_cond_broadcast(&spawner_wake);
    while (!request.done) pthread_cond_wait(&spawner_wake, &spawner_lock);
    pthread_mutex_unlock(&spawner_lock);
    pthread_mutex_unlock(&spawner_callers);
    if (request.status == 0) *pid = request.pid;
    return request.status;
}

#else

/* posix_spawn rather than fork/exec: no code runs in the child between the two, so it is safe in a
   multithreaded process, and the C library reports a failed exec (ENOENT, ENOEXEC) to the caller.
   No parent-death signal exists outside Linux. */
int swift_lambda_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                       const char *directory, int stdout_fd, int stderr_fd) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    int status = posix_spawn_file_actions_init(&actions);
    if (status != 0) return status;
    status = posix_spawnattr_init(&attributes);
    if (status != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return status;
    }

    /* Descriptors first (dup2 reads this process's fds before the child's are changed). */
    if (stdout_fd >= 0) status = posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1);
    else status = posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    if (status == 0) {
        if (stderr_fd >= 0) status = posix_spawn_file_actions_adddup2(&actions, stderr_fd, 2);
        else status = posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    }
    if (status == 0) status = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    /* Sockets and pipes of this process (the emulator's, a test runner's) must not leak into the
       function: a leaked descriptor keeps a connection or a pipe open after it should end. */
    if (status == 0) status = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
#endif
    if (status == 0 && directory != NULL) status = posix_spawn_file_actions_addchdir_np(&actions, directory);

    short flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
#if defined(__APPLE__)
    flags |= POSIX_SPAWN_CLOEXEC_DEFAULT;
#endif
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    if (status == 0) status = posix_spawnattr_setflags(&attributes, flags);
    if (status == 0) status = posix_spawnattr_setpgroup(&attributes, 0);
    if (status == 0) status = posix_spawnattr_setsigmask(&attributes, &none);
    if (status == 0) status = posix_spawnattr_setsigdefault(&attributes, &all);
    if (status == 0) status = posix_spawn(pid, path, &actions, &attributes, argv, envp);

    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    return status;
}

#endif

int swift_lambda_pipe(int descriptors[2]) {
#if defined(__linux__)
    return pipe2(descriptors, O_CLOEXEC);
#else
    if (pipe(descriptors) != 0) return -1;
    (void)fcntl(descriptors[0], F_SETFD, FD_CLOEXEC);
    (void)fcntl(descriptors[1], F_SETFD, FD_CLOEXEC);
    return 0;
#endif
}
