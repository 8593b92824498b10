#pragma once
#include <string>

#include "msgcapture/protocol/bytes.h"
#include "msgcapture/protocol/uint256.h"

namespace msgcapture {

Uint256 sha256(ByteSpan data);
// SHA256(SHA256(data)): block hashes, txids, message checksums.
Uint256 sha256d(ByteSpan data);
// SHA-1, as 40 lowercase hex characters: how libFuzzer names corpus files.
std::string sha1_hex(ByteSpan data);

}  // namespace msgcapture
