#pragma once
// A small streaming JSON text writer: appends to a string, never builds a tree.
// Separators follow Python's json.dumps (", " and ": ") so output diffs cleanly
// against Bitcoin Core's parser.
#include <cstdint>
#include <string>
#include <string_view>

#include "msgcapture/protocol/bytes.h"

namespace msgcapture {

class JsonWriter {
public:
    explicit JsonWriter(std::string& out) : out_(out) {}

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }

    // `name` must not need escaping: keys are the protocol's field names.
    void key(std::string_view name) {
        separate();
        out_ += '"';
        out_ += name;
        out_ += "\": ";
        need_separator_ = false;
    }

    void number(uint64_t v);
    void number(int64_t v);
    void boolean(bool v) { scalar(v ? "true" : "false"); }
    void null() { scalar("null"); }
    void string(std::string_view utf8);  // escapes as JSON requires
    void hex(ByteSpan bytes);           // a string of lowercase hex

    // A value that is already JSON text.
    void raw(std::string_view json) { scalar(json); }

    std::string& buffer() { return out_; }

private:
    void separate() {
        if (need_separator_) out_ += ", ";
    }
    void open(char c) {
        separate();
        out_ += c;
        need_separator_ = false;
    }
    void close(char c) {
        out_ += c;
        need_separator_ = true;
    }
    void scalar(std::string_view text) {
        separate();
        out_ += text;
        need_separator_ = true;
    }

    std::string& out_;
    bool need_separator_ = false;
};

}  // namespace msgcapture
