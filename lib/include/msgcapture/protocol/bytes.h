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

// Appends the lowercase hex form of `bytes` to `out`.
void append_hex(std::string& out, ByteSpan bytes);
std::string to_hex(ByteSpan bytes);

// Parses hex text (either case); nullopt when it is not whole bytes of hex.
std::optional<Bytes> from_hex(std::string_view hex);

}  // namespace msgcapture
