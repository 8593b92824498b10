#pragma once
// A connection as both threads see it: the network thread fills the receive
// queue and sends what the message handler queued; the handler owns the
// protocol state (node/peer_state.h). Shared fields are atomics or guarded.
#include <atomic>
#include <cstdint>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>

#include "msgcapture/protocol/v1_framing.h"

namespace node {

// The framing lives in the library, shared with the parser.
using msgcapture::NetMessage;
using msgcapture::P2P_HEADER_SIZE;
using msgcapture::receive_cost;

enum class ConnectionType { Inbound, OutboundFullRelay, BlockRelayOnly, Manual, Feeler, AddrFetch };

// Bitcoin Core's names: inbound, outbound-full-relay, block-relay-only, manual, feeler, addr-fetch.
const char* connection_type_name(ConnectionType type);

// The peer's network, numbered as Bitcoin Core's tracepoints number it.
enum class Network : uint32_t { IPv4 = 1, IPv6 = 2, Onion = 3, I2P = 4, CJDNS = 5 };

// Bitcoin Core's names: ipv4, ipv6, onion, i2p, cjdns.
const char* network_name(Network network);

struct Peer {
    Peer(int64_t id_, std::string address_, Network network_, ConnectionType type_, int64_t connected_us_, std::string target_)
        : id(id_), address(std::move(address_)), network(network_), type(type_), connected_us(connected_us_), target(std::move(target_)) {}

    const int64_t id;
    const std::string address;   // the remote end, as the node prints it
    const Network network;
    const ConnectionType type;
    const int64_t connected_us;
    const std::string target;    // what was dialed (-connect/-addnode text); empty for inbound
    std::string local_address;   // our end; set before the handler sees the peer

    bool inbound() const { return type == ConnectionType::Inbound; }

    // Network thread -> handler. recv_queue_bytes counts each message's whole
    // cost (receive_cost), so that a flood of empty messages counts too.
    std::mutex recv_mutex;
    std::deque<NetMessage> recv_queue;
    size_t recv_queue_bytes = 0;
    bool has_received() {
        std::lock_guard lock(recv_mutex);
        return !recv_queue.empty();
    }

    // Handler -> network thread: framed bytes queued and not yet written.
    std::atomic<size_t> send_queue_bytes{0};
    size_t max_send_buffer = SIZE_MAX;  // set before the handler sees the peer
    bool send_buffer_full() const { return send_queue_bytes >= max_send_buffer; }

    std::atomic<bool> disconnect_requested{false};
    std::atomic<bool> closed{false};  // the socket is gone; the handler finishes the peer
    std::atomic<bool> evicted{false};  // closed to make room for a new inbound connection
    // Why it closed: written by the network thread before `closed` is set,
    // read by the handler only after it sees `closed`.
    std::string close_reason;
    std::atomic<uint64_t> bytes_sent{0};
    std::atomic<uint64_t> bytes_received{0};
    std::atomic<int64_t> last_send_us{0};
    std::atomic<int64_t> last_receive_us{0};
};

}  // namespace node
