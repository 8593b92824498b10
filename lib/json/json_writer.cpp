#include "msgcapture/json/json_writer.h"

#include <charconv>

namespace msgcapture {
namespace {

constexpr size_t MAX_INTEGER_CHARS = 20;  // -9223372036854775808 and 18446744073709551615

}  // namespace

void JsonWriter::number(uint64_t v) {
    char* p = separate(out_.tail(MAX_INTEGER_CHARS + 2));
    out_.end_at(std::to_chars(p, p + MAX_INTEGER_CHARS, v).ptr);
    need_separator_ = true;
}

void JsonWriter::number(int64_t v) {
    char* p = separate(out_.tail(MAX_INTEGER_CHARS + 2));
    out_.end_at(std::to_chars(p, p + MAX_INTEGER_CHARS, v).ptr);
    need_separator_ = true;
}

void JsonWriter::string(std::string_view utf8) {
    // Room for the worst case, every character escaped as \u00XX.
    char* p = separate(out_.tail(6 * utf8.size() + 4));
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
    out_.end_at(p);
    need_separator_ = true;
}

void JsonWriter::hex_string(ByteSpan bytes, bool reversed) {
    char* p = separate(out_.tail(2 * bytes.size() + 4));
    *p++ = '"';
    p = reversed ? write_reversed_hex(p, bytes) : write_hex(p, bytes);
    *p++ = '"';
    out_.end_at(p);
    need_separator_ = true;
}

}  // namespace msgcapture
