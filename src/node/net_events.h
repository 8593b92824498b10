#pragma once
// The one tap on the node's traffic. The message handler publishes every
// message as it takes it off a peer's queue (received) or queues it (sent),
// and every connection event; capture, -debug=net logging, getpeerinfo's
// counters, the USDT tracepoints and the metrics are subscribers. Adding a
// way to watch the node means adding a subscriber, never editing protocol
// code.
//
// Every event is published on the message handler thread, in processing
// order; a subscriber that others read from another thread keeps its own
// synchronisation.
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "msgcapture/format/record.h"
#include "msgcapture/protocol/bytes.h"
#include "net/peer.h"

namespace node {

struct MessageEvent {
    const Peer& peer;
    msgcapture::Direction direction;
    int64_t time_us;
    std::string_view type;
    std::optional<size_t> type_index;  // in msgcapture::KnownMessages; nullopt for a type we do not know
    msgcapture::ByteSpan payload;
};

enum class ConnectionEventKind {
    Opened,          // the handler took on a new connection, either direction
    Closed,          // the handler is done with it; `reason` says why it closed
    EvictedInbound,  // an inbound connection made room for a new one
    Misbehaving,     // the peer broke a rule; `reason` says which (the disconnect follows)
};

struct ConnectionEvent {
    ConnectionEventKind kind;
    const Peer& peer;
    int64_t time_us;
    std::string_view reason;           // Closed, EvictedInbound, Misbehaving
    uint64_t same_direction_count = 0;  // Opened: connections of its direction, this one included
};

class NetObserver {
public:
    virtual ~NetObserver() = default;
    virtual void on_message(const MessageEvent&) {}
    virtual void on_connection(const ConnectionEvent&) {}
    // The handler's periodic pass (at least every 100 ms): time-driven work such as flushing.
    virtual void on_tick(int64_t /*now_us*/) {}
};

class NetEvents {
public:
    // Subscribers are added before the handler starts and live as long as it.
    void subscribe(std::shared_ptr<NetObserver> observer) { observers_.push_back(std::move(observer)); }

    void message(const MessageEvent& e) const {
        for (const auto& o : observers_) o->on_message(e);
    }
    void connection(const ConnectionEvent& e) const {
        for (const auto& o : observers_) o->on_connection(e);
    }
    void tick(int64_t now_us) const {
        for (const auto& o : observers_) o->on_tick(now_us);
    }

private:
    std::vector<std::shared_ptr<NetObserver>> observers_;
};

}  // namespace node
