#ifndef CCURL_SHIMS_H
#define CCURL_SHIMS_H

#include <stddef.h>
#include <stdint.h>

/// One HTTP exchange through libcurl's easy interface, blocking the calling thread (curl waits
/// in poll(2), using no CPU while the server thinks). Swift cannot call curl_easy_setopt, which
/// is variadic, so the whole exchange is here; the answer's bytes are malloc'd and freed with
/// swl_http_result_free.
typedef struct {
    long status;
    /// The raw header block of the last response (status lines included), CRLF-separated.
    uint8_t *headers;
    size_t headers_length;
    uint8_t *body;
    size_t body_length;
    /// 0, or the CURLcode of the failure; `error` then holds libcurl's words for it.
    int curl_code;
    char error[256];
} swl_http_result;

/// The kinds of failure deploy explains differently.
enum {
    SWL_HTTP_OK = 0,
    SWL_HTTP_UNRESOLVED = 1,
    SWL_HTTP_CONNECT = 2,
    SWL_HTTP_TIMEOUT = 3,
    SWL_HTTP_OTHER = 4,
};

/// `headers` are `Name: value` lines. `timeout_ms` 0 means none. Returns one of SWL_HTTP_*.
int swl_http_perform(const char *method, const char *url, const char *const *headers, size_t header_count,
                     const uint8_t *body, size_t body_length, long timeout_ms, swl_http_result *result);

void swl_http_result_free(swl_http_result *result);

#endif
