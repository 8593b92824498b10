#include "msgcapture/pipeline/pcap_format.h"

#include <arpa/inet.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "msgcapture/protocol/constants.h"
#include "msgcapture/protocol/networks.h"
#include "msgcapture/protocol/v1_framing.h"

namespace msgcapture {
namespace {

constexpr uint32_t LINKTYPE_RAW = 101;  // packets begin with an IPv4 or IPv6 header
constexpr uint32_t SNAPLEN = 262144;
// TCP payload per segment: below what an IPv4 total length (16 bits) allows.
constexpr size_t MAX_SEGMENT = 65000;
constexpr uint8_t FIN = 0x01, SYN = 0x02, PSH = 0x08, ACK = 0x10;
constexpr uint64_t NOTE_OPENS = 1;  // the entry's stream starts with it: a handshake goes first
constexpr uint16_t FIRST_OTHER_PORT = 49152;

const std::array<uint8_t, 16> OUR_IPV4 = {192, 0, 2, 1};
const std::array<uint8_t, 16> OUR_IPV6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

void put16(uint8_t* p, uint16_t v) {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}
void put32(uint8_t* p, uint32_t v) {
    put16(p, static_cast<uint16_t>(v >> 16));
    put16(p + 2, static_cast<uint16_t>(v));
}
void put32le(uint8_t* p, uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

// The Internet checksum's running sum (RFC 1071), folded at the end.
uint32_t sum16(const uint8_t* p, size_t n, uint32_t sum = 0) {
    for (; n > 1; p += 2, n -= 2) sum += static_cast<uint32_t>(p[0] << 8 | p[1]);
    if (n == 1) sum += static_cast<uint32_t>(p[0] << 8);
    return sum;
}
uint16_t fold(uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

// "1.2.3.4:8333" or "[::1]:8333"; nullopt for a name (Tor, I2P) or nothing.
std::optional<PcapFormat::Endpoint> ip_endpoint(const std::string& address) {
    const size_t colon = address.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    std::string host = address.substr(0, colon);
    const unsigned long port = std::strtoul(address.c_str() + colon + 1, nullptr, 10);
    PcapFormat::Endpoint e;
    e.port = static_cast<uint16_t>(port);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        e.ipv6 = true;
        if (inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), e.ip.data()) != 1) return std::nullopt;
        return e;
    }
    if (inet_pton(AF_INET, host.c_str(), e.ip.data()) != 1) return std::nullopt;
    return e;
}

// The network a file's directory names: .../regtest/message_capture/...
std::optional<NetworkIdentity> network_from_path(const std::string& path) {
    for (const NetworkIdentity& n : NETWORKS) {
        if (!n.data_subdir.empty() && path.find("/" + std::string(n.data_subdir) + "/") != std::string::npos) return n;
    }
    return std::nullopt;
}

struct Packet {
    const PcapFormat::Endpoint* from;
    const PcapFormat::Endpoint* to;
    uint32_t seq, ack;
    uint8_t flags;
    ByteSpan data;
};

void append_packet(OutputBuffer& out, int64_t time_us, const Packet& p) {
    const bool v6 = p.from->ipv6;
    const size_t ip_size = v6 ? 40 : 20, size = ip_size + 20 + p.data.size();
    int64_t seconds = time_us / 1'000'000, micros = time_us % 1'000'000;
    if (micros < 0) {
        micros += 1'000'000;
        --seconds;
    }
    uint8_t* rec = reinterpret_cast<uint8_t*>(out.tail(16 + size));
    put32le(rec, static_cast<uint32_t>(seconds));
    put32le(rec + 4, static_cast<uint32_t>(micros));
    put32le(rec + 8, static_cast<uint32_t>(size));
    put32le(rec + 12, static_cast<uint32_t>(size));
    uint8_t* ip = rec + 16;
    std::fill(ip, ip + ip_size + 20, 0);
    uint8_t* tcp = ip + ip_size;
    uint32_t pseudo = 0;  // the TCP checksum's pseudo-header
    if (v6) {
        ip[0] = 0x60;
        put16(ip + 4, static_cast<uint16_t>(20 + p.data.size()));
        ip[6] = 6;  // TCP
        ip[7] = 64;
        std::copy_n(p.from->ip.begin(), 16, ip + 8);
        std::copy_n(p.to->ip.begin(), 16, ip + 24);
        pseudo = sum16(ip + 8, 32) + 6 + static_cast<uint32_t>(20 + p.data.size());
    } else {
        ip[0] = 0x45;
        put16(ip + 2, static_cast<uint16_t>(size));
        put16(ip + 6, 0x4000);  // don't fragment (so the identification may stay 0, RFC 6864)
        ip[8] = 64;
        ip[9] = 6;
        std::copy_n(p.from->ip.begin(), 4, ip + 12);
        std::copy_n(p.to->ip.begin(), 4, ip + 16);
        put16(ip + 10, fold(sum16(ip, 20)));
        pseudo = sum16(ip + 12, 8) + 6 + static_cast<uint32_t>(20 + p.data.size());
    }
    put16(tcp, p.from->port);
    put16(tcp + 2, p.to->port);
    put32(tcp + 4, p.seq);
    put32(tcp + 8, p.ack);
    tcp[12] = 5 << 4;  // 20-byte header
    tcp[13] = p.flags;
    put16(tcp + 14, 65535);
    if (!p.data.empty()) std::copy(p.data.begin(), p.data.end(), tcp + 20);
    put16(tcp + 16, fold(sum16(tcp, 20 + p.data.size(), pseudo)));
    out.end_at(reinterpret_cast<const char*>(tcp + 20 + p.data.size()));
}

}  // namespace

