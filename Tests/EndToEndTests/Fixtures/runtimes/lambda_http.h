/* A tiny blocking HTTP/1.1 client for the test runtimes: one request per connection
   (Connection: close), the response read to the end. Enough for the Runtime and Extensions APIs
   of a local emulator; exits the process on any transport failure. */
#ifndef LAMBDA_HTTP_H
#define LAMBDA_HTTP_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define RESPONSE_CAP (1 << 20)

struct response {
    int status;
    char raw[RESPONSE_CAP];
    size_t length;
    const char *body;
    size_t body_length;
};

static void die(const char *what) {
    fprintf(stderr, "fixture: %s\n", what);
    exit(70);
}

/* A connection to $AWS_LAMBDA_RUNTIME_API (127.0.0.1:PORT). */
static int connect_api(void) {
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (api == NULL) die("AWS_LAMBDA_RUNTIME_API is not set");
    const char *colon = strrchr(api, ':');
    if (colon == NULL) die("AWS_LAMBDA_RUNTIME_API has no port");
    char host[64];
    size_t host_length = (size_t)(colon - api);
    if (host_length >= sizeof host) die("host too long");
    memcpy(host, api, host_length);
    host[host_length] = 0;

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((unsigned short)atoi(colon + 1));
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) die("bad host");
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) die("connect failed");
    return fd;
}

/* Reads the response on `fd` to the end of the stream, then closes it. */
static void read_response(int fd, struct response *out) {
    out->length = 0;
    for (;;) {
        ssize_t got = read(fd, out->raw + out->length, RESPONSE_CAP - 1 - out->length);
        if (got < 0) die("read failed");
        if (got == 0) break;
        out->length += (size_t)got;
        if (out->length >= RESPONSE_CAP - 1) die("response too large");
    }
    close(fd);
    out->raw[out->length] = 0;
    if (sscanf(out->raw, "HTTP/1.%*d %d", &out->status) != 1) die("no status line");
    char *end = strstr(out->raw, "\r\n\r\n");
    if (end == NULL) die("no end of headers");
    out->body = end + 4;
    out->body_length = out->length - (size_t)(out->body - out->raw);
}

/* Sends one request to $AWS_LAMBDA_RUNTIME_API and reads the response. */
static void request(const char *method, const char *path, const char *extra_headers, const char *body,
                    struct response *out) {
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    int fd = connect_api();
    size_t body_length = body ? strlen(body) : 0;
    char head[4096];
    int head_length = snprintf(head, sizeof head,
                               "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\nContent-Length: %zu\r\n%s\r\n",
                               method, path, api, body_length, extra_headers ? extra_headers : "");
    if (write(fd, head, (size_t)head_length) != head_length) die("write failed");
    if (body_length && write(fd, body, body_length) != (ssize_t)body_length) die("write failed");
    read_response(fd, out);
}

/* The value of header `name` (case-insensitive) into `value`; 0 when absent. */
static int header(const struct response *response, const char *name, char *value, size_t cap) {
    size_t name_length = strlen(name);
    const char *line = strstr(response->raw, "\r\n");
    while (line != NULL && line < response->body - 2) {
        line += 2;
        if (strncasecmp(line, name, name_length) == 0 && line[name_length] == ':') {
            const char *start = line + name_length + 1;
            while (*start == ' ') start++;
            const char *stop = strstr(start, "\r\n");
            size_t length = (size_t)(stop - start);
            if (length >= cap) length = cap - 1;
            memcpy(value, start, length);
            value[length] = 0;
            return 1;
        }
        line = strstr(line, "\r\n");
    }
    return 0;
}

#endif
