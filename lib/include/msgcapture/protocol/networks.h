#pragma once
// What identifies each Bitcoin network on the wire and on disk: its name (as
// -chain= and session.json spell it), its data subdirectory, the v1 message
// magic and the default P2P port. The node's chain parameters take these from
// here, and so do readers of captures (pcap export).
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "msgcapture/export.h"

namespace msgcapture {

struct MSGCAPTURE_EXPORT NetworkIdentity {
    std::string_view name;         // main, test, testnet4, signet, regtest
    std::string_view data_subdir;  // "" for main, else testnet3, testnet4, signet, regtest
    std::array<uint8_t, 4> magic;
    uint16_t default_port;
};

inline constexpr NetworkIdentity NETWORKS[] = {
    {"main", "", {0xf9, 0xbe, 0xb4, 0xd9}, 8333},
    {"test", "testnet3", {0x0b, 0x11, 0x09, 0x07}, 18333},
    {"testnet4", "testnet4", {0x1c, 0x16, 0x3f, 0x28}, 48333},
    {"signet", "signet", {0x0a, 0x03, 0xcf, 0x40}, 38333},  // the default signet's challenge
    {"regtest", "regtest", {0xfa, 0xbf, 0xb5, 0xda}, 18444},
};

// nullopt for an unknown name.
inline std::optional<NetworkIdentity> network_by_name(std::string_view name) {
    for (const NetworkIdentity& n : NETWORKS) {
        if (n.name == name) return n;
    }
    return std::nullopt;
}

}  // namespace msgcapture
