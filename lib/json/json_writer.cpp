#include "msgcapture/json/json_writer.h"

#include <array>

namespace msgcapture {
namespace {

constexpr size_t MAX_INTEGER_CHARS = 20;  // -9223372036854775808 and 18446744073709551615

constexpr auto DIGIT_PAIRS = [] {
    std::array<char, 200> pairs{};
    for (int i = 0; i < 100; ++i) {
        pairs[2 * i] = static_cast<char>('0' + i / 10);
        pairs[2 * i + 1] = static_cast<char>('0' + i % 10);
    }
    return pairs;
}();

// Decimal digits of v at `out` (which has room for MAX_INTEGER_CHARS); returns
// the end. Two digits per division, and 32-bit divisions once v fits, which
// most protocol numbers (times, sequences, nonces, ports) do from the start.
char* write_decimal(char* out, uint64_t v) {
    char digits[2 * MAX_INTEGER_CHARS];
    char* const end = digits + MAX_INTEGER_CHARS;
    char* p = end;
    while (v > UINT32_MAX) {
        p -= 2;
        std::memcpy(p, &DIGIT_PAIRS[2 * (v % 100)], 2);
        v /= 100;
    }
    auto small = static_cast<uint32_t>(v);
    while (small >= 100) {
        p -= 2;
        std::memcpy(p, &DIGIT_PAIRS[2 * (small % 100)], 2);
        small /= 100;
    }
    if (small >= 10) {
        p -= 2;
        std::memcpy(p, &DIGIT_PAIRS[2 * small], 2);
    } else {
        *--p = static_cast<char>('0' + small);
    }
    // A fixed-size copy is two vector moves; the bytes past `end` are unused.
    std::memcpy(out, p, MAX_INTEGER_CHARS);
    return out + (end - p);
}

}  // namespace

void JsonWriter::number(uint64_t v) {
    char* p = separate(out_->tail(MAX_INTEGER_CHARS + 2));
    out_->end_at(write_decimal(p, v));
    need_separator_ = true;
}

void JsonWriter::number(int64_t v) {
    char* p = separate(out_->tail(MAX_INTEGER_CHARS + 3));
    if (v < 0) *p++ = '-';
    // Negating as unsigned is exact for INT64_MIN too.
    const uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    out_->end_at(write_decimal(p, magnitude));
    need_separator_ = true;
}

void JsonWriter::string(std::string_view utf8) {
    // Room for the worst case, every character escaped as \u00XX.
    char* p = separate(out_->tail(6 * utf8.size() + 4));
    *p++ = '"';
    for (char c : utf8) {
        auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            *p++ = '\\';
            *p++ = c;
        } else if (u < 0x20) {
            static constexpr char digits[] = "0123456789abcdef";
            std::memcpy(p, "\\u00", 4);
            p[4] = digits[u >> 4];
            p[5] = digits[u & 15];
            p += 6;
        } else {
            *p++ = c;
        }
    }
    *p++ = '"';
    out_->end_at(p);
    need_separator_ = true;
}

void JsonWriter::hex_string(ByteSpan bytes, bool reversed) {
    char* p = separate(out_->tail(2 * bytes.size() + 4));
    *p++ = '"';
    p = reversed ? write_reversed_hex(p, bytes) : write_hex(p, bytes);
    *p++ = '"';
    out_->end_at(p);
    need_separator_ = true;
}

}  // namespace msgcapture
