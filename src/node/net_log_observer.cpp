#include "node/net_log_observer.h"

#include <string>

#include "common/logging.h"

namespace node {

void NetLogObserver::on_message(const MessageEvent& e) {
    if (!Logger::instance().enabled("net")) return;  // no line built when nobody reads it
    const std::string size = std::to_string(e.payload.size());
    const std::string peer = "peer=" + std::to_string(e.peer.id);
    if (e.direction == msgcapture::Direction::Received) {
        log_net("received: " + std::string(e.type) + " (" + size + " bytes) " + peer);
    } else {
        log_net("sending " + std::string(e.type) + " (" + size + " bytes) " + peer);
    }
}

void NetLogObserver::on_connection(const ConnectionEvent& e) {
    if (e.kind != ConnectionEventKind::Closed || !Logger::instance().enabled("net")) return;
    log_net("peer=" + std::to_string(e.peer.id) + Logger::instance().peer_address_suffix(e.peer.address) + " is gone");
}

}  // namespace node
