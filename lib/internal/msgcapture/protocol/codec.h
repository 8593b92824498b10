#pragma once
// The wire codec: one generic decoder and one generic encoder that walk a
// structure's field list. Types whose wire form cannot be a plain field list
// (Transaction) provide static decode / member encode instead.
#include <algorithm>
#include <array>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "msgcapture/protocol/fields.h"
#include "msgcapture/protocol/stream.h"

namespace msgcapture {

template <class T>
concept SelfCoded = requires(ByteReader& r, ByteWriter& w, T& t, const T& c) {
    T::decode(r, t);
    c.encode(w);
};

template <class T>
concept Validated = requires(const T& t) { validate(t); };

// Throws DecodeError unless `s` is valid UTF-8 (strSubVer is text).
void require_utf8(std::string_view s);

template <class T>
void decode_value(ByteReader& r, T& value, Wire wire = Wire::Default);
template <class T>
void encode_value(ByteWriter& w, const T& value, Wire wire = Wire::Default);

namespace detail {

template <class>
inline constexpr bool is_optional_v = false;
template <class T>
inline constexpr bool is_optional_v<std::optional<T>> = true;

struct DecodeVisitor {
    ByteReader& r;
    template <class F>
    void operator()(const char*, F& field, Wire wire = Wire::Default) { decode_value(r, field, wire); }
};

struct EncodeVisitor {
    ByteWriter& w;
    template <class F>
    void operator()(const char*, const F& field, Wire wire = Wire::Default) { encode_value(w, field, wire); }
};

template <class T>
size_t min_wire_size(Wire wire);

// Sums the smallest wire size of each field of a structure.
struct MinSizeVisitor {
    size_t total = 0;
    template <class F>
    void operator()(const char*, const F&, Wire wire = Wire::Default) { total += min_wire_size<F>(wire); }
};

// The smallest number of bytes one value of T can take on the wire; counts are
// checked against it before anything is reserved, so that a hostile count can
// only ask for memory in proportion to bytes really present.
template <class T>
size_t min_wire_size(Wire wire) {
    if constexpr (std::is_integral_v<T>) {
        if (wire == Wire::CompactSize) return 1;
        if (wire == Wire::SixBytes) return 6;
        return sizeof(T);
    } else if constexpr (std::is_same_v<T, Uint256>) {
        return 32;
    } else if constexpr (std::is_same_v<T, std::array<uint8_t, 16>>) {
        return 16;
    } else if constexpr (is_optional_v<T>) {
        return 0;
    } else if constexpr (requires { T::MIN_WIRE_SIZE; }) {
        return T::MIN_WIRE_SIZE;
    } else if constexpr (SelfCoded<T> || !Described<T>) {
        return 1;  // vectors, byte strings, and self-coded types start with at least one byte
    } else {
        static const size_t size = [] {
            T sample{};
            MinSizeVisitor v;
            T::fields(v, sample);
            return v.total;
        }();
        return std::max<size_t>(size, 1) + (wire == Wire::WithTxCount ? 1 : 0);
    }
}

template <class>
inline constexpr bool is_vector = false;
template <class T>
inline constexpr bool is_vector<std::vector<T>> = true;

// Byte strings decoded again keep their buffer, unless it is far larger than
// the new content: otherwise a reused element would keep the size of the
// largest script it ever held, and a hostile capture could make every element
// of a large message hold a large buffer.
inline constexpr size_t KEEP_CAPACITY_UP_TO = 256;

template <class Container>
void assign_reused(Container& value, ByteSpan bytes) {
    if (value.capacity() > std::max(KEEP_CAPACITY_UP_TO, 4 * bytes.size())) Container().swap(value);
    value.assign(bytes.begin(), bytes.end());
}

// Sets a vector's length for decoding into it again. Elements that own memory
// (scripts, inputs, transactions) are parked in a per-thread spare list when the
// vector shrinks and taken back when a vector of that type grows, so decoding
// message after message reuses their buffers instead of freeing and
// reallocating them: that churn was a tenth of the parser's time. The spare
// list only holds elements that decoded messages once held at the same time,
// so it is bounded by the largest messages seen, like the scratch messages.
template <class E>
void resize_for_decoding(std::vector<E>& v, size_t n) {
    if constexpr (std::is_trivially_destructible_v<E>) {
        v.resize(n);
    } else {
        thread_local std::vector<E> spare;
        while (v.size() > n) {
            spare.push_back(std::move(v.back()));
            v.pop_back();
        }
        if (v.size() < n) {
            v.reserve(n);
            while (v.size() < n && !spare.empty()) {
                v.push_back(std::move(spare.back()));
                spare.pop_back();
            }
            v.resize(n);
        }
    }
}

}  // namespace detail

template <class T>
void decode_value(ByteReader& r, T& value, Wire wire) {
    if constexpr (std::is_same_v<T, bool>) {
        value = r.read_le<uint8_t>() != 0;  // as Bitcoin Core reads a bool
    } else if constexpr (std::is_integral_v<T>) {
        if (wire == Wire::CompactSize) {
            value = static_cast<T>(r.read_compact_size());
        } else if (wire == Wire::BigEndian) {
            value = static_cast<T>(r.read_u16_be());
        } else if (wire == Wire::SixBytes) {
            uint64_t v = 0;
            ByteSpan b = r.read_bytes(6);
            for (size_t i = 0; i < 6; ++i) v |= static_cast<uint64_t>(b[i]) << (8 * i);
            value = v;
        } else {
            value = r.read_le<T>();
        }
    } else if constexpr (std::is_same_v<T, Uint256>) {
        value = r.read_uint256();
    } else if constexpr (std::is_same_v<T, Bytes> || std::is_same_v<T, std::string>) {
        size_t n = r.read_count(1);
        ByteSpan b = r.read_bytes(n);
        detail::assign_reused(value, b);
        if constexpr (std::is_same_v<T, std::string>) require_utf8(value);
    } else if constexpr (std::is_same_v<T, std::array<uint8_t, 16>>) {
        ByteSpan b = r.read_bytes(16);
        std::copy(b.begin(), b.end(), value.begin());
    } else if constexpr (std::is_same_v<T, std::vector<bool>>) {
        size_t n = r.read_count(1);
        ByteSpan b = r.read_bytes(n);
        value.resize(n * 8);
        for (size_t i = 0; i < n * 8; ++i) value[i] = (b[i / 8] >> (i % 8)) & 1;
    } else if constexpr (detail::is_vector<T>) {
        using E = typename T::value_type;
        size_t n = r.read_count(detail::min_wire_size<E>(wire));
        detail::resize_for_decoding(value, n);
        for (auto& e : value) decode_value(r, e, wire);
    } else if constexpr (detail::is_optional_v<T>) {
        // A trailing optional field: present when bytes remain.
        if (r.empty()) {
            value.reset();
        } else {
            value.emplace();
            decode_value(r, *value, wire);
        }
    } else if constexpr (SelfCoded<T>) {
        T::decode(r, value);
    } else {
        static_assert(Described<T>, "a field type needs a codec");
        detail::DecodeVisitor v{r};
        T::fields(v, value);
        if (wire == Wire::WithTxCount) r.read_compact_size();  // ignored, as the node does
        if constexpr (Validated<T>) validate(value);
    }
}

template <class T>
void encode_value(ByteWriter& w, const T& value, Wire wire) {
    if constexpr (std::is_same_v<T, bool>) {
        w.write_le<uint8_t>(value ? 1 : 0);
    } else if constexpr (std::is_integral_v<T>) {
        if (wire == Wire::CompactSize) {
            w.write_compact_size(static_cast<uint64_t>(value));
        } else if (wire == Wire::BigEndian) {
            w.write_u16_be(static_cast<uint16_t>(value));
        } else if (wire == Wire::SixBytes) {
            for (size_t i = 0; i < 6; ++i) w.write_le<uint8_t>(static_cast<uint8_t>(static_cast<uint64_t>(value) >> (8 * i)));
        } else {
            w.write_le<T>(value);
        }
    } else if constexpr (std::is_same_v<T, Uint256>) {
        w.write_uint256(value);
    } else if constexpr (std::is_same_v<T, Bytes> || std::is_same_v<T, std::string>) {
        w.write_compact_size(value.size());
        w.write_bytes(ByteSpan(reinterpret_cast<const uint8_t*>(value.data()), value.size()));
    } else if constexpr (std::is_same_v<T, std::array<uint8_t, 16>>) {
        w.write_bytes(value);
    } else if constexpr (std::is_same_v<T, std::vector<bool>>) {
        Bytes packed((value.size() + 7) / 8, 0);
        for (size_t i = 0; i < value.size(); ++i) {
            if (value[i]) packed[i / 8] |= static_cast<uint8_t>(1 << (i % 8));
        }
        encode_value(w, packed);
    } else if constexpr (detail::is_vector<T>) {
        w.write_compact_size(value.size());
        for (const auto& e : value) encode_value(w, e, wire);
    } else if constexpr (detail::is_optional_v<T>) {
        if (value) encode_value(w, *value, wire);
    } else if constexpr (SelfCoded<T>) {
        value.encode(w);
    } else {
        static_assert(Described<T>, "a field type needs a codec");
        detail::EncodeVisitor v{w};
        T::fields(v, value);
        if (wire == Wire::WithTxCount) w.write_compact_size(0);
    }
}

// Decodes a whole payload. Bytes after a complete message are ignored, as the
// node ignores them.
template <class T>
void decode_payload(ByteSpan payload, T& out) {
    ByteReader r(payload);
    decode_value(r, out);
}

template <class T>
Bytes encode_payload(const T& message) {
    Bytes out;
    ByteWriter w(out);
    encode_value(w, message);
    return out;
}

}  // namespace msgcapture
