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
     stream          streams "chunk 1\n" ... "chunk N\n" (STREAM_CHUNKS, 5) as a chunked response,
                     STREAM_INTERVAL_MS (300) apart; with STREAM_GATE, chunk 2 waits until that
                     file exists, so a test can prove chunk 1 arrived while the function still ran
     stream-prelude  the same after a prelude (status 201, headers, a cookie, 8 NUL bytes)
     stream-error    the same, ended with the error trailers (FixtureStreamError)
     stream-crash    streams chunk 1, then (after the interval) dies of SIGSEGV mid-stream
     answer          answers every event with FIXTURE_ANSWER, verbatim (e.g. [1,2])
     url-answer      answers as a function URL handler does: status 201, header x-a: 1, the
                     cookies c=1 and d=2, and the event itself as the base64 body, so a test
                     sees both what the request became and how the answer is mapped back
     rendezvous      creates the file $RENDEZVOUS_DIR/<its pid>, waits until that directory
                     holds at least 2 files (for at most RENDEZVOUS_WAIT_MS, 20000), then
                     answers "met", or "alone" when the wait ran out: two invocations answer
                     "met" only when two processes were inside an invocation at the same time
   With PID_FILE set, it first writes its process id there, so a test can check it is gone.
   With CRASH_ON set, an event containing that text makes it die of SIGSEGV (any mode), so
   one environment can crash on one invocation and answer the next. */
#include "lambda_http.h"
#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>

static struct response response;

static const char *env(const char *name) {
    const char *value = getenv(name);
    return value ? value : "";
}

static void send_all(int fd, const char *bytes, size_t length) {
    while (length > 0) {
        ssize_t written = write(fd, bytes, length);
        if (written <= 0) die("write failed");
        bytes += written;
        length -= (size_t)written;
    }
}

static void send_chunk(int fd, const char *bytes, size_t length) {
    char size[32];
    int size_length = snprintf(size, sizeof size, "%zx\r\n", length);
    send_all(fd, size, (size_t)size_length);
    send_all(fd, bytes, length);
    send_all(fd, "\r\n", 2);
}

static void base64(const char *bytes, size_t length, char *out, size_t cap) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if ((length + 2) / 3 * 4 + 1 > cap) die("base64 output too large");
    size_t at = 0;
    for (size_t index = 0; index < length; index += 3) {
        unsigned value = (unsigned char)bytes[index] << 16;
        if (index + 1 < length) value |= (unsigned char)bytes[index + 1] << 8;
        if (index + 2 < length) value |= (unsigned char)bytes[index + 2];
        out[at++] = alphabet[(value >> 18) & 63];
        out[at++] = alphabet[(value >> 12) & 63];
        out[at++] = index + 1 < length ? alphabet[(value >> 6) & 63] : '=';
        out[at++] = index + 2 < length ? alphabet[value & 63] : '=';
    }
    out[at] = 0;
}

/* Files in `directory`, not counting . and .. */
static int file_count(const char *directory) {
    DIR *dir = opendir(directory);
    if (dir == NULL) die("cannot open RENDEZVOUS_DIR");
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0) count++;
    }
    closedir(dir);
    return count;
}

/* "met" once another process has arrived too, "alone" after the bounded wait. */
static const char *rendezvous(void) {
    const char *directory = getenv("RENDEZVOUS_DIR");
    if (directory == NULL) die("RENDEZVOUS_DIR is not set");
    int limit = getenv("RENDEZVOUS_WAIT_MS") ? atoi(getenv("RENDEZVOUS_WAIT_MS")) : 20000;
    char file[1024];
    snprintf(file, sizeof file, "%s/%d", directory, (int)getpid());
    FILE *mark = fopen(file, "w");
    if (mark == NULL) die("cannot create the rendezvous file");
    fclose(mark);
    for (int waited = 0; file_count(directory) < 2; waited += 10) {
        if (waited >= limit) return "\"alone\"";
        usleep(10000);
    }
    return "\"met\"";
}

