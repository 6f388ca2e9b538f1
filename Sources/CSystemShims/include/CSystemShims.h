#ifndef SWIFT_LAMBDA_CSYSTEMSHIMS_H
#define SWIFT_LAMBDA_CSYSTEMSHIMS_H

#include <sys/types.h>

/// Atomically exchanges two existing paths (files or directories) with
/// renameat2(RENAME_EXCHANGE). Returns 0 on success, -1 with errno set
/// otherwise (ENOSYS or EINVAL where the kernel or file system cannot).
int swift_lambda_rename_exchange(const char *first, const char *second);

/// Starts `path` with exactly `envp` (no inherited variables) in `directory`, in a process
/// group of its own (so the whole group can be signalled), with every signal at its default
/// disposition and none blocked (Swift's threads block most signals, and a child inherits the
/// mask), standard input from /dev/null, standard output on `stdout_fd` and standard error on
/// `stderr_fd` (-1: /dev/null), and no other descriptor of this process open. Returns 0 and the
/// child's id in `pid`, or an errno value (ENOENT, EACCES, ENOEXEC...) when it could not start.
/// On Linux the child also gets SIGKILL when this process ends, however it ends (PR_SET_PDEATHSIG,
/// set by a fork from one thread that lives as long as the process).
int swift_lambda_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                       const char *directory, int stdout_fd, int stderr_fd);

/// pipe(2) with both ends close-on-exec, so no other child inherits them.
int swift_lambda_pipe(int descriptors[2]);

#endif
