#include "net/subnet.h"

#include <algorithm>
#include <vector>

#include "common/args.h"

namespace node {

bool Subnet::contains(const asio::ip::address& a) const {
    auto addr = a;
    if (addr.is_v6() && addr.to_v6().is_v4_mapped()) addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
    if (addr.is_v4() != base.is_v4()) return false;
    auto bytes = [](const asio::ip::address& x) {
        std::vector<uint8_t> v;
        if (x.is_v4()) {
            auto b = x.to_v4().to_bytes();
            v.assign(b.begin(), b.end());
        } else {
            auto b = x.to_v6().to_bytes();
            v.assign(b.begin(), b.end());
        }
        return v;
    };
    auto x = bytes(addr), y = bytes(base);
    for (unsigned bit = 0; bit < prefix; ++bit) {
        const unsigned mask = 0x80u >> (bit % 8);
        if ((x[bit / 8] & mask) != (y[bit / 8] & mask)) return false;
    }
    return true;
}

Subnet parse_subnet(const std::string& text) {
    const auto slash = text.find('/');
    asio::error_code ec;
    Subnet s{asio::ip::make_address(text.substr(0, slash), ec), 0};
    if (ec) throw ArgsError("Invalid -rpcallowip subnet specification: " + text);
    const unsigned max = s.base.is_v4() ? 32 : 128;
    s.prefix = max;
    if (slash != std::string::npos) {
        const std::string rest = text.substr(slash + 1);
        if (rest.find('.') != std::string::npos) {  // a netmask
            auto mask = asio::ip::make_address(rest, ec);
            if (ec || !mask.is_v4()) throw ArgsError("Invalid -rpcallowip subnet specification: " + text);
            s.prefix = static_cast<unsigned>(__builtin_popcount(mask.to_v4().to_uint()));
        } else {
            try {
                s.prefix = static_cast<unsigned>(std::stoul(rest));
            } catch (...) {
                throw ArgsError("Invalid -rpcallowip subnet specification: " + text);
            }
            if (s.prefix > max) throw ArgsError("Invalid -rpcallowip subnet specification: " + text);
        }
    }
    return s;
}

std::vector<Subnet> loopback_subnets() { return {parse_subnet("127.0.0.0/8"), parse_subnet("::1")}; }

bool contains_any(const std::vector<Subnet>& subnets, const asio::ip::address& address) {
    return std::any_of(subnets.begin(), subnets.end(), [&](const Subnet& s) { return s.contains(address); });
}

}  // namespace node
