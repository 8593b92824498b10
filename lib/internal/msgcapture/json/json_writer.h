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
    // One part of an entry written in parts, on several threads at once
    // (OutputFormat::split): the elements of the entry's one split array (a
    // block's transactions) that the part holds go to the part's output. What
    // comes before them goes there too only when the part starts the entry,
    // and what comes after only when it ends it; otherwise it goes to
    // `elsewhere`, which is thrown away. Each part holds some elements, so
    // one that does not start the entry comes after elements of another.
    struct Part {
        bool starts = true;
        bool ends = true;
        OutputBuffer* elsewhere = nullptr;
    };

    explicit JsonWriter(OutputBuffer& out) : out_(&out) {}
    JsonWriter(OutputBuffer& out, const Part& part)
        : out_(part.starts ? &out : part.elsewhere), part_out_(&out), part_(&part) {}

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }

    // `name` must not need escaping: keys are the protocol's field names.
    void key(std::string_view name) {
        char* p = separate(out_->tail(name.size() + 6));
        *p++ = '"';
        std::memcpy(p, name.data(), name.size());
        p += name.size();
        std::memcpy(p, "\": ", 3);
        out_->end_at(p + 3);
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

    // The part being written, if the entry is written in parts. The split
    // array calls enter_part() after its "[" and leave_part() before its "]".
    const Part* part() const { return part_; }
    void enter_part() {
        out_ = part_out_;
        need_separator_ = !part_->starts;  // as after the elements earlier parts wrote
    }
    void leave_part() {
        if (part_->ends) return;
        out_ = part_->elsewhere;
        rest_is_elsewhere_ = true;
    }
    // Whether the rest of the entry is a later part's: the writer may stop.
    bool rest_is_elsewhere() const { return rest_is_elsewhere_; }

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
        char* p = separate(out_->tail(3));
        *p++ = c;
        out_->end_at(p);
        need_separator_ = false;
    }
    void close(char c) {
        out_->push_back(c);
        need_separator_ = true;
    }
    void scalar(std::string_view text) {
        char* p = separate(out_->tail(text.size() + 2));
        if (!text.empty()) std::memcpy(p, text.data(), text.size());
        out_->end_at(p + text.size());
        need_separator_ = true;
    }

    OutputBuffer* out_;
    OutputBuffer* part_out_ = nullptr;
    const Part* part_ = nullptr;
    bool need_separator_ = false;
    bool rest_is_elsewhere_ = false;
};

}  // namespace msgcapture
