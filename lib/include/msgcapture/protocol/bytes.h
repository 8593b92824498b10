#pragma once
// Byte containers and hex text, shared by every layer.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "msgcapture/export.h"

namespace msgcapture {

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;

// Writes the lowercase hex form of `bytes` (2 characters per byte) at `out`;
// returns one past the last character written.
MSGCAPTURE_EXPORT char* write_hex(char* out, ByteSpan bytes);
// The same with the bytes taken last to first (how hashes are displayed).
MSGCAPTURE_EXPORT char* write_reversed_hex(char* out, ByteSpan bytes);

// Appends the lowercase hex form of `bytes` to `out`.
MSGCAPTURE_EXPORT void append_hex(std::string& out, ByteSpan bytes);
MSGCAPTURE_EXPORT std::string to_hex(ByteSpan bytes);

// Parses hex text (either case); nullopt when it is not whole bytes of hex.
MSGCAPTURE_EXPORT std::optional<Bytes> from_hex(std::string_view hex);

}  // namespace msgcapture
