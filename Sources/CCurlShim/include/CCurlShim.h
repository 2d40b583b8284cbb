#ifndef CCURLSHIM_H
#define CCURLSHIM_H

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call; these typed wrappers can be.
#include <curl/curl.h>

CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);

typedef size_t (*ccurl_data_callback)(char *data, size_t size, size_t count, void *userdata);
CURLcode ccurl_setopt_write_function(CURL *handle, ccurl_data_callback callback);
CURLcode ccurl_setopt_header_function(CURL *handle, ccurl_data_callback callback);

typedef int (*ccurl_progress_callback)(void *userdata, curl_off_t download_total, curl_off_t downloaded,
                                       curl_off_t upload_total, curl_off_t uploaded);
CURLcode ccurl_setopt_progress_function(CURL *handle, ccurl_progress_callback callback);

CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode ccurl_getinfo_pointer(CURL *handle, CURLINFO info, void **value);

CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

#endif
