#pragma once
// A small streaming JSON text writer: appends to a buffer, never builds a tree.
// Separators follow Python's json.dumps (", " and ": ") so output diffs cleanly
// against Bitcoin Core's parser.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "msgcapture/output_buffer.h"
#include "msgcapture/protocol/bytes.h"

namespace msgcapture {

class JsonWriter {
public:
    explicit JsonWriter(OutputBuffer& out) : out_(out) {}

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }

    // `name` must not need escaping: keys are the protocol's field names.
    void key(std::string_view name) {
        char* p = separate(out_.tail(name.size() + 6));
        *p++ = '"';
        std::memcpy(p, name.data(), name.size());
        p += name.size();
        std::memcpy(p, "\": ", 3);
        out_.end_at(p + 3);
        need_separator_ = false;
    }

    void number(uint64_t v);
    void number(int64_t v);
    void boolean(bool v) { scalar(v ? "true" : "false"); }
    void null() { scalar("null"); }
    void string(std::string_view utf8);  // escapes as JSON requires
    void hex(ByteSpan bytes) { hex_string(bytes, false); }  // a string of lowercase hex
    // The same, last byte first: how hashes are displayed.
    void reversed_hex(ByteSpan bytes) { hex_string(bytes, true); }

    // A value that is already JSON text.
    void raw(std::string_view json) { scalar(json); }

private:
    void hex_string(ByteSpan bytes, bool reversed);
    // Writes ", " at p when a value came before; returns where writing goes on.
    char* separate(char* p) {
        if (need_separator_) {
            *p++ = ',';
            *p++ = ' ';
        }
        return p;
    }
    void open(char c) {
        char* p = separate(out_.tail(3));
        *p++ = c;
        out_.end_at(p);
        need_separator_ = false;
    }
    void close(char c) {
        out_.push_back(c);
        need_separator_ = true;
    }
    void scalar(std::string_view text) {
        char* p = separate(out_.tail(text.size() + 2));
        if (!text.empty()) std::memcpy(p, text.data(), text.size());
        out_.end_at(p + text.size());
        need_separator_ = true;
    }

    OutputBuffer& out_;
    bool need_separator_ = false;
};

}  // namespace msgcapture
