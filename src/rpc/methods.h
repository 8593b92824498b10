#pragma once
// The RPC methods of the node, bound to its parts; one file per category
// (blockchain.cpp, network.cpp, generating.cpp, rawtransactions.cpp,
// util.cpp, wallet.cpp, control.cpp, capture.cpp).
#include <cstdint>
#include <vector>

#include "net/connection_policy.h"
#include "node/capture_control.h"
#include "node/message_counters.h"
#include "node/node_context.h"
#include "node/peer_manager.h"
#include "rpc/rpc_server.h"

namespace node {

struct RpcContext {
    const NodeConfig& config;
    ChainState& chain;
    Connman& connman;
    PeerManager& peers;
    ConnectionPolicy& policy;
    const MessageCounters& counters;
    CaptureControl& capture;
    ShutdownSignal& shutdown;
    int64_t start_time;
    // Set once the server exists, for `help`.
    const RpcServer* server = nullptr;
};

std::vector<RpcMethod> blockchain_rpc_methods(RpcContext& ctx);
std::vector<RpcMethod> network_rpc_methods(RpcContext& ctx);
std::vector<RpcMethod> generating_rpc_methods(RpcContext& ctx);
std::vector<RpcMethod> rawtransaction_rpc_methods(RpcContext& ctx);
std::vector<RpcMethod> util_rpc_methods(RpcContext& ctx);
std::vector<RpcMethod> wallet_rpc_methods(RpcContext& ctx);
std::vector<RpcMethod> control_rpc_methods(RpcContext& ctx);
std::vector<RpcMethod> capture_rpc_methods(RpcContext& ctx);
nlohmann::json capture_info_json(const CaptureInfo& info);

// All of the above.
std::vector<RpcMethod> node_rpc_methods(RpcContext& ctx);

}  // namespace node