static void stream_answer(const char *id, const char *mode) {
    int prelude = strcmp(mode, "stream-prelude") == 0;
    int chunks = getenv("STREAM_CHUNKS") ? atoi(getenv("STREAM_CHUNKS")) : 5;
    int interval = getenv("STREAM_INTERVAL_MS") ? atoi(getenv("STREAM_INTERVAL_MS")) : 300;
    const char *gate = getenv("STREAM_GATE");
    int fd = connect_api();
    char head[1024];
    int head_length = snprintf(
        head, sizeof head,
        "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n"
        "Lambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\nContent-Type: %s\r\n"
        "Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n\r\n",
        id, env("AWS_LAMBDA_RUNTIME_API"), prelude ? "application/vnd.awslambda.http-integration-response" : "text/plain");
    send_all(fd, head, (size_t)head_length);
    if (prelude) {
        static const char json[] =
            "{\"statusCode\":201,\"headers\":{\"Content-Type\":\"text/plain\",\"X-Fixture\":\"yes\"},\"cookies\":[\"flavour=plain\"]}";
        char buffer[sizeof json + 8];
        memcpy(buffer, json, sizeof json - 1);
        memset(buffer + sizeof json - 1, 0, 8);
        send_chunk(fd, buffer, sizeof json - 1 + 8);
    }
    for (int index = 1; index <= chunks; index++) {
        if (index == 2 && strcmp(mode, "stream-crash") == 0) {
            /* Mid-stream: chunk 1 has had the interval to travel before the crash. */
            usleep((useconds_t)interval * 1000);
            struct rlimit none = {0, 0};
            setrlimit(RLIMIT_CORE, &none);
            raise(SIGSEGV);
        }
        if (index == 2 && gate != NULL) {
            int waited = 0;
            while (access(gate, F_OK) != 0) {
                if (++waited > 6000) die("STREAM_GATE never appeared");
                usleep(10000);
            }
        } else if (index > 1) {
            usleep((useconds_t)interval * 1000);
        }
        char chunk[64];
        int length = snprintf(chunk, sizeof chunk, "chunk %d\n", index);
        send_chunk(fd, chunk, (size_t)length);
    }
    if (strcmp(mode, "stream-error") == 0) {
        static const char end[] =
            "0\r\nLambda-Runtime-Function-Error-Type: FixtureStreamError\r\nLambda-Runtime-Function-Error-Body: "
            "eyJlcnJvck1lc3NhZ2UiOiJ0aGUgc3RyZWFtIGJyb2tlIiwiZXJyb3JUeXBlIjoiRml4dHVyZVN0cmVhbUVycm9yIn0=\r\n\r\n";
        send_all(fd, end, sizeof end - 1);
    } else {
        send_all(fd, "0\r\n\r\n", 5);
    }
    read_response(fd, &response);
    if (response.status != 202) die("the streamed response was not accepted");
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

        const char *crash_on = getenv("CRASH_ON");
        if (strcmp(mode, "crash") == 0 || (crash_on != NULL && *crash_on && strstr(event, crash_on) != NULL)) {
            struct rlimit none = {0, 0};
            setrlimit(RLIMIT_CORE, &none); /* no core file in the task directory */
            raise(SIGSEGV);
        }
        if (strcmp(mode, "hang") == 0) {
            for (;;) pause();
        }
        if (strncmp(mode, "stream", 6) == 0) {
            stream_answer(id, mode);
            continue;
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
        } else if (strcmp(mode, "answer") == 0) {
            snprintf(answer, sizeof answer, "%s", env("FIXTURE_ANSWER"));
        } else if (strcmp(mode, "url-answer") == 0) {
            static char encoded[sizeof event / 3 * 4 + 8];
            base64(event, length, encoded, sizeof encoded);
            snprintf(answer, sizeof answer,
                     "{\"statusCode\":201,\"headers\":{\"x-a\":\"1\"},\"cookies\":[\"c=1\",\"d=2\"],\"body\":\"%s\","
                     "\"isBase64Encoded\":true}",
                     encoded);
        } else if (strcmp(mode, "rendezvous") == 0) {
            snprintf(answer, sizeof answer, "%s", rendezvous());
        } else {
            memcpy(answer, event, length + 1);
        }
        snprintf(path, sizeof path, "/2018-06-01/runtime/invocation/%s/response", id);
        request("POST", path, NULL, answer, &response);
        if (response.status != 202) die("response was not accepted");
    }
}
