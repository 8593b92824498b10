#pragma once
// Prometheus metrics (-metricsbind): counters fed by the tap, kept in
// atomics so that a scrape never waits for the message handler, and gauges
// read at scrape time from the parts that own them. render() writes the
// text exposition format (version 0.0.4).
#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>

#include "msgcapture/protocol/message.h"
#include "node/capture_control.h"
#include "node/net_events.h"
#include "node/node_context.h"

namespace node {

// Bounded labels for bitcoind_connections_closed_total{reason}: the free
// text of a disconnect is sorted into these, so a scrape stays small.
enum class CloseReason { PeerClosed, Misbehaving, Evicted, Shutdown, Manual, AddrFetchDone, InvalidData, NetworkError };
inline constexpr size_t CLOSE_REASON_COUNT = 8;
const char* close_reason_label(CloseReason reason);

class MetricsObserver : public NetObserver {
public:
    void on_message(const MessageEvent& e) override;
    void on_connection(const ConnectionEvent& e) override;

    struct Sources {
        const Connman& connman;
        ChainState& chain;
        const CaptureControl& capture;
        int64_t start_time;  // seconds since the epoch
    };
    std::string render(const Sources& sources) const;

private:
    // One slot per known message type and one for every other type.
    static constexpr size_t TYPE_SLOTS = msgcapture::KnownMessages::size + 1;
    struct Counts {
        std::array<std::atomic<uint64_t>, TYPE_SLOTS> messages{};
        std::array<std::atomic<uint64_t>, TYPE_SLOTS> bytes{};
    };
    Counts in_, out_;
    std::atomic<uint64_t> opened_inbound_{0}, opened_outbound_{0};
    std::array<std::atomic<uint64_t>, CLOSE_REASON_COUNT> closed_{};
    std::set<int64_t> misbehaved_;  // handler thread only: peers whose close follows a Misbehaving event
};

}  // namespace node
