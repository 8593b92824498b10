#include "msgcapture/protocol/hash.h"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace msgcapture {
namespace {

// OpenSSL 3 looks the algorithm up on every one-shot SHA256() call (a lock and
// a table search); fetching it once and reusing a per-thread context makes a
// header hash cost only the hashing.
struct Sha256Context {
    Sha256Context() : md(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx(EVP_MD_CTX_new()) {
        if (!md || !ctx) throw std::runtime_error("OpenSSL: SHA-256 is not available");
    }
    ~Sha256Context() {
        EVP_MD_CTX_free(ctx);
        EVP_MD_free(md);
    }
    Sha256Context(const Sha256Context&) = delete;
    Sha256Context& operator=(const Sha256Context&) = delete;

    EVP_MD* md;
    EVP_MD_CTX* ctx;
};

}  // namespace

Uint256 sha256(ByteSpan data) {
    thread_local Sha256Context c;
    Uint256 out;
    unsigned int len = 0;
    if (EVP_DigestInit_ex2(c.ctx, c.md, nullptr) != 1 || EVP_DigestUpdate(c.ctx, data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(c.ctx, out.bytes.data(), &len) != 1) {
        throw std::runtime_error("OpenSSL: SHA-256 failed");
    }
    return out;
}

Uint256 sha256d(ByteSpan data) {
    Uint256 once = sha256(data);
    return sha256(once.bytes);
}

}  // namespace msgcapture
