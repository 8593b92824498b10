#pragma once
// The JSON view of decoded messages (CAPTURE-SPEC §4): a visitor over each
// structure's field list, plus the few structures whose JSON adds derived
// fields (block hashes, vector lengths) or shows addresses as text.
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "msgcapture/json/json_writer.h"
#include "msgcapture/protocol/fields.h"
#include "msgcapture/protocol/message.h"
#include "msgcapture/protocol/primitives.h"

namespace msgcapture {

// Structures with JSON of their own; everything else uses its field list.
void write_json_fields(JsonWriter& w, const BlockHeader& header);  // + hash, sha256
void write_json_fields(JsonWriter& w, const Block& block);  // its transactions can be split into parts
void write_json_fields(JsonWriter& w, const HeaderAndShortIDs& cmpct);  // + vector lengths
void write_json_fields(JsonWriter& w, const NetAddress& addr);
void write_json_fields(JsonWriter& w, const TimedNetAddress& addr);
void write_json_fields(JsonWriter& w, const AddrV2Entry& addr);

template <class T>
void write_json_value(JsonWriter& w, const T& value, Wire wire = Wire::Default);

namespace detail {
struct JsonVisitor {
    JsonWriter& w;
    template <class F>
    void operator()(const char* name, const F& field, Wire wire = Wire::Default);
};
}  // namespace detail

// The fields of a described structure, without the surrounding braces.
template <class T>
void write_described_fields(JsonWriter& w, const T& value) {
    detail::JsonVisitor v{w};
    T::fields(v, value);
}

template <class T>
void write_json_fields(JsonWriter& w, const T& value) {
    write_described_fields(w, value);
}

template <class T>
void write_json_value(JsonWriter& w, const T& value, Wire wire) {
    if constexpr (std::is_same_v<T, bool>) {
        if (wire == Wire::IntFlag) {
            w.number(static_cast<uint64_t>(value ? 1 : 0));
        } else {
            w.boolean(value);
        }
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
        w.number(static_cast<int64_t>(value));
    } else if constexpr (std::is_integral_v<T>) {
        w.number(static_cast<uint64_t>(value));
    } else if constexpr (std::is_same_v<T, Uint256>) {
        w.hex(value.bytes);
    } else if constexpr (std::is_same_v<T, Bytes>) {
        w.hex(value);
    } else if constexpr (std::is_same_v<T, std::string>) {
        w.string(value);
    } else if constexpr (std::is_same_v<T, std::vector<bool>>) {
        w.begin_array();
        for (bool b : value) w.boolean(b);
        w.end_array();
    } else if constexpr (requires { value.begin(); value.size(); }) {
        w.begin_array();
        for (const auto& e : value) write_json_value(w, e, wire);
        w.end_array();
    } else {
        w.begin_object();
        write_json_fields(w, value);
        w.end_object();
    }
}

template <class F>
void detail::JsonVisitor::operator()(const char* name, const F& field, Wire wire) {
    if constexpr (requires { field.has_value(); }) {
        if (!field) return;  // an absent optional field is left out
        (*this)(name, *field, wire);
    } else {
        if constexpr (Described<F>) {
            if (wire == Wire::Inline) {
                write_json_fields(w, field);
                return;
            }
        }
        w.key(name);
        write_json_value(w, field, wire);
    }
}

// The `body` object of a decoded message.
void write_message_body(JsonWriter& w, const MessageScratch& scratch, size_t type_index);

template <class M>
void write_message_body(JsonWriter& w, const M& message) {
    write_json_value(w, message);
}

}  // namespace msgcapture
