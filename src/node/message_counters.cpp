#include "node/message_counters.h"

#include "msgcapture/protocol/constants.h"

namespace node {

void MessageCounters::on_message(const MessageEvent& e) {
    std::lock_guard lock(mutex_);
    auto& counts = e.direction == msgcapture::Direction::Received ? peers_[e.peer.id].received : peers_[e.peer.id].sent;
    auto it = counts.find(e.type);
    if (it == counts.end()) it = counts.emplace(std::string(e.type), 0).first;
    it->second += e.payload.size() + msgcapture::P2P_HEADER_SIZE;
}

void MessageCounters::on_connection(const ConnectionEvent& e) {
    if (e.kind != ConnectionEventKind::Closed) return;
    std::lock_guard lock(mutex_);
    peers_.erase(e.peer.id);
}

MessageCounters::PerPeer MessageCounters::of(int64_t peer_id) const {
    std::lock_guard lock(mutex_);
    auto it = peers_.find(peer_id);
    return it == peers_.end() ? PerPeer{} : it->second;
}

}  // namespace node
