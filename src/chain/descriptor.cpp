#include "chain/descriptor.h"

#include <array>

#include "chain/address.h"

namespace node {
namespace {

constexpr std::string_view INPUT_CHARSET =
    "0123456789()[],'/*abcdefgh@:$%{}"
    "IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~"
    "ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ";
constexpr std::string_view CHECKSUM_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

uint64_t poly_mod(uint64_t c, uint64_t value) {
    static constexpr std::array<uint64_t, 5> GENERATOR = {0xf5dee51989, 0xa9fdca3312, 0x1bab10e32d, 0x3706b1677a, 0x644d626ffd};
    const uint64_t top = c >> 35;
    c = ((c & 0x7ffffffff) << 5) ^ value;
    for (int i = 0; i < 5; ++i) {
        if ((top >> i) & 1) c ^= GENERATOR[i];
    }
    return c;
}

// "name(inner)" -> inner, when `text` has exactly that shape.
std::optional<std::string> call_argument(const std::string& text, const std::string& name) {
    if (!text.starts_with(name + "(") || !text.ends_with(")")) return std::nullopt;
    return text.substr(name.size() + 1, text.size() - name.size() - 2);
}

}  // namespace

std::string descriptor_checksum(const std::string& descriptor) {
    uint64_t c = 1;
    int group = 0, group_count = 0;
    for (const char ch : descriptor) {
        const auto pos = INPUT_CHARSET.find(ch);
        if (pos == std::string_view::npos) return "";
        c = poly_mod(c, pos & 31);  // the position within a group of 32
        group = group * 3 + static_cast<int>(pos >> 5);  // which group, three at a time
        if (++group_count == 3) {
            c = poly_mod(c, static_cast<uint64_t>(group));
            group = 0;
            group_count = 0;
        }
    }
    if (group_count > 0) c = poly_mod(c, static_cast<uint64_t>(group));
    for (int i = 0; i < 8; ++i) c = poly_mod(c, 0);
    c ^= 1;
    std::string out(8, ' ');
    for (int i = 0; i < 8; ++i) out[i] = CHECKSUM_CHARSET[(c >> (5 * (7 - i))) & 31];
    return out;
}

std::optional<msgcapture::Bytes> descriptor_script(const std::string& text, const AddressParams& params, std::string& error) {
    std::string body = text;
    if (const auto hash = text.find('#'); hash != std::string::npos) {
        body = text.substr(0, hash);
        const std::string given = text.substr(hash + 1);
        if (given.size() != 8) {
            error = "Expected 8 character checksum, not " + std::to_string(given.size()) + " characters";
            return std::nullopt;
        }
        const std::string computed = descriptor_checksum(body);
        if (computed.empty()) {
            error = "Invalid characters in payload";
            return std::nullopt;
        }
        if (given != computed) {
            error = "Provided checksum '" + given + "' does not match computed checksum '" + computed + "'";
            return std::nullopt;
        }
    } else if (descriptor_checksum(body).empty()) {
        error = "Invalid characters in payload";
        return std::nullopt;
    }
    if (auto hex = call_argument(body, "raw")) {
        auto script = msgcapture::from_hex(*hex);
        if (!script || hex->empty()) {
            error = "Raw script is not hex";
            return std::nullopt;
        }
        return script;
    }
    if (auto address = call_argument(body, "addr")) {
        std::string why;
        auto script = address_script(*address, params, why);
        if (!script) error = "Address is not valid: " + why;
        return script;
    }
    const std::string function = body.substr(0, body.find('('));
    error = "'" + function + "' is not a valid descriptor function for this node (it supports raw() and addr())";
    return std::nullopt;
}

}  // namespace node
