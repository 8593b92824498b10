#include "msgcapture/protocol/address_text.h"

#include <arpa/inet.h>
#include <openssl/evp.h>

#include <algorithm>

#include "msgcapture/protocol/constants.h"

namespace msgcapture {
namespace {

// Dotted quad; by hand because inet_ntop goes through sprintf, a visible
// share of parsing an addr-heavy capture.
std::string ipv4_text(const uint8_t* b) {
    char buf[16];
    char* p = buf;
    for (int i = 0; i < 4; ++i) {
        if (i > 0) *p++ = '.';
        const unsigned v = b[i];
        if (v >= 100) *p++ = static_cast<char>('0' + v / 100);
        if (v >= 10) *p++ = static_cast<char>('0' + v / 10 % 10);
        *p++ = static_cast<char>('0' + v % 10);
    }
    return std::string(buf, p);
}

std::string ipv6_text(const uint8_t* b) {
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, b, buf, sizeof buf);
    return buf;
}

// Tor rend-spec-v3: the name is base32(pubkey | checksum | version), where
// checksum = SHA3-256(".onion checksum" | pubkey | version)[:2] and version = 3.
std::string torv3_text(ByteSpan pubkey) {
    static constexpr char prefix[] = ".onion checksum";
    const uint8_t version = 3;
    uint8_t digest[32];
    unsigned int digest_len = 0;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha3_256(), nullptr);
    EVP_DigestUpdate(ctx, prefix, sizeof prefix - 1);
    EVP_DigestUpdate(ctx, pubkey.data(), pubkey.size());
    EVP_DigestUpdate(ctx, &version, 1);
    EVP_DigestFinal_ex(ctx, digest, &digest_len);
    EVP_MD_CTX_free(ctx);

    Bytes name(pubkey.begin(), pubkey.end());
    name.push_back(digest[0]);
    name.push_back(digest[1]);
    name.push_back(version);
    return base32_lower(name) + ".onion";
}

}  // namespace

std::string base32_lower(ByteSpan data) {
    static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
    std::string out;
    out.reserve((data.size() * 8 + 4) / 5);
    uint32_t buffer = 0;
    int bits = 0;
    for (uint8_t b : data) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 5) {
            out.push_back(alphabet[(buffer >> (bits - 5)) & 31]);
            bits -= 5;
        }
    }
    if (bits > 0) out.push_back(alphabet[(buffer << (5 - bits)) & 31]);
    return out;
}

AddressText format_v1_address(const std::array<uint8_t, 16>& ip) {
    static constexpr uint8_t ipv4_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    const bool mapped = std::equal(ip.begin(), ip.begin() + 12, ipv4_mapped_prefix);
    // The all-zero address is what a node sends when it does not know an
    // address; it reads as IPv4 0.0.0.0, as Bitcoin Core's parser prints it.
    const bool unspecified = std::all_of(ip.begin(), ip.end(), [](uint8_t b) { return b == 0; });
    if (mapped || unspecified) return {static_cast<uint8_t>(Bip155Network::IPV4), ipv4_text(ip.data() + 12)};
    return {static_cast<uint8_t>(Bip155Network::IPV6), ipv6_text(ip.data())};
}

std::string format_bip155_address(uint8_t net, ByteSpan addr) {
    switch (static_cast<Bip155Network>(net)) {
        case Bip155Network::IPV4: return ipv4_text(addr.data());
        case Bip155Network::IPV6:
        case Bip155Network::CJDNS: return ipv6_text(addr.data());
        case Bip155Network::TORV2: return base32_lower(addr) + ".onion";
        case Bip155Network::TORV3: return torv3_text(addr);
        case Bip155Network::I2P: return base32_lower(addr) + ".b32.i2p";
    }
    return to_hex(addr);
}

}  // namespace msgcapture
