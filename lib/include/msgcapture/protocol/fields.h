#pragma once
// How a wire structure is declared once and used three ways.
//
// Each structure lists its fields in one static function:
//
//     template <class V, class Self>
//     static void fields(V& v, Self& m) { v("nonce", m.nonce); }
//
// The decoder, the encoder and the JSON writer are visitors over that list (the
// JSON key is the field name), so the three cannot disagree. A field's C++ type
// says how it travels; a Wire tag overrides that where the protocol differs from
// the type's default (a big-endian port, a 6-byte short id, a CompactSize value).
#include <concepts>
#include <type_traits>

#include "msgcapture/export.h"

namespace msgcapture {

enum class Wire {
    Default,      // integers: fixed width little-endian; bool: one byte
    CompactSize,  // integer carried as a CompactSize
    BigEndian,    // uint16 in network byte order (ports)
    SixBytes,     // uint64 carried in 6 little-endian bytes (BIP152 short ids)
    IntFlag,      // bool shown in JSON as 0 or 1 (version's relay)
    Inline,       // nested structure whose JSON fields join its parent's object
    WithTxCount,  // block header followed by a CompactSize tx count (headers message)
};

// Accepts any field so that `Described` can ask whether T::fields exists.
struct MSGCAPTURE_EXPORT FieldProbe {
    template <class F>
    void operator()(const char*, F&, Wire = Wire::Default);
};

// A structure whose wire form and JSON come from its field list.
template <class T>
concept Described = requires(T& t, FieldProbe& p) { T::fields(p, t); };

}  // namespace msgcapture
