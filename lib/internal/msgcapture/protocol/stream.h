#pragma once
// Bounded reading and writing of wire values. Every length or count read from
// untrusted bytes is checked here, against the bytes actually left, before
// anything is allocated for it.
#include <cstdint>
#include <cstring>
#include <string>

#include "msgcapture/errors.h"
#include "msgcapture/protocol/bytes.h"
#include "msgcapture/protocol/uint256.h"

namespace msgcapture {

class ByteReader {
public:
    explicit ByteReader(ByteSpan data) : data_(data) {}

    size_t remaining() const { return data_.size() - pos_; }
    bool empty() const { return remaining() == 0; }
    size_t position() const { return pos_; }

    ByteSpan read_bytes(size_t n) {
        require(n);
        ByteSpan out = data_.subspan(pos_, n);
        pos_ += n;
        return out;
    }

    template <class Int>
    Int read_le() {
        require(sizeof(Int));
        Int v = 0;
        for (size_t i = 0; i < sizeof(Int); ++i) {
            v |= static_cast<Int>(static_cast<Int>(data_[pos_ + i]) << (8 * i));
        }
        pos_ += sizeof(Int);
        return v;
    }

    // The next byte, left unread.
    uint8_t peek_byte() const {
        require(1);
        return data_[pos_];
    }

    uint16_t read_u16_be() {
        require(2);
        uint16_t v = static_cast<uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
        pos_ += 2;
        return v;
    }

    // Bitcoin's CompactSize, rejecting non-canonical encodings as Bitcoin Core does.
    uint64_t read_compact_size();

    // A CompactSize that counts elements each taking at least `min_element_size`
    // bytes: checked against the bytes left, so a hostile count cannot make us
    // reserve memory the payload does not back.
    size_t read_count(size_t min_element_size);

    Uint256 read_uint256() {
        Uint256 h;
        std::memcpy(h.bytes.data(), read_bytes(32).data(), 32);
        return h;
    }

private:
    void require(size_t n) const {
        if (n > remaining()) throw DecodeError("payload ends early");
    }

    ByteSpan data_;
    size_t pos_ = 0;
};

class ByteWriter {
public:
    explicit ByteWriter(Bytes& out) : out_(out) {}

    void write_bytes(ByteSpan b) { out_.insert(out_.end(), b.begin(), b.end()); }

    template <class Int>
    void write_le(Int v) {
        for (size_t i = 0; i < sizeof(Int); ++i) {
            out_.push_back(static_cast<uint8_t>(static_cast<uint64_t>(v) >> (8 * i)));
        }
    }

    void write_u16_be(uint16_t v) {
        out_.push_back(static_cast<uint8_t>(v >> 8));
        out_.push_back(static_cast<uint8_t>(v));
    }

    void write_compact_size(uint64_t n);
    void write_uint256(const Uint256& h) { write_bytes(h.bytes); }

private:
    Bytes& out_;
};

}  // namespace msgcapture
