#include "node/metrics.h"

#include <map>
#include <sstream>

#include "common/time.h"
#include "net/connman.h"

namespace node {

const char* close_reason_label(CloseReason reason) {
    switch (reason) {
        case CloseReason::PeerClosed: return "peer_closed";
        case CloseReason::Misbehaving: return "misbehaving";
        case CloseReason::Evicted: return "evicted";
        case CloseReason::Shutdown: return "shutdown";
        case CloseReason::Manual: return "manual";
        case CloseReason::AddrFetchDone: return "addr_fetch_done";
        case CloseReason::InvalidData: return "invalid_data";
        case CloseReason::NetworkError: return "network_error";
    }
    return "network_error";
}

namespace {

// The texts Connman and PeerManager give a disconnect, sorted (net/connman.cpp,
// node/peer_manager.cpp, rpc/network.cpp).
CloseReason classify(std::string_view reason) {
    if (reason == "connection closed by peer") return CloseReason::PeerClosed;
    if (reason == "shutting down") return CloseReason::Shutdown;
    if (reason.starts_with("evicted")) return CloseReason::Evicted;
    if (reason == "disconnectnode") return CloseReason::Manual;
    if (reason == "addr-fetch done") return CloseReason::AddrFetchDone;
    if (reason == "wrong network magic" || reason == "malformed message type" || reason.starts_with("oversized message") ||
        reason.starts_with("bad checksum")) {
        return CloseReason::InvalidData;
    }
    return CloseReason::NetworkError;
}

// A label value as the exposition format wants it: \, " and newline escaped.
std::string label_value(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

void family(std::ostringstream& out, const char* name, const char* type, const char* help) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

}  // namespace

void MetricsObserver::on_message(const MessageEvent& e) {
    Counts& c = e.direction == msgcapture::Direction::Received ? in_ : out_;
    const size_t slot = e.type_index.value_or(TYPE_SLOTS - 1);
    c.messages[slot].fetch_add(1, std::memory_order_relaxed);
    c.bytes[slot].fetch_add(e.payload.size(), std::memory_order_relaxed);
}

void MetricsObserver::on_connection(const ConnectionEvent& e) {
    switch (e.kind) {
        case ConnectionEventKind::Opened:
            (e.peer.inbound() ? opened_inbound_ : opened_outbound_).fetch_add(1, std::memory_order_relaxed);
            break;
        case ConnectionEventKind::Misbehaving:
            misbehaved_.insert(e.peer.id);
            break;
        case ConnectionEventKind::Closed: {
            const CloseReason reason = misbehaved_.erase(e.peer.id) ? CloseReason::Misbehaving : classify(e.reason);
            closed_[static_cast<size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
            break;
        }
        case ConnectionEventKind::EvictedInbound:
            break;  // its Closed event follows
    }
}

std::string MetricsObserver::render(const Sources& sources) const {
    std::ostringstream out;
    auto type_name = [](size_t slot) -> std::string_view {
        return slot < msgcapture::KnownMessages::size ? msgcapture::KnownMessages::types[slot] : "other";
    };
    // One series per direction and type slot, from one of the two counter arrays.
    auto per_type = [&](const char* name, const char* help, auto Counts::*member) {
        family(out, name, "counter", help);
        for (const auto& [direction, counts] : {std::pair<const char*, const Counts*>{"in", &in_}, {"out", &out_}}) {
            for (size_t slot = 0; slot < TYPE_SLOTS; ++slot) {
                out << name << "{direction=\"" << direction << "\",msgtype=\"" << type_name(slot) << "\"} "
                    << (counts->*member)[slot].load(std::memory_order_relaxed) << '\n';
            }
        }
    };
    per_type("bitcoind_p2p_messages_total",
             "P2P messages received (in) and sent (out), by type, as the node took them off a peer's queue or queued them.",
             &Counts::messages);
    per_type("bitcoind_p2p_message_bytes_total",
             "Payload bytes of those messages (as capture records them; each also has a 24-byte header on the wire).", &Counts::bytes);

    std::map<std::pair<std::string, std::string>, uint64_t> peers;
    for (const auto& p : sources.connman.peers()) {
        if (!p->closed) ++peers[{connection_type_name(p->type), network_name(p->network)}];
    }
    family(out, "bitcoind_peers", "gauge", "Connected peers by connection type and network.");
    for (const auto& [labels, n] : peers) {
        out << "bitcoind_peers{connection_type=\"" << labels.first << "\",network=\"" << labels.second << "\"} " << n << '\n';
    }
    family(out, "bitcoind_connections_opened_total", "counter", "Connections the node took on, by direction.");
    out << "bitcoind_connections_opened_total{direction=\"inbound\"} " << opened_inbound_.load() << '\n';
    out << "bitcoind_connections_opened_total{direction=\"outbound\"} " << opened_outbound_.load() << '\n';
    family(out, "bitcoind_connections_closed_total", "counter", "Connections that ended, by reason.");
    for (size_t r = 0; r < CLOSE_REASON_COUNT; ++r) {
        out << "bitcoind_connections_closed_total{reason=\"" << close_reason_label(static_cast<CloseReason>(r)) << "\"} "
            << closed_[r].load() << '\n';
    }

    const CaptureInfo capture = sources.capture.info();
    family(out, "bitcoind_capture_enabled", "gauge", "1 while message capture is on and working.");
    out << "bitcoind_capture_enabled " << (capture.enabled ? 1 : 0) << '\n';
    family(out, "bitcoind_capture_bytes_written_total", "counter", "Capture record bytes written.");
    out << "bitcoind_capture_bytes_written_total " << capture.bytes_written << '\n';
    family(out, "bitcoind_capture_records_dropped_total", "counter", "Messages capture wanted and could not write, by reason.");
    for (const auto& [reason, n] : capture.records_dropped) {
        out << "bitcoind_capture_records_dropped_total{reason=\"" << label_value(reason) << "\"} " << n << '\n';
    }

    int header_height, block_height;
    size_t mempool;
    {
        std::lock_guard lock(sources.chain.mutex);
        header_height = sources.chain.chain.height();
        block_height = sources.chain.highest_held_block();
        mempool = sources.chain.pool.size();
    }
    family(out, "bitcoind_header_height", "gauge", "Height of the best header chain.");
    out << "bitcoind_header_height " << header_height << '\n';
    family(out, "bitcoind_block_height", "gauge", "Height of the newest block of the best chain that the node holds in full.");
    out << "bitcoind_block_height " << block_height << '\n';
    family(out, "bitcoind_mempool_transactions", "gauge", "Transactions in the pool.");
    out << "bitcoind_mempool_transactions " << mempool << '\n';
    family(out, "bitcoind_uptime_seconds", "gauge", "Seconds since the node started.");
    out << "bitcoind_uptime_seconds " << now_seconds() - sources.start_time << '\n';
    return out.str();
}

}  // namespace node
