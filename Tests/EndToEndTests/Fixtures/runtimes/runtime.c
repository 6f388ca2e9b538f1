/* A Lambda custom runtime for the tests of invoke and serve. FIXTURE_MODE (set with --env)
   picks the behaviour:
     echo (default)  answers every event with the event itself
     env             answers with what Lambda's environment and the next headers told it
     chatty          writes to stdout and stderr, then echoes
     error           posts a function error (FixtureError)
     init-error      posts init/error (ConfigError), then exits with status 3
     exit            exits with status 4 before asking for an invocation
     silent          never asks for an invocation
     hang            takes the invocation and never answers
     crash           takes the invocation and dies of SIGSEGV
   With PID_FILE set, it first writes its process id there, so a test can check it is gone. */
#include "lambda_http.h"
#include <signal.h>
#include <sys/resource.h>

static struct response response;

static const char *env(const char *name) {
    const char *value = getenv(name);
    return value ? value : "";
}

int main(void) {
    const char *mode = getenv("FIXTURE_MODE");
    if (mode == NULL) mode = "echo";
    const char *pid_file = getenv("PID_FILE");
    if (pid_file != NULL) {
        FILE *file = fopen(pid_file, "w");
        if (file == NULL) die("cannot write PID_FILE");
        fprintf(file, "%d\n", (int)getpid());
        fclose(file);
    }
    if (strcmp(mode, "silent") == 0) {
        for (;;) pause();
    }
    if (strcmp(mode, "exit") == 0) {
        fprintf(stderr, "fixture: exiting before next\n");
        return 4;
    }
    if (strcmp(mode, "init-error") == 0) {
        request("POST", "/2018-06-01/runtime/init/error", "Lambda-Runtime-Function-Error-Type: ConfigError\r\n",
                "{\"errorMessage\":\"missing configuration\",\"errorType\":\"ConfigError\"}", &response);
        return 3;
    }
    for (;;) {
        request("GET", "/2018-06-01/runtime/invocation/next", NULL, NULL, &response);
        if (response.status != 200) die("next did not answer 200");
        char id[128], path[256];
        if (!header(&response, "Lambda-Runtime-Aws-Request-Id", id, sizeof id)) die("no request id");
        char event[65536];
        size_t length = response.body_length < sizeof event - 1 ? response.body_length : sizeof event - 1;
        memcpy(event, response.body, length);
        event[length] = 0;

        if (strcmp(mode, "hang") == 0) {
            for (;;) pause();
        }
        if (strcmp(mode, "crash") == 0) {
            struct rlimit none = {0, 0};
            setrlimit(RLIMIT_CORE, &none); /* no core file in the task directory */
            raise(SIGSEGV);
        }
        if (strcmp(mode, "error") == 0) {
            snprintf(path, sizeof path, "/2018-06-01/runtime/invocation/%s/error", id);
            request("POST", path, "Lambda-Runtime-Function-Error-Type: FixtureError\r\n",
                    "{\"errorMessage\":\"it went wrong\",\"errorType\":\"FixtureError\"}", &response);
            continue;
        }
        if (strcmp(mode, "chatty") == 0) {
            printf("fixture stdout line\n");
            fflush(stdout);
            fprintf(stderr, "fixture stderr line\n");
        }
        static char answer[131072];
        if (strcmp(mode, "env") == 0) {
            char deadline[64] = "", arn[256] = "", trace[256] = "", cwd[1024] = "";
            header(&response, "Lambda-Runtime-Deadline-Ms", deadline, sizeof deadline);
            header(&response, "Lambda-Runtime-Invoked-Function-Arn", arn, sizeof arn);
            header(&response, "Lambda-Runtime-Trace-Id", trace, sizeof trace);
            if (getcwd(cwd, sizeof cwd) == NULL) cwd[0] = 0;
            snprintf(answer, sizeof answer,
                     "{\"name\":\"%s\",\"memory\":\"%s\",\"version\":\"%s\",\"region\":\"%s\",\"task\":\"%s\","
                     "\"handler\":\"%s\",\"ld\":\"%s\",\"path\":\"%s\",\"custom\":\"%s\",\"home\":\"%s\",\"cwd\":\"%s\","
                     "\"deadline\":\"%s\",\"arn\":\"%s\",\"trace\":\"%s\",\"id\":\"%s\",\"event\":%s}",
                     env("AWS_LAMBDA_FUNCTION_NAME"), env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"),
                     env("AWS_LAMBDA_FUNCTION_VERSION"), env("AWS_REGION"), env("LAMBDA_TASK_ROOT"), env("_HANDLER"),
                     env("LD_LIBRARY_PATH"), env("PATH"), env("CUSTOM"), env("HOME"), cwd, deadline, arn, trace, id,
                     event);
        } else {
            memcpy(answer, event, length + 1);
        }
        snprintf(path, sizeof path, "/2018-06-01/runtime/invocation/%s/response", id);
        request("POST", path, NULL, answer, &response);
        if (response.status != 202) die("response was not accepted");
    }
}
