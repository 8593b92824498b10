#pragma once
// An IP subnet, for -rpcallowip: "1.2.3.4", "10.0.0.0/8", "10.0.0.0/255.0.0.0", "::1".
#include <string>

#include <asio/ip/address.hpp>

namespace node {

struct Subnet {
    asio::ip::address base;
    unsigned prefix = 0;  // leading bits that must match
    bool contains(const asio::ip::address& a) const;
};

// Throws ArgsError naming the text when it is not a subnet.
Subnet parse_subnet(const std::string& text);

}  // namespace node
