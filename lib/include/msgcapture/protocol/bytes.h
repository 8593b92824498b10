#pragma once
// Byte containers and hex text, shared by every layer.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace msgcapture {

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;

// Writes the lowercase hex form of `bytes` (2 characters per byte) at `out`;
// returns one past the last character written.
char* write_hex(char* out, ByteSpan bytes);
// The same with the bytes taken last to first (how hashes are displayed).
char* write_reversed_hex(char* out, ByteSpan bytes);

// Appends the lowercase hex form of `bytes` to `out`.
void append_hex(std::string& out, ByteSpan bytes);
std::string to_hex(ByteSpan bytes);

// Parses hex text (either case); nullopt when it is not whole bytes of hex.
std::optional<Bytes> from_hex(std::string_view hex);

}  // namespace msgcapture
