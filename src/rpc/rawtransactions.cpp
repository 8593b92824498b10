// == Rawtransactions ==: sending and decoding transactions.
#include "chain/block_check.h"
#include "common/time.h"
#include "rpc/methods.h"
#include "rpc/rpc_util.h"
#include "rpc/tx_json.h"

namespace node {

using nlohmann::json;


std::vector<RpcMethod> rawtransaction_rpc_methods(RpcContext& ctx) {
    std::vector<RpcMethod> m;
    m.push_back({"decoderawtransaction", "Rawtransactions", "Returns an object for a serialized transaction.",
                 {{"hexstring", "string", true, "", "the transaction in hex"},
                  {"iswitness", "boolean", false, "depends on heuristic tests", "accepted for Core's interface; the encoding is detected"}},
                 "{\n"
                 "  \"txid\" : \"hex\",   (string) the transaction id\n"
                 "  \"hash\" : \"hex\",   (string) the hash with witness data (wtxid)\n"
                 "  \"size\" : n,         (numeric) serialized size\n"
                 "  \"vsize\" : n,        (numeric) virtual size (BIP141)\n"
                 "  \"weight\" : n,       (numeric) weight (BIP141)\n"
                 "  \"version\" : n,      (numeric) version\n"
                 "  \"locktime\" : xxx,   (numeric) lock time\n"
                 "  \"vin\" : [ ... ],    (json array) inputs: txid, vout, scriptSig {asm, hex}, txinwitness, sequence\n"
                 "  \"vout\" : [ ... ]    (json array) outputs: value, n, scriptPubKey {asm, desc, hex, address, type}\n"
                 "}",
                 {json::array({"hexstring"})}, [&ctx](const RpcParams& p) -> json {
                     json j = tx_json(parse_raw_transaction(p.get_string(0)), ctx.config.params.addresses);
                     j.erase("hex");  // Core's decoderawtransaction leaves out what it was given
                     return j;
                 }});
    if (!ctx.config.params.mine_blocks_on_demand) return m;
    m.push_back({"sendrawtransaction", "Rawtransactions",
                 "Adds a transaction to the node's pool and announces it to peers (regtest). The node checks\n"
                 "that it decodes, not its scripts or inputs; maxfeerate and maxburnamount are accepted and not applied.",
                 {{"hexstring", "string", true, "", "the transaction in hex"},
                  {"maxfeerate", "numeric or string", false, "0.10", "not applied: the node does not know input values"},
                  {"maxburnamount", "numeric or string", false, "0", "not applied"}},
                 "\"hex\"    (string) the txid", {json::array({"signedhex"})}, [&ctx](const RpcParams& p) -> json {
                     const msgcapture::Transaction tx = parse_raw_transaction(p.get_string(0));
                     {
                         std::lock_guard lock(ctx.chain.mutex);
                         ctx.chain.pool.add(tx, now_micros());
                     }
                     ctx.peers.wake();  // the handler announces it
                     return txid(tx).display_hex();
                 }});
    return m;
}

}  // namespace node
