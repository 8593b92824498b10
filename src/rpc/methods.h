#pragma once
// The RPC methods of the node, bound to its parts.
#include <cstdint>
#include <vector>

#include "node/node_context.h"
#include "node/peer_manager.h"
#include "rpc/rpc_server.h"

namespace node {

struct RpcContext {
    const NodeConfig& config;
    ChainState& chain;
    Connman& connman;
    PeerManager& peers;
    ShutdownSignal& shutdown;
    int64_t start_time;
    // Set once the server exists, for `help`.
    const RpcServer* server = nullptr;
};

std::vector<RpcMethod> node_rpc_methods(RpcContext& ctx);

}  // namespace node
