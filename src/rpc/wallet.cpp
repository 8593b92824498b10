// == Wallet ==: only getnewaddress, so that `bitcoin-cli -generate` works.
// The node has no wallet: see wallet/key_file.h for where the key goes.
#include <memory>

#include "rpc/methods.h"
#include "wallet/key_file.h"

namespace node {

using nlohmann::json;

std::vector<RpcMethod> wallet_rpc_methods(RpcContext& ctx) {
    std::vector<RpcMethod> m;
    // Keys in a plain file are for test chains only.
    if (!ctx.config.params.mine_blocks_on_demand) return m;
    auto keys = std::make_shared<KeyFile>(ctx.config.data_dir + "/keys.txt", ctx.config.params.addresses);
    m.push_back({"getnewaddress", "Wallet",
                 "Makes a new key and returns its address (regtest). The node has no wallet: the private key is appended,\n"
                 "in WIF, to keys.txt in the chain's data directory (readable by its owner only), for any wallet to import.",
                 {{"label", "string", false, "\"\"", "a label, written next to the key"},
                  {"address_type", "string", false, "bech32", "legacy, p2sh-segwit or bech32"}},
                 "\"str\"    (string) the new address", {json::array(), json::array({"", "legacy"})},
                 [keys](const RpcParams& p) -> json {
                     const std::string label = p.has(0) ? p.get_string(0) : "";
                     if (label.find_first_of("\r\n") != std::string::npos) throw RpcError(RPC_INVALID_PARAMETER, "A label cannot span lines");
                     try {
                         return keys->new_address(p.has(1) ? p.get_string(1) : "bech32", label);
                     } catch (const std::invalid_argument& e) {
                         throw RpcError(RPC_INVALID_ADDRESS_OR_KEY, e.what());
                     } catch (const std::runtime_error& e) {
                         throw RpcError(RPC_WALLET_ERROR, e.what());
                     }
                 }});
    return m;
}

}  // namespace node
