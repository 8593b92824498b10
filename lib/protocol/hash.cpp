#include "msgcapture/protocol/hash.h"

// OpenSSL 3 marks the SHA256_* functions deprecated in favour of EVP, but its
// EVP path frees and reallocates provider state on every digest (and the
// one-shot SHA256() also looks the algorithm up each time). A capture has a
// header hash per 80 bytes of `headers`, so the direct, allocation-free
// functions are worth the warning they would raise. They use the CPU's SHA
// extensions where present, as EVP does.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

namespace msgcapture {

Uint256 sha256(ByteSpan data) {
    SHA256_CTX ctx;
    Uint256 out;
    SHA256_Init(&ctx);
    SHA256_Update(&ctx, data.data(), data.size());
    SHA256_Final(out.bytes.data(), &ctx);
    return out;
}

Uint256 sha256d(ByteSpan data) {
    Uint256 once = sha256(data);
    return sha256(once.bytes);
}

}  // namespace msgcapture

namespace msgcapture {

std::string sha1_hex(ByteSpan data) {
    uint8_t digest[SHA_DIGEST_LENGTH];
    SHA1(data.data(), data.size(), digest);
    return to_hex(ByteSpan(digest, sizeof digest));
}

}  // namespace msgcapture
