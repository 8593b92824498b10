#pragma once
#include <array>
#include <cstdint>
#include <string>

#include "msgcapture/export.h"
#include "msgcapture/protocol/bytes.h"

namespace msgcapture {

// A 256-bit hash, kept in wire byte order (as it appears in a payload).
struct MSGCAPTURE_EXPORT Uint256 {
    std::array<uint8_t, 32> bytes{};

    bool operator==(const Uint256&) const = default;
    auto operator<=>(const Uint256&) const = default;

    // Hex of the wire-order bytes: what the capture JSON prints for hashes.
    std::string wire_hex() const { return to_hex(bytes); }
    // Hex of the reversed bytes: the order RPC and block explorers print.
    std::string display_hex() const;
};

}  // namespace msgcapture
