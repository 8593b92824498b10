#include "rpc/methods.h"

namespace node {

std::vector<RpcMethod> node_rpc_methods(RpcContext& ctx) {
    std::vector<RpcMethod> all;
    for (auto part : {blockchain_rpc_methods, network_rpc_methods, generating_rpc_methods, rawtransaction_rpc_methods,
                      util_rpc_methods, wallet_rpc_methods, control_rpc_methods, capture_rpc_methods}) {
        for (auto& m : part(ctx)) all.push_back(std::move(m));
    }
    return all;
}

}  // namespace node
