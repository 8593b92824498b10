#include "chain/address.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "msgcapture/protocol/hash.h"

namespace node {
namespace {

using msgcapture::Bytes;
using msgcapture::ByteSpan;

constexpr std::string_view BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr std::string_view BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr uint32_t BECH32M_CONSTANT = 0x2bc830a3;
// Longer text is no address; the cap also bounds base58's quadratic decode.
constexpr size_t MAX_ADDRESS_LENGTH = 100;

constexpr uint8_t OP_0 = 0x00, OP_1 = 0x51, OP_DUP = 0x76, OP_HASH160 = 0xa9, OP_EQUAL = 0x87, OP_EQUALVERIFY = 0x88,
                  OP_CHECKSIG = 0xac;

uint32_t bech32_polymod(const std::vector<uint8_t>& values) {
    static constexpr std::array<uint32_t, 5> GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    uint32_t chk = 1;
    for (const uint8_t v : values) {
        const uint32_t top = chk >> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ v;
        for (int i = 0; i < 5; ++i) {
            if ((top >> i) & 1) chk ^= GENERATOR[i];
        }
    }
    return chk;
}

std::vector<uint8_t> hrp_expand(const std::string& hrp) {
    std::vector<uint8_t> out;
    for (const char c : hrp) out.push_back(static_cast<uint8_t>(c) >> 5);
    out.push_back(0);
    for (const char c : hrp) out.push_back(static_cast<uint8_t>(c) & 31);
    return out;
}

// Regroups bits (8 to 5 with padding, 5 to 8 without); nullopt when the
// leftover bits are not a valid padding.
std::optional<std::vector<uint8_t>> convert_bits(const std::vector<uint8_t>& in, int from, int to, bool pad) {
    std::vector<uint8_t> out;
    uint32_t acc = 0;
    int bits = 0;
    const uint32_t max = (1u << to) - 1;
    for (const uint8_t v : in) {
        acc = (acc << from) | v;
        bits += from;
        while (bits >= to) {
            bits -= to;
            out.push_back(static_cast<uint8_t>((acc >> bits) & max));
        }
    }
    if (pad) {
        if (bits > 0) out.push_back(static_cast<uint8_t>((acc << (to - bits)) & max));
    } else if (bits >= from || ((acc << (to - bits)) & max) != 0) {
        return std::nullopt;
    }
    return out;
}

Bytes push_data(uint8_t opcode_or_none, ByteSpan data) {
    Bytes out;
    if (opcode_or_none) out.push_back(opcode_or_none);
    out.push_back(static_cast<uint8_t>(data.size()));  // every program here is under 76 bytes
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

Bytes witness_script(int version, const std::vector<uint8_t>& program) {
    Bytes out{static_cast<uint8_t>(version == 0 ? OP_0 : OP_1 + version - 1)};
    out.push_back(static_cast<uint8_t>(program.size()));
    out.insert(out.end(), program.begin(), program.end());
    return out;
}

std::optional<Bytes> segwit_script(const std::string& address, const AddressParams& params, std::string& error) {
    auto decoded = bech32_decode(address);
    if (!decoded) {
        error = "Invalid Bech32 checksum or encoding";
        return std::nullopt;
    }
    if (decoded->hrp != params.bech32_hrp) {
        error = "Invalid or unsupported prefix for Segwit (Bech32) address (expected " + params.bech32_hrp + ", got " + decoded->hrp + ")";
        return std::nullopt;
    }
    if (decoded->data.empty()) {
        error = "Empty Bech32 data section";
        return std::nullopt;
    }
    const int version = decoded->data[0];
    if (version > 16) {
        error = "Invalid Bech32 address witness version";
        return std::nullopt;
    }
    if ((version == 0) != (decoded->variant == Bech32Variant::Bech32)) {
        error = version == 0 ? "Version 0 witness address must use Bech32 checksum" : "Version 1+ witness address must use Bech32m checksum";
        return std::nullopt;
    }
    auto program = convert_bits({decoded->data.begin() + 1, decoded->data.end()}, 5, 8, false);
    if (!program) {
        error = "Invalid padding in Bech32 data section";
        return std::nullopt;
    }
    if (program->size() < 2 || program->size() > 40) {
        error = "Invalid Bech32 address program size (" + std::to_string(program->size()) + " bytes)";
        return std::nullopt;
    }
    if (version == 0 && program->size() != 20 && program->size() != 32) {
        error = "Invalid Bech32 v0 address program size (" + std::to_string(program->size()) + " bytes), per BIP141";
        return std::nullopt;
    }
    return witness_script(version, *program);
}

}  // namespace

std::string base58check_encode(ByteSpan payload) {
    Bytes data(payload.begin(), payload.end());
    const auto check = msgcapture::sha256d(data);
    data.insert(data.end(), check.bytes.begin(), check.bytes.begin() + 4);
    // Repeated division by 58 of the big-endian number.
    std::string out;
    std::vector<uint8_t> number(data.begin(), data.end());
    while (std::any_of(number.begin(), number.end(), [](uint8_t b) { return b != 0; })) {
        uint32_t remainder = 0;
        for (uint8_t& b : number) {
            const uint32_t value = (remainder << 8) | b;
            b = static_cast<uint8_t>(value / 58);
            remainder = value % 58;
        }
        out.push_back(BASE58_ALPHABET[remainder]);
    }
    for (size_t i = 0; i < data.size() && data[i] == 0; ++i) out.push_back('1');
    std::reverse(out.begin(), out.end());
    return out;
}

std::optional<Bytes> base58check_decode(const std::string& text) {
    if (text.empty() || text.size() > MAX_ADDRESS_LENGTH) return std::nullopt;
    std::vector<uint8_t> number;  // big-endian
    size_t zeros = 0;
    while (zeros < text.size() && text[zeros] == '1') ++zeros;
    for (size_t i = zeros; i < text.size(); ++i) {
        const auto digit = BASE58_ALPHABET.find(text[i]);
        if (digit == std::string_view::npos) return std::nullopt;
        uint32_t carry = static_cast<uint32_t>(digit);
        for (auto it = number.rbegin(); it != number.rend(); ++it) {
            carry += static_cast<uint32_t>(*it) * 58;
            *it = static_cast<uint8_t>(carry & 0xff);
            carry >>= 8;
        }
        while (carry) {
            number.insert(number.begin(), static_cast<uint8_t>(carry & 0xff));
            carry >>= 8;
        }
    }
    Bytes data(zeros, 0);
    data.insert(data.end(), number.begin(), number.end());
    if (data.size() < 4) return std::nullopt;
    const Bytes payload(data.begin(), data.end() - 4);
    const auto check = msgcapture::sha256d(payload);
    if (!std::equal(data.end() - 4, data.end(), check.bytes.begin())) return std::nullopt;
    return payload;
}

std::optional<Bech32Decoded> bech32_decode(const std::string& text) {
    if (text.size() > 90) return std::nullopt;
    bool lower = false, upper = false;
    for (const char c : text) {
        if (c < 33 || c > 126) return std::nullopt;
        lower |= c >= 'a' && c <= 'z';
        upper |= c >= 'A' && c <= 'Z';
    }
    if (lower && upper) return std::nullopt;
    std::string s = text;
    std::transform(s.begin(), s.end(), s.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    const auto separator = s.rfind('1');
    if (separator == std::string::npos || separator == 0 || separator + 7 > s.size()) return std::nullopt;
    Bech32Decoded out;
    out.hrp = s.substr(0, separator);
    std::vector<uint8_t> values;
    for (size_t i = separator + 1; i < s.size(); ++i) {
        const auto v = BECH32_CHARSET.find(s[i]);
        if (v == std::string_view::npos) return std::nullopt;
        values.push_back(static_cast<uint8_t>(v));
    }
    std::vector<uint8_t> all = hrp_expand(out.hrp);
    all.insert(all.end(), values.begin(), values.end());
    const uint32_t check = bech32_polymod(all);
    if (check == 1) {
        out.variant = Bech32Variant::Bech32;
    } else if (check == BECH32M_CONSTANT) {
        out.variant = Bech32Variant::Bech32m;
    } else {
        return std::nullopt;
    }
    out.data.assign(values.begin(), values.end() - 6);
    return out;
}

std::string bech32_encode(Bech32Variant variant, const std::string& hrp, const std::vector<uint8_t>& data) {
    std::vector<uint8_t> all = hrp_expand(hrp);
    all.insert(all.end(), data.begin(), data.end());
    all.insert(all.end(), 6, 0);
    const uint32_t check = bech32_polymod(all) ^ (variant == Bech32Variant::Bech32 ? 1 : BECH32M_CONSTANT);
    std::string out = hrp + "1";
    for (const uint8_t v : data) out.push_back(BECH32_CHARSET[v]);
    for (int i = 0; i < 6; ++i) out.push_back(BECH32_CHARSET[(check >> (5 * (5 - i))) & 31]);
    return out;
}

std::optional<Bytes> address_script(const std::string& address, const AddressParams& params, std::string& error) {
    if (address.size() > MAX_ADDRESS_LENGTH) {
        error = "Address is too long";
        return std::nullopt;
    }
    // A segwit address starts with its chain's human-readable part and "1".
    std::string lower = address;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    if (lower.starts_with(params.bech32_hrp + "1")) return segwit_script(address, params, error);
    if (auto payload = base58check_decode(address)) {
        if (payload->size() == 21 && (*payload)[0] == params.pubkey_prefix) {
            Bytes script{OP_DUP, OP_HASH160};
            const Bytes hash(payload->begin() + 1, payload->end());
            const Bytes push = push_data(0, hash);
            script.insert(script.end(), push.begin(), push.end());
            script.push_back(OP_EQUALVERIFY);
            script.push_back(OP_CHECKSIG);
            return script;
        }
        if (payload->size() == 21 && (*payload)[0] == params.script_prefix) {
            Bytes script = push_data(OP_HASH160, Bytes(payload->begin() + 1, payload->end()));
            script.push_back(OP_EQUAL);
            return script;
        }
        error = "Invalid or unsupported Base58-encoded address for this chain";
        return std::nullopt;
    }
    // Neither: say which spelling it came closest to.
    error = bech32_decode(address) ? "Invalid or unsupported prefix for Segwit (Bech32) address (expected " + params.bech32_hrp + ")"
                                   : "Invalid or unsupported Segwit (Bech32) or Base58 encoding.";
    return std::nullopt;
}

std::optional<std::string> script_address(ByteSpan s, const AddressParams& params) {
    if (s.size() == 25 && s[0] == OP_DUP && s[1] == OP_HASH160 && s[2] == 20 && s[23] == OP_EQUALVERIFY && s[24] == OP_CHECKSIG) {
        Bytes payload{params.pubkey_prefix};
        payload.insert(payload.end(), s.begin() + 3, s.begin() + 23);
        return base58check_encode(payload);
    }
    if (s.size() == 23 && s[0] == OP_HASH160 && s[1] == 20 && s[22] == OP_EQUAL) {
        Bytes payload{params.script_prefix};
        payload.insert(payload.end(), s.begin() + 2, s.begin() + 22);
        return base58check_encode(payload);
    }
    const bool versioned = s.size() >= 4 && s.size() <= 42 && (s[0] == OP_0 || (s[0] >= OP_1 && s[0] <= OP_1 + 15)) && s[1] + 2u == s.size();
    if (!versioned) return std::nullopt;
    const int version = s[0] == OP_0 ? 0 : s[0] - OP_1 + 1;
    if (version == 0 && s[1] != 20 && s[1] != 32) return std::nullopt;
    std::vector<uint8_t> data{static_cast<uint8_t>(version)};
    auto five = convert_bits({s.begin() + 2, s.end()}, 8, 5, true);
    data.insert(data.end(), five->begin(), five->end());
    return bech32_encode(version == 0 ? Bech32Variant::Bech32 : Bech32Variant::Bech32m, params.bech32_hrp, data);
}

}  // namespace node
