#pragma once
// Text forms of peer addresses, as Bitcoin Core prints them.
#include <array>
#include <cstdint>
#include <string>

#include "msgcapture/export.h"
#include "msgcapture/protocol/bytes.h"

namespace msgcapture {

struct MSGCAPTURE_EXPORT AddressText {
    uint8_t net;      // BIP155 network id
    std::string text;
};

// A 16-byte v1 address: IPv4-mapped (::ffff:a.b.c.d) becomes IPv4 (net 1),
// anything else IPv6 text (net 2).
MSGCAPTURE_EXPORT AddressText format_v1_address(const std::array<uint8_t, 16>& ip);

// A BIP155 address of a known network, whose length has been checked:
// dotted IPv4, RFC 5952 IPv6/CJDNS, `<base32>.onion` for Tor v3 (key, checksum,
// version) and v2, `<base32>.b32.i2p` for I2P. Unknown networks print as hex.
MSGCAPTURE_EXPORT std::string format_bip155_address(uint8_t net, ByteSpan addr);

// RFC 4648 base32, lowercase, without padding (Tor and I2P names).
MSGCAPTURE_EXPORT std::string base32_lower(ByteSpan data);

}  // namespace msgcapture
