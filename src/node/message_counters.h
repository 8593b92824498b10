#pragma once
// getpeerinfo's bytessent_per_msg and bytesrecv_per_msg: bytes on the wire
// (header included) per peer and message type, counted from the tap and
// readable from any thread without waiting for the message handler.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "node/net_events.h"

namespace node {

class MessageCounters : public NetObserver {
public:
    struct PerPeer {
        std::map<std::string, uint64_t, std::less<>> sent, received;
    };

    void on_message(const MessageEvent& e) override;
    void on_connection(const ConnectionEvent& e) override;

    // A connected peer's counts; empty for a peer that is gone.
    PerPeer of(int64_t peer_id) const;

private:
    mutable std::mutex mutex_;
    std::map<int64_t, PerPeer> peers_;
};

}  // namespace node
