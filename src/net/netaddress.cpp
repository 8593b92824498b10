#include "net/netaddress.h"

#include <charconv>

namespace node {

std::optional<HostPort> parse_host_port(const std::string& text, uint16_t default_port) {
    HostPort out;
    out.port = default_port;
    std::string rest;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string::npos) return std::nullopt;
        out.host = text.substr(1, close - 1);
        rest = text.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') return std::nullopt;
    } else {
        const auto colon = text.rfind(':');
        // A bare IPv6 literal has several colons: it is all host.
        if (colon != std::string::npos && text.find(':') == colon) {
            out.host = text.substr(0, colon);
            rest = text.substr(colon);
        } else {
            out.host = text;
        }
    }
    if (!rest.empty()) {
        const std::string port = rest.substr(1);
        unsigned value = 0;
        auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || p != port.data() + port.size() || value == 0 || value > 65535) return std::nullopt;
        out.port = static_cast<uint16_t>(value);
    }
    if (out.host.empty()) return std::nullopt;
    return out;
}

std::optional<asio::ip::tcp::endpoint> parse_ip_endpoint(const std::string& text, uint16_t default_port) {
    auto hp = parse_host_port(text, default_port);
    if (!hp) return std::nullopt;
    asio::error_code ec;
    const auto address = asio::ip::make_address(hp->host, ec);
    if (ec) return std::nullopt;
    return asio::ip::tcp::endpoint(address, hp->port);
}

std::string format_endpoint(const asio::ip::address& address, uint16_t port) {
    asio::ip::address a = address;
    if (a.is_v6() && a.to_v6().is_v4_mapped()) a = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
    if (a.is_v6()) return "[" + a.to_string() + "]:" + std::to_string(port);
    return a.to_string() + ":" + std::to_string(port);
}

std::array<uint8_t, 16> to_v1_bytes(const asio::ip::address& address) {
    if (address.is_v4()) return asio::ip::make_address_v6(asio::ip::v4_mapped, address.to_v4()).to_bytes();
    return address.to_v6().to_bytes();
}

asio::ip::address from_v1_bytes(const std::array<uint8_t, 16>& bytes) {
    asio::ip::address_v6 v6(bytes);
    if (v6.is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, v6);
    return v6;
}

msgcapture::AddrV2Entry to_addrv2(const msgcapture::TimedNetAddress& entry) {
    const asio::ip::address ip = from_v1_bytes(entry.addr.ip);
    msgcapture::AddrV2Entry out{entry.time, entry.addr.nServices, static_cast<uint8_t>(ip.is_v4() ? 1 : 2), {}, entry.addr.port};
    if (ip.is_v4()) {
        const auto b = ip.to_v4().to_bytes();
        out.addr.assign(b.begin(), b.end());
    } else {
        out.addr.assign(entry.addr.ip.begin(), entry.addr.ip.end());
    }
    return out;
}

std::optional<msgcapture::TimedNetAddress> from_addrv2(const msgcapture::AddrV2Entry& entry) {
    msgcapture::TimedNetAddress out;
    out.time = entry.time;
    out.addr.nServices = entry.nServices;
    out.addr.port = entry.port;
    if (entry.net == 1 && entry.addr.size() == 4) {
        asio::ip::address_v4::bytes_type b;
        std::copy(entry.addr.begin(), entry.addr.end(), b.begin());
        out.addr.ip = to_v1_bytes(asio::ip::address_v4(b));
    } else if (entry.net == 2 && entry.addr.size() == 16) {
        std::copy(entry.addr.begin(), entry.addr.end(), out.addr.ip.begin());
    } else {
        return std::nullopt;  // Tor, I2P and CJDNS need proxies we do not have
    }
    return out;
}

bool is_usable_address(const asio::ip::address& address, bool allow_local) {
    if (address.is_unspecified() || address.is_multicast()) return false;
    if (address.is_loopback()) return allow_local;
    if (address.is_v4()) {
        const auto b = address.to_v4().to_bytes();
        const bool private_range = b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) ||
                                   (b[0] == 169 && b[1] == 254) || b[0] == 0;
        return allow_local || !private_range;
    }
    const auto v6 = address.to_v6();
    return allow_local || !(v6.is_link_local() || v6.is_site_local() || (v6.to_bytes()[0] & 0xfe) == 0xfc);
}

}  // namespace node
