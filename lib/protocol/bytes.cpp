#include "msgcapture/protocol/bytes.h"

#include <array>

namespace msgcapture {
namespace {

// Two characters per byte value, so hex output is one table load per byte.
constexpr std::array<char, 512> make_hex_table() {
    constexpr char digits[] = "0123456789abcdef";
    std::array<char, 512> table{};
    for (int i = 0; i < 256; ++i) {
        table[2 * i] = digits[i >> 4];
        table[2 * i + 1] = digits[i & 15];
    }
    return table;
}
constexpr auto HEX_TABLE = make_hex_table();

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

void append_hex(std::string& out, ByteSpan bytes) {
    size_t start = out.size();
    out.resize(start + 2 * bytes.size());
    char* p = out.data() + start;
    for (uint8_t b : bytes) {
        *p++ = HEX_TABLE[2 * b];
        *p++ = HEX_TABLE[2 * b + 1];
    }
}

std::string to_hex(ByteSpan bytes) {
    std::string out;
    append_hex(out, bytes);
    return out;
}

std::optional<Bytes> from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    Bytes out(hex.size() / 2);
    for (size_t i = 0; i < out.size(); ++i) {
        int hi = hex_value(hex[2 * i]);
        int lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = static_cast<uint8_t>(hi << 4 | lo);
    }
    return out;
}

}  // namespace msgcapture
