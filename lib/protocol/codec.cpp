#include "msgcapture/protocol/codec.h"

namespace msgcapture {

void require_utf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<uint8_t>(s[i]);
        size_t len;
        uint32_t cp;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            len = 2;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4;
            cp = c & 0x07;
        } else {
            throw DecodeError("invalid UTF-8");
        }
        if (i + len > s.size()) throw DecodeError("invalid UTF-8");
        for (size_t k = 1; k < len; ++k) {
            auto cc = static_cast<uint8_t>(s[i + k]);
            if ((cc & 0xc0) != 0x80) throw DecodeError("invalid UTF-8");
            cp = (cp << 6) | (cc & 0x3f);
        }
        // Overlong forms, surrogates and values past Unicode are not UTF-8.
        static constexpr uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_for_len[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            throw DecodeError("invalid UTF-8");
        }
        i += len;
    }
}

}  // namespace msgcapture
