#pragma once
// Host and port text as the node prints and parses it: 1.2.3.4:8333, [::1]:8333.
#include <cstdint>
#include <optional>
#include <string>

#include <asio/ip/address.hpp>
#include <asio/ip/tcp.hpp>

#include "msgcapture/protocol/primitives.h"

namespace node {

struct HostPort {
    std::string host;  // an IP literal or a name to resolve
    uint16_t port = 0;
};

// "host", "host:port", "[v6]", "[v6]:port"; nullopt when malformed.
std::optional<HostPort> parse_host_port(const std::string& text, uint16_t default_port);

// The same, when the host is an IP literal (no name lookup); nullopt otherwise.
std::optional<asio::ip::tcp::endpoint> parse_ip_endpoint(const std::string& text, uint16_t default_port);

std::string format_endpoint(const asio::ip::address& address, uint16_t port);

// The 16-byte form the version and addr messages carry (IPv4 as ::ffff:a.b.c.d).
std::array<uint8_t, 16> to_v1_bytes(const asio::ip::address& address);
asio::ip::address from_v1_bytes(const std::array<uint8_t, 16>& bytes);

// The same address as an addrv2 entry (BIP155 IPv4 or IPv6), and back;
// nullopt for networks we cannot dial directly.
msgcapture::AddrV2Entry to_addrv2(const msgcapture::TimedNetAddress& entry);
std::optional<msgcapture::TimedNetAddress> from_addrv2(const msgcapture::AddrV2Entry& entry);

// Worth keeping and dialing: not unspecified, multicast or (except on regtest) local.
bool is_usable_address(const asio::ip::address& address, bool allow_local);

}  // namespace node
