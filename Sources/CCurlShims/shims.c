#include "ccurl_shims.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    uint8_t *bytes;
    size_t length;
    size_t capacity;
    int failed;
} buffer;

static size_t append(char *data, size_t size, size_t count, void *context) {
    buffer *target = context;
    size_t length = size * count;
    if (target->length + length > target->capacity) {
        size_t capacity = target->capacity ? target->capacity * 2 : 16384;
        while (capacity < target->length + length) capacity *= 2;
        uint8_t *grown = realloc(target->bytes, capacity);
        if (!grown) { target->failed = 1; return 0; }
        target->bytes = grown;
        target->capacity = capacity;
    }
    memcpy(target->bytes + target->length, data, length);
    target->length += length;
    return length;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static void initialise(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

static int kind(CURLcode code) {
    switch (code) {
    case CURLE_OK: return SWL_HTTP_OK;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return SWL_HTTP_UNRESOLVED;
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING: return SWL_HTTP_CONNECT;
    case CURLE_OPERATION_TIMEDOUT: return SWL_HTTP_TIMEOUT;
    default: return SWL_HTTP_OTHER;
    }
}

int swl_http_perform(const char *method, const char *url, const char *const *headers, size_t header_count,
                     const uint8_t *body, size_t body_length, long timeout_ms, swl_http_result *result) {
    pthread_once(&once, initialise);
    memset(result, 0, sizeof(*result));
    CURL *curl = curl_easy_init();
    if (!curl) {
        result->curl_code = CURLE_FAILED_INIT;
        strncpy(result->error, "libcurl could not start a request", sizeof(result->error) - 1);
        return SWL_HTTP_OTHER;
    }
    struct curl_slist *list = NULL;
    int typed = 0;
    for (size_t index = 0; index < header_count; index++) {
        list = curl_slist_append(list, headers[index]);
        if (strncasecmp(headers[index], "content-type:", 13) == 0) typed = 1;
    }
    // No "Expect: 100-continue" round trip before a large body.
    list = curl_slist_append(list, "Expect:");
    // No body type the caller did not give: for POSTFIELDS curl would add
    // application/x-www-form-urlencoded, which servers read as a form (moto 5.2.5 then
    // routes a bodiless DELETE to the wrong service and answers a bare 404).
    if (!typed) list = curl_slist_append(list, "Content-Type:");
    buffer head = {0}, content = {0};

    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, result->error);
    if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_length);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body_length ? (const char *)body : "");
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &content);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, append);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &head);
    if (timeout_ms > 0) curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);

    CURLcode code = curl_easy_perform(curl);
    if (code == CURLE_OK && (head.failed || content.failed)) code = CURLE_OUT_OF_MEMORY;
    if (code == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result->status);
    if (code != CURLE_OK && result->error[0] == 0) strncpy(result->error, curl_easy_strerror(code), sizeof(result->error) - 1);
    result->curl_code = code;
    result->headers = head.bytes;
    result->headers_length = head.length;
    result->body = content.bytes;
    result->body_length = content.length;
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    return kind(code);
}

void swl_http_result_free(swl_http_result *result) {
    free(result->headers);
    free(result->body);
    result->headers = NULL;
    result->body = NULL;
}
