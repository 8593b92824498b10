#include "msgcapture/protocol/hash.h"

#include <openssl/sha.h>

namespace msgcapture {

Uint256 sha256(ByteSpan data) {
    Uint256 out;
    SHA256(data.data(), data.size(), out.bytes.data());
    return out;
}

Uint256 sha256d(ByteSpan data) {
    Uint256 once = sha256(data);
    return sha256(once.bytes);
}

}  // namespace msgcapture
