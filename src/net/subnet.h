#pragma once
// An IP subnet, for -rpcallowip and -metricsallowip: "1.2.3.4", "10.0.0.0/8", "10.0.0.0/255.0.0.0", "::1".
#include <string>
#include <vector>

#include <asio/ip/address.hpp>

namespace node {

struct Subnet {
    asio::ip::address base;
    unsigned prefix = 0;  // leading bits that must match
    bool contains(const asio::ip::address& a) const;
};

// Throws ArgsError naming the text when it is not a subnet.
Subnet parse_subnet(const std::string& text);

// 127.0.0.0/8 and ::1: who may reach a server that listens for this machine only.
std::vector<Subnet> loopback_subnets();

// True when `address` is in one of `subnets` (the -rpcallowip and -metricsallowip check).
bool contains_any(const std::vector<Subnet>& subnets, const asio::ip::address& address);

}  // namespace node
