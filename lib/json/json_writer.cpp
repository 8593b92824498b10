#include "msgcapture/json/json_writer.h"

#include <charconv>

namespace msgcapture {

void JsonWriter::number(uint64_t v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    scalar(std::string_view(buf, static_cast<size_t>(end - buf)));
}

void JsonWriter::number(int64_t v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    scalar(std::string_view(buf, static_cast<size_t>(end - buf)));
}

void JsonWriter::string(std::string_view utf8) {
    separate();
    out_ += '"';
    for (char c : utf8) {
        auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out_ += '\\';
            out_ += c;
        } else if (u < 0x20) {
            static constexpr char digits[] = "0123456789abcdef";
            out_ += "\\u00";
            out_ += digits[u >> 4];
            out_ += digits[u & 15];
        } else {
            out_ += c;
        }
    }
    out_ += '"';
    need_separator_ = true;
}

void JsonWriter::hex(ByteSpan bytes) {
    separate();
    out_ += '"';
    append_hex(out_, bytes);
    out_ += '"';
    need_separator_ = true;
}

}  // namespace msgcapture
