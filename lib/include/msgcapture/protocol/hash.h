#pragma once
#include <string>

#include "msgcapture/export.h"
#include "msgcapture/protocol/bytes.h"
#include "msgcapture/protocol/uint256.h"

namespace msgcapture {

MSGCAPTURE_EXPORT Uint256 sha256(ByteSpan data);
// SHA256(SHA256(data)): block hashes, txids, message checksums.
MSGCAPTURE_EXPORT Uint256 sha256d(ByteSpan data);
// SHA-1, as 40 lowercase hex characters: how libFuzzer names corpus files.
MSGCAPTURE_EXPORT std::string sha1_hex(ByteSpan data);

}  // namespace msgcapture
