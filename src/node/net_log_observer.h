#pragma once
// -debug=net: one debug.log line per message sent or received, and per
// connection taken on or let go, from the tap.
#include "node/net_events.h"

namespace node {

class NetLogObserver : public NetObserver {
public:
    void on_message(const MessageEvent& e) override;
    void on_connection(const ConnectionEvent& e) override;
};

}  // namespace node
