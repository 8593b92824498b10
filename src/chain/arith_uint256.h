#pragma once
// Unsigned 256-bit integers for proof-of-work targets and chain work. Hashes
// travel as bytes (Uint256); this is their value as a little-endian number.
#include <array>
#include <compare>
#include <cstdint>
#include <string>

#include "msgcapture/protocol/uint256.h"

namespace node {

class ArithUint256 {
public:
    ArithUint256() = default;
    explicit ArithUint256(uint64_t v) { limbs_[0] = v; }

    static ArithUint256 from_hash(const msgcapture::Uint256& h);  // bytes are little-endian
    msgcapture::Uint256 to_hash() const;

    // Bitcoin's compact form of a target ("nBits"). `negative` and `overflow`
    // report encodings that no valid target has.
    static ArithUint256 from_compact(uint32_t compact, bool* negative = nullptr, bool* overflow = nullptr);
    uint32_t to_compact() const;

    ArithUint256& operator+=(const ArithUint256& o);
    ArithUint256& operator-=(const ArithUint256& o);
    ArithUint256& operator*=(uint64_t m);
    ArithUint256& operator/=(const ArithUint256& d);
    ArithUint256& operator<<=(unsigned n);
    ArithUint256& operator>>=(unsigned n);
    ArithUint256 operator~() const;

    friend ArithUint256 operator+(ArithUint256 a, const ArithUint256& b) { return a += b; }
    friend ArithUint256 operator-(ArithUint256 a, const ArithUint256& b) { return a -= b; }
    friend ArithUint256 operator*(ArithUint256 a, uint64_t b) { return a *= b; }
    friend ArithUint256 operator/(ArithUint256 a, const ArithUint256& b) { return a /= b; }
    friend ArithUint256 operator<<(ArithUint256 a, unsigned n) { return a <<= n; }
    friend ArithUint256 operator>>(ArithUint256 a, unsigned n) { return a >>= n; }

    std::strong_ordering operator<=>(const ArithUint256& o) const;
    bool operator==(const ArithUint256& o) const = default;

    bool is_zero() const { return (limbs_[0] | limbs_[1] | limbs_[2] | limbs_[3]) == 0; }
    unsigned bits() const;  // position of the highest set bit plus one
    uint64_t low64() const { return limbs_[0]; }
    std::string hex() const;  // 64 hex digits, most significant first

private:
    std::array<uint64_t, 4> limbs_{};  // least significant first
};

}  // namespace node
