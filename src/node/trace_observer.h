#pragma once
// The tap's events as Bitcoin Core's `net` USDT tracepoints, so that Core's
// bpftrace and BCC scripts (contrib/tracing) work against this node.
#include "node/net_events.h"

namespace node {

class TraceObserver : public NetObserver {
public:
    void on_message(const MessageEvent& e) override;
    void on_connection(const ConnectionEvent& e) override;
};

}  // namespace node