PcapFormat::PcapFormat(const std::string& chain) : chain_(chain) {
    if (!chain.empty() && !network_by_name(chain)) throw std::invalid_argument("unknown chain " + chain);
}

void PcapFormat::add_file(const CaptureFile& f) {
    // A session's two files are the two directions of one TCP stream.
    const std::string dir = f.path.substr(0, f.path.rfind('/') + 1);
    auto [it, added] = stream_of_directory_.emplace(f.path == STANDARD_INPUT_PATH ? f.path : dir, streams_.size());
    stream_of_file_.push_back(it->second);
    if (!added) return;
    const size_t index = streams_.size();
    std::optional<NetworkIdentity> net;
    if (f.session) net = network_by_name(f.session->network);
    if (!net && !chain_.empty()) net = network_by_name(chain_);
    if (!net) net = network_from_path(f.path);
    if (!net) net = NETWORKS[0];
    Stream s;
    s.magic = net->magic;
    if (auto theirs = ip_endpoint(f.peer_address)) {
        s.theirs = *theirs;
        // Bitcoin Core's directories do not say who connected: a peer on
        // the default port was most likely dialled.
        s.we_opened = f.session ? f.session->connection_type != "inbound" : theirs->port == net->default_port;
    } else {
        s.theirs.ip = {198, 51, 100, static_cast<uint8_t>(1 + index % 254)};
        s.theirs.port = net->default_port;
    }
    s.ours.ipv6 = s.theirs.ipv6;
    s.ours.ip = s.theirs.ipv6 ? OUR_IPV6 : OUR_IPV4;
    s.ours.port = s.we_opened ? static_cast<uint16_t>(FIRST_OTHER_PORT + index % 16384) : net->default_port;
    if (s.we_opened && s.theirs.port == 0) s.theirs.port = net->default_port;
    streams_.push_back(s);
    positions_.emplace_back();
}

void PcapFormat::begin(const Sink& out) {
    streams_.clear();
    stream_of_file_.clear();
    stream_of_directory_.clear();
    positions_.clear();

    uint8_t header[24] = {};
    put32le(header, 0xa1b2c3d4);  // microsecond timestamps
    header[4] = 2;                // version 2.4
    header[6] = 4;
    put32le(header + 16, SNAPLEN);
    put32le(header + 20, LINKTYPE_RAW);
    out(std::string_view(reinterpret_cast<const char*>(header), sizeof header));
}

