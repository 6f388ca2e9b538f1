/* A Lambda extension for the tests: registers under its file name (as Lambda requires), logs
   every event it receives to standard error as "[NAME] TYPE detail", and exits after SHUTDOWN.
   EXTENSION_MODE (set with --env): normal (default), exit (exits with status 2 before
   registering), silent (never registers), no-next (registers, never asks for an event),
   init-error (registers, then reports init/error). */
#include "lambda_http.h"
#include <libgen.h>

static struct response response;

/* The string value of "key" in a flat JSON object, or "" when absent. */
static void field(const char *json, const char *key, char *value, size_t cap) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    const char *start = strstr(json, pattern);
    value[0] = 0;
    if (start == NULL) return;
    start += strlen(pattern);
    const char *stop = strchr(start, '"');
    size_t length = stop ? (size_t)(stop - start) : 0;
    if (length >= cap) length = cap - 1;
    memcpy(value, start, length);
    value[length] = 0;
}

int main(int argc, char **argv) {
    (void)argc;
    const char *name = basename(argv[0]);
    const char *mode = getenv("EXTENSION_MODE");
    if (mode == NULL) mode = "normal";
    if (strcmp(mode, "exit") == 0) {
        fprintf(stderr, "[%s] giving up before registering\n", name);
        return 2;
    }
    if (strcmp(mode, "silent") == 0) {
        for (;;) pause();
    }
    char headers[256], identifier[128];
    snprintf(headers, sizeof headers, "Lambda-Extension-Name: %s\r\n", name);
    request("POST", "/2020-01-01/extension/register", headers, "{\"events\":[\"INVOKE\",\"SHUTDOWN\"]}", &response);
    if (response.status != 200 || !header(&response, "Lambda-Extension-Identifier", identifier, sizeof identifier)) {
        fprintf(stderr, "[%s] register answered %d\n", name, response.status);
        return 1;
    }
    fprintf(stderr, "[%s] registered\n", name);
    snprintf(headers, sizeof headers, "Lambda-Extension-Identifier: %s\r\n", identifier);
    if (strcmp(mode, "no-next") == 0) {
        for (;;) pause();
    }
    if (strcmp(mode, "init-error") == 0) {
        char error_headers[512];
        snprintf(error_headers, sizeof error_headers, "%sLambda-Extension-Function-Error-Type: Extension.ConfigError\r\n", headers);
        request("POST", "/2020-01-01/extension/init/error", error_headers,
                "{\"errorMessage\":\"no agent configured\",\"errorType\":\"Extension.ConfigError\"}", &response);
        for (;;) pause();
    }
    for (;;) {
        request("GET", "/2020-01-01/extension/event/next", headers, NULL, &response);
        if (response.status != 200) {
            fprintf(stderr, "[%s] event/next answered %d\n", name, response.status);
            return 1;
        }
        char type[32], detail[128];
        field(response.body, "eventType", type, sizeof type);
        if (strcmp(type, "INVOKE") == 0) {
            field(response.body, "requestId", detail, sizeof detail);
        } else {
            field(response.body, "shutdownReason", detail, sizeof detail);
        }
        fprintf(stderr, "[%s] %s %s\n", name, type, detail);
        if (strcmp(type, "SHUTDOWN") == 0) return 0;
    }
}
