#include "chain/arith_uint256.h"

#include <algorithm>

namespace node {
namespace {
__extension__ typedef unsigned __int128 uint128;  // GCC and clang; -Wpedantic accepts it spelled so
}  // namespace

ArithUint256 ArithUint256::from_hash(const msgcapture::Uint256& h) {
    ArithUint256 r;
    for (int i = 0; i < 32; ++i) r.limbs_[i / 8] |= static_cast<uint64_t>(h.bytes[i]) << (8 * (i % 8));
    return r;
}

msgcapture::Uint256 ArithUint256::to_hash() const {
    msgcapture::Uint256 h;
    for (int i = 0; i < 32; ++i) h.bytes[i] = static_cast<uint8_t>(limbs_[i / 8] >> (8 * (i % 8)));
    return h;
}

// nBits: one byte of size (in bytes), then a 23-bit mantissa and a sign bit.
ArithUint256 ArithUint256::from_compact(uint32_t compact, bool* negative, bool* overflow) {
    const unsigned size = compact >> 24;
    uint32_t mantissa = compact & 0x007fffff;
    ArithUint256 r;
    if (size <= 3) {
        mantissa >>= 8 * (3 - size);
        r = ArithUint256(mantissa);
    } else {
        r = ArithUint256(mantissa);
        r <<= 8 * (size - 3);
    }
    if (negative) *negative = mantissa != 0 && (compact & 0x00800000) != 0;
    if (overflow) {
        *overflow = mantissa != 0 && ((size > 34) || (mantissa > 0xff && size > 33) || (mantissa > 0xffff && size > 32));
    }
    return r;
}

uint32_t ArithUint256::to_compact() const {
    unsigned size = (bits() + 7) / 8;
    uint64_t mantissa;
    if (size <= 3) {
        mantissa = low64() << (8 * (3 - size));
    } else {
        mantissa = (*this >> (8 * (size - 3))).low64();
    }
    // The sign bit must stay clear: move one byte into the exponent instead.
    if (mantissa & 0x00800000) {
        mantissa >>= 8;
        ++size;
    }
    return static_cast<uint32_t>(mantissa) | (size << 24);
}

ArithUint256& ArithUint256::operator+=(const ArithUint256& o) {
    uint128 carry = 0;
    for (int i = 0; i < 4; ++i) {
        carry += static_cast<uint128>(limbs_[i]) + o.limbs_[i];
        limbs_[i] = static_cast<uint64_t>(carry);
        carry >>= 64;
    }
    return *this;
}

ArithUint256& ArithUint256::operator-=(const ArithUint256& o) { return *this += ~o + ArithUint256(1); }

ArithUint256& ArithUint256::operator*=(uint64_t m) {
    uint128 carry = 0;
    for (int i = 0; i < 4; ++i) {
        carry += static_cast<uint128>(limbs_[i]) * m;
        limbs_[i] = static_cast<uint64_t>(carry);
        carry >>= 64;
    }
    return *this;
}

ArithUint256& ArithUint256::operator/=(const ArithUint256& divisor) {
    ArithUint256 num = *this, div = divisor, quotient;
    const unsigned num_bits = num.bits(), div_bits = div.bits();
    if (div_bits == 0 || div_bits > num_bits) {  // division by zero gives zero, as Bitcoin Core's throws are not needed here
        *this = ArithUint256();
        return *this;
    }
    unsigned shift = num_bits - div_bits;
    div <<= shift;
    for (;;) {
        if (num >= div) {
            num -= div;
            quotient.limbs_[shift / 64] |= uint64_t{1} << (shift % 64);
        }
        if (shift == 0) break;
        div >>= 1;
        --shift;
    }
    *this = quotient;
    return *this;
}

ArithUint256& ArithUint256::operator<<=(unsigned n) {
    ArithUint256 r;
    for (int i = 3; i >= 0; --i) {
        const int from = i - static_cast<int>(n / 64);
        if (from < 0) continue;
        r.limbs_[i] = limbs_[from] << (n % 64);
        if (n % 64 && from >= 1) r.limbs_[i] |= limbs_[from - 1] >> (64 - n % 64);
    }
    *this = r;
    return *this;
}

ArithUint256& ArithUint256::operator>>=(unsigned n) {
    ArithUint256 r;
    for (int i = 0; i < 4; ++i) {
        const unsigned from = static_cast<unsigned>(i) + n / 64;
        if (from > 3) continue;
        r.limbs_[i] = limbs_[from] >> (n % 64);
        if (n % 64 && from + 1 <= 3) r.limbs_[i] |= limbs_[from + 1] << (64 - n % 64);
    }
    *this = r;
    return *this;
}

ArithUint256 ArithUint256::operator~() const {
    ArithUint256 r;
    for (int i = 0; i < 4; ++i) r.limbs_[i] = ~limbs_[i];
    return r;
}

std::strong_ordering ArithUint256::operator<=>(const ArithUint256& o) const {
    for (int i = 3; i >= 0; --i) {
        if (limbs_[i] != o.limbs_[i]) return limbs_[i] <=> o.limbs_[i];
    }
    return std::strong_ordering::equal;
}

unsigned ArithUint256::bits() const {
    for (int i = 3; i >= 0; --i) {
        if (limbs_[i]) return static_cast<unsigned>(64 * i + 64 - __builtin_clzll(limbs_[i]));
    }
    return 0;
}

std::string ArithUint256::hex() const {
    msgcapture::Uint256 h = to_hash();
    return h.display_hex();
}

}  // namespace node