void PcapFormat::sequence(Entry& entry) {
    Position& p = positions_[stream_of_file_[entry.source]];
    entry.notes[1] = p.opened ? 0 : NOTE_OPENS;
    p.opened = true;
    const bool sent = entry.file->direction == Direction::Sent;
    uint32_t& from = sent ? p.our_next : p.their_next;
    const uint32_t to = sent ? p.their_next : p.our_next;
    entry.notes[0] = static_cast<uint64_t>(from) << 32 | to;
    from += static_cast<uint32_t>(P2P_HEADER_SIZE + entry.record.payload.size());  // wraps, as TCP's do
    p.last_us = std::max(p.last_us, entry.record.header.time_us);
}

bool PcapFormat::write(const Entry& entry, OutputBuffer& out, MessageScratch&) const {
    const Stream& s = streams_[stream_of_file_[entry.source]];
    const int64_t time = entry.record.header.time_us;
    const Endpoint& opener = s.we_opened ? s.ours : s.theirs;
    const Endpoint& listener = s.we_opened ? s.theirs : s.ours;
    if (entry.notes[1] & NOTE_OPENS) {
        append_packet(out, time, {&opener, &listener, 0, 0, SYN, {}});
        append_packet(out, time, {&listener, &opener, 0, 1, SYN | ACK, {}});
        append_packet(out, time, {&opener, &listener, 1, 1, ACK, {}});
    }
    // The frame as it was on a v1 wire: the command field's 12 bytes as recorded.
    thread_local Bytes frame;  // reused: no allocation per message
    frame_message(frame, s.magic, entry.record.header.msgtype, entry.record.payload);

    const bool sent = entry.file->direction == Direction::Sent;
    const Endpoint& from = sent ? s.ours : s.theirs;
    const Endpoint& to = sent ? s.theirs : s.ours;
    uint32_t seq = static_cast<uint32_t>(entry.notes[0] >> 32);
    const uint32_t ack = static_cast<uint32_t>(entry.notes[0]);
    for (size_t at = 0; at < frame.size(); at += MAX_SEGMENT) {
        const size_t n = std::min(MAX_SEGMENT, frame.size() - at);
        const bool last = at + n == frame.size();
        append_packet(out, time, {&from, &to, seq, ack, static_cast<uint8_t>(last ? PSH | ACK : ACK), ByteSpan(frame).subspan(at, n)});
        seq += static_cast<uint32_t>(n);
    }
    return true;
}

void PcapFormat::end(uint64_t, const Sink& out) {
    // Each stream closes after its last message: the opener's FIN, the
    // listener's FIN, and the last ACK. Streams close in the order they ended.
    std::vector<size_t> order;
    for (size_t i = 0; i < streams_.size(); ++i) {
        if (positions_[i].opened) order.push_back(i);
    }
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return positions_[a].last_us < positions_[b].last_us; });
    OutputBuffer buffer;
    for (size_t i : order) {
        const Stream& s = streams_[i];
        const Position& p = positions_[i];
        const Endpoint& opener = s.we_opened ? s.ours : s.theirs;
        const Endpoint& listener = s.we_opened ? s.theirs : s.ours;
        const uint32_t opener_next = s.we_opened ? p.our_next : p.their_next;
        const uint32_t listener_next = s.we_opened ? p.their_next : p.our_next;
        append_packet(buffer, p.last_us, {&opener, &listener, opener_next, listener_next, FIN | ACK, {}});
        append_packet(buffer, p.last_us, {&listener, &opener, listener_next, opener_next + 1, FIN | ACK, {}});
        append_packet(buffer, p.last_us, {&opener, &listener, opener_next + 1, listener_next + 1, ACK, {}});
    }
    out(buffer.view());
}

}  // namespace msgcapture
