#include "msgcapture/protocol/bytes.h"

#include <algorithm>
#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

char* write_hex(char* out, ByteSpan bytes) {
    size_t i = 0;
#if defined(__SSE2__)
    // Hex is most of a capture's JSON (scripts, witnesses, hashes): 16 bytes
    // at a time, each nibble n becoming '0' + n, plus 39 more when n > 9.
    const __m128i low_nibble = _mm_set1_epi8(0x0f);
    const __m128i nine = _mm_set1_epi8(9);
    const __m128i zero_char = _mm_set1_epi8('0');
    const __m128i letter_gap = _mm_set1_epi8('a' - '0' - 10);
    auto to_chars = [&](__m128i nibbles) {
        __m128i letters = _mm_and_si128(_mm_cmpgt_epi8(nibbles, nine), letter_gap);
        return _mm_add_epi8(_mm_add_epi8(nibbles, zero_char), letters);
    };
    for (; i + 16 <= bytes.size(); i += 16) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes.data() + i));
        __m128i high = to_chars(_mm_and_si128(_mm_srli_epi16(v, 4), low_nibble));
        __m128i low = to_chars(_mm_and_si128(v, low_nibble));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_unpacklo_epi8(high, low));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16), _mm_unpackhi_epi8(high, low));
        out += 32;
    }
#endif
    for (; i < bytes.size(); ++i) {
        std::memcpy(out, &HEX_TABLE[2 * bytes[i]], 2);
        out += 2;
    }
    return out;
}

char* write_reversed_hex(char* out, ByteSpan bytes) {
    // Reversed a chunk at a time so that the hex itself takes the fast path.
    uint8_t chunk[64];
    size_t left = bytes.size();
    while (left > 0) {
        const size_t n = std::min(left, sizeof chunk);
        for (size_t i = 0; i < n; ++i) chunk[i] = bytes[left - 1 - i];
        out = write_hex(out, ByteSpan(chunk, n));
        left -= n;
    }
    return out;
}

void append_hex(std::string& out, ByteSpan bytes) {
    size_t start = out.size();
    out.resize(start + 2 * bytes.size());
    write_hex(out.data() + start, bytes);
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
