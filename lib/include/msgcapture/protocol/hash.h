#pragma once
#include "msgcapture/protocol/bytes.h"
#include "msgcapture/protocol/uint256.h"

namespace msgcapture {

Uint256 sha256(ByteSpan data);
// SHA256(SHA256(data)): block hashes, txids, message checksums.
Uint256 sha256d(ByteSpan data);

}  // namespace msgcapture
