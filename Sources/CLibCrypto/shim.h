#ifndef SWIFT_LAMBDA_CLIBCRYPTO_SHIM_H
#define SWIFT_LAMBDA_CLIBCRYPTO_SHIM_H
// OpenSSL's libcrypto: only the EVP digest and one-shot HMAC calls, which OpenSSL 3 does not deprecate.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#endif
