#ifndef GENTLE_CCURL_SHIM_H
#define GENTLE_CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt is variadic and CURL_GLOBAL_ALL is a macro: Swift sees neither. */
static inline CURLcode gentle_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode gentle_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode gentle_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode gentle_curl_global_init_all(void) {
    return curl_global_init(CURL_GLOBAL_ALL);
}
#endif
