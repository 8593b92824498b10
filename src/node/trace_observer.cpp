#include "node/trace_observer.h"

#include <algorithm>
#include <string>

#include "msgcapture/protocol/constants.h"
#include "node/tracing.h"

namespace node {

namespace {

// A message type as the NUL-terminated string a tracer reads.
struct TypeText {
    explicit TypeText(std::string_view type) {
        const size_t n = std::min(type.size(), msgcapture::MESSAGE_TYPE_SIZE);
        std::copy_n(type.begin(), n, text);
        text[n] = '\0';
    }
    char text[msgcapture::MESSAGE_TYPE_SIZE + 1];
};

}  // namespace

void TraceObserver::on_message(const MessageEvent& e) {
    const Peer& p = e.peer;
    if (e.direction == msgcapture::Direction::Received) {
        if (!MSGCAPTURE_TRACE_ACTIVE(net, inbound_message)) return;
        const TypeText type(e.type);
        MSGCAPTURE_TRACE(net, inbound_message, p.id, p.address.c_str(), connection_type_name(p.type), type.text,
                         static_cast<uint64_t>(e.payload.size()), e.payload.data());
    } else {
        if (!MSGCAPTURE_TRACE_ACTIVE(net, outbound_message)) return;
        const TypeText type(e.type);
        MSGCAPTURE_TRACE(net, outbound_message, p.id, p.address.c_str(), connection_type_name(p.type), type.text,
                         static_cast<uint64_t>(e.payload.size()), e.payload.data());
    }
}

void TraceObserver::on_connection(const ConnectionEvent& e) {
    const Peer& p = e.peer;
    const auto network = static_cast<uint32_t>(p.network);
    const auto established = static_cast<uint64_t>(p.connected_us / 1'000'000);
    switch (e.kind) {
        case ConnectionEventKind::Opened:
            if (p.inbound() && MSGCAPTURE_TRACE_ACTIVE(net, inbound_connection)) {
                MSGCAPTURE_TRACE(net, inbound_connection, p.id, p.address.c_str(), connection_type_name(p.type), network,
                                 e.same_direction_count);
            } else if (!p.inbound() && MSGCAPTURE_TRACE_ACTIVE(net, outbound_connection)) {
                MSGCAPTURE_TRACE(net, outbound_connection, p.id, p.address.c_str(), connection_type_name(p.type), network,
                                 e.same_direction_count);
            }
            break;
        case ConnectionEventKind::Closed:
            if (MSGCAPTURE_TRACE_ACTIVE(net, closed_connection)) {
                MSGCAPTURE_TRACE(net, closed_connection, p.id, p.address.c_str(), connection_type_name(p.type), network, established);
            }
            break;
        case ConnectionEventKind::EvictedInbound:
            if (MSGCAPTURE_TRACE_ACTIVE(net, evicted_inbound_connection)) {
                MSGCAPTURE_TRACE(net, evicted_inbound_connection, p.id, p.address.c_str(), connection_type_name(p.type), network,
                                 established);
            }
            break;
        case ConnectionEventKind::Misbehaving:
            if (MSGCAPTURE_TRACE_ACTIVE(net, misbehaving_connection)) {
                const std::string reason(e.reason);
                MSGCAPTURE_TRACE(net, misbehaving_connection, p.id, reason.c_str());
            }
            break;
    }
}

}  // namespace node
