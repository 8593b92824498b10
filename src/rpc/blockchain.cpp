// == Blockchain ==: the header chain, the blocks the node holds, its pool.
#include "chain/arith_uint256.h"
#include "chain/block_check.h"
#include "common/time.h"
#include "msgcapture/protocol/codec.h"
#include "rpc/methods.h"
#include "rpc/rpc_util.h"
#include "rpc/tx_json.h"

namespace node {

using nlohmann::json;

namespace {

const char* HASH_RESULT = "\"hex\"    (string) the block hash, in display order";

// A block the node holds, decoded; RPC errors when unknown or not kept.
msgcapture::Block held_block(RpcContext& ctx, const msgcapture::Uint256& hash, const msgcapture::Bytes** raw) {
    if (!ctx.chain.chain.lookup(hash)) throw RpcError(RPC_INVALID_ADDRESS_OR_KEY, "Block not found");
    *raw = ctx.chain.blocks.find(hash);
    if (!*raw) throw RpcError(RPC_MISC_ERROR, "Block not available (this node keeps only recent blocks, and only the header of this one)");
    msgcapture::MsgBlock block;
    msgcapture::decode_payload(**raw, block);
    return std::move(block.block);
}


}  // namespace

std::vector<RpcMethod> blockchain_rpc_methods(RpcContext& ctx) {
    std::vector<RpcMethod> m;
    m.push_back({"getbestblockhash", "Blockchain", "Returns the hash of the best (tip) block of the most-work chain of headers.", {},
                 HASH_RESULT, {json::array()}, [&ctx](const RpcParams&) -> json {
                     std::lock_guard lock(ctx.chain.mutex);
                     return ctx.chain.chain.tip().hash.display_hex();
                 }});
    m.push_back({"getblockchaininfo", "Blockchain", "Returns an object with the state of the node's chain.", {},
                 "{\n"
                 "  \"chain\" : \"str\",                  (string) the chain: main, test, testnet4, signet, regtest\n"
                 "  \"blocks\" : n,                       (numeric) the height of the best chain (this node follows headers)\n"
                 "  \"headers\" : n,                      (numeric) the height of the best header chain\n"
                 "  \"bestblockhash\" : \"hex\",          (string) the hash of the tip\n"
                 "  \"bits\" : \"hex\",                   (string) the tip's nBits\n"
                 "  \"target\" : \"hex\",                 (string) the tip's target\n"
                 "  \"difficulty\" : n,                   (numeric) the tip's difficulty\n"
                 "  \"time\" : xxx,                       (numeric) the tip's block time, UNIX epoch seconds\n"
                 "  \"mediantime\" : xxx,                 (numeric) the tip's median time past\n"
                 "  \"verificationprogress\" : n,         (numeric) always 1: headers are checked as they arrive\n"
                 "  \"initialblockdownload\" : true|false, (boolean) whether the tip is more than a day old\n"
                 "  \"chainwork\" : \"hex\",              (string) total work of the best chain\n"
                 "  \"size_on_disk\" : n,                 (numeric) 0: blocks are kept in memory\n"
                 "  \"pruned\" : true|false,              (boolean) false\n"
                 "  \"warnings\" : [ \"str\", ... ]       (json array) warnings about the node\n"
                 "}",
                 {json::array()}, [&ctx](const RpcParams&) -> json {
                     std::lock_guard lock(ctx.chain.mutex);
                     const HeaderChain& c = ctx.chain.chain;
                     const BlockIndex& tip = c.tip();
                     return {{"chain", ctx.config.params.name}, {"blocks", c.height()}, {"headers", c.height()},
                             {"bestblockhash", tip.hash.display_hex()}, {"bits", hex32(tip.header.nBits)},
                             {"target", ArithUint256::from_compact(tip.header.nBits).hex()},
                             {"difficulty", difficulty(tip.header.nBits)}, {"time", tip.header.nTime},
                             {"mediantime", tip.median_time_past()}, {"verificationprogress", 1.0},
                             {"initialblockdownload", now_seconds() - static_cast<int64_t>(tip.header.nTime) > 24 * 3600},
                             {"chainwork", tip.chain_work.hex()}, {"size_on_disk", 0}, {"pruned", false},
                             {"warnings", json::array({"This node follows headers only; blocks and transactions are not validated."})}};
                 }});
    m.push_back({"getblockcount", "Blockchain", "Returns the height of the most-work chain of headers.", {},
                 "n    (numeric) the height of the tip", {json::array()}, [&ctx](const RpcParams&) -> json {
                     std::lock_guard lock(ctx.chain.mutex);
                     return ctx.chain.chain.height();
                 }});
    m.push_back({"getblockhash", "Blockchain", "Returns the hash of the block at this height on the best chain.",
                 {{"height", "numeric", true, "", "the height"}}, HASH_RESULT, {json::array({1000})},
                 [&ctx](const RpcParams& p) -> json {
                     const int64_t height = p.get_int(0);
                     std::lock_guard lock(ctx.chain.mutex);
                     if (height < 0 || height > ctx.chain.chain.height()) throw RpcError(RPC_INVALID_PARAMETER, "Block height out of range");
                     return ctx.chain.chain.at_height(static_cast<int>(height))->hash.display_hex();
                 }});
    m.push_back({"getblockheader", "Blockchain",
                 "If verbose is false, returns the serialized header (80 bytes) in hex.\nIf verbose is true, returns an object with its fields.",
                 {{"blockhash", "string", true, "", "the block hash"},
                  {"verbose", "boolean", false, "true", "true for an object, false for the hex"}},
                 "Result (for verbose = true):\n"
                 "{\n"
                 "  \"hash\" : \"hex\",             (string) the block hash (same as provided)\n"
                 "  \"confirmations\" : n,          (numeric) confirmations, or -1 when not on the best chain\n"
                 "  \"height\" : n,                 (numeric) the height\n"
                 "  \"version\" : n,                (numeric) the version\n"
                 "  \"versionHex\" : \"hex\",       (string) the version in hex\n"
                 "  \"merkleroot\" : \"hex\",       (string) the merkle root\n"
                 "  \"time\" : xxx,                 (numeric) the block time, UNIX epoch seconds\n"
                 "  \"mediantime\" : xxx,           (numeric) the median time past\n"
                 "  \"nonce\" : n,                  (numeric) the nonce\n"
                 "  \"bits\" : \"hex\",             (string) nBits\n"
                 "  \"target\" : \"hex\",           (string) the target\n"
                 "  \"difficulty\" : n,             (numeric) the difficulty\n"
                 "  \"chainwork\" : \"hex\",        (string) total work up to this block\n"
                 "  \"nTx\" : n,                    (numeric) transactions in the block (0 when the node does not hold it)\n"
                 "  \"previousblockhash\" : \"hex\", (string, optional) the previous block\n"
                 "  \"nextblockhash\" : \"hex\"     (string, optional) the next block on the best chain\n"
                 "}\n\n"
                 "Result (for verbose=false):\n"
                 "\"hex\"    (string) the serialized header",
                 {json::array({"00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09"})}, [&ctx](const RpcParams& p) -> json {
                     const msgcapture::Uint256 hash = parse_hash(p.get_string(0), "blockhash");
                     const bool verbose = p.has(1) ? p.get_bool(1) : true;
                     std::lock_guard lock(ctx.chain.mutex);
                     const BlockIndex* index = ctx.chain.chain.lookup(hash);
                     if (!index) throw RpcError(RPC_INVALID_ADDRESS_OR_KEY, "Block not found");
                     if (!verbose) return msgcapture::to_hex(msgcapture::encode_payload(index->header));
                     json j = header_json(ctx.chain.chain, *index);
                     if (const msgcapture::Bytes* raw = ctx.chain.blocks.find(hash)) {
                         msgcapture::MsgBlock block;
                         msgcapture::decode_payload(*raw, block);
                         j["nTx"] = block.block.vtx.size();
                     }
                     return j;
                 }});
    m.push_back({"getblock", "Blockchain",
                 "A block the node holds.\nverbosity 0: its serialized hex. 1: an object with the header's fields and the txids.\n"
                 "2: as 1, with every transaction decoded. This node keeps only recent blocks (all of them on regtest).",
                 {{"blockhash", "string", true, "", "the block hash"},
                  {"verbosity", "numeric", false, "1", "0 for hex, 1 for an object, 2 for an object with transactions"}},
                 "Result (for verbosity = 0):\n"
                 "\"hex\"    (string) the serialized block\n\n"
                 "Result (for verbosity = 1):\n"
                 "{\n"
                 "  ...,                  the fields of getblockheader, and:\n"
                 "  \"strippedsize\" : n,  (numeric) size without witness data\n"
                 "  \"size\" : n,          (numeric) size in bytes\n"
                 "  \"weight\" : n,        (numeric) weight (BIP141)\n"
                 "  \"tx\" : [ \"hex\", ... ] (json array) the txids\n"
                 "}\n\n"
                 "Result (for verbosity = 2):\n"
                 "{\n"
                 "  ...,                  as for verbosity 1, except:\n"
                 "  \"tx\" : [ {...}, ... ] (json array) each transaction as decoderawtransaction shows it\n"
                 "}",
                 {json::array({"00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09"}),
                  json::array({"00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09", 2})},
                 [&ctx](const RpcParams& p) -> json {
                     const msgcapture::Uint256 hash = parse_hash(p.get_string(0), "blockhash");
                     // Core takes a boolean here too: false is 0, true is 1.
                     int64_t verbosity = 1;
                     if (p.has(1)) verbosity = p.get(1).is_boolean() ? (p.get_bool(1) ? 1 : 0) : p.get_int(1);
                     if (verbosity < 0 || verbosity > 2) throw RpcError(RPC_INVALID_PARAMETER, "Verbosity must be 0, 1 or 2 (this node has no undo data for 3)");
                     std::lock_guard lock(ctx.chain.mutex);
                     const msgcapture::Bytes* raw = nullptr;
                     const msgcapture::Block block = held_block(ctx, hash, &raw);
                     if (verbosity == 0) return msgcapture::to_hex(*raw);
                     json j = header_json(ctx.chain.chain, *ctx.chain.chain.lookup(hash));
                     msgcapture::Block stripped = block;
                     for (auto& tx : stripped.vtx) tx.wit.vtxinwit.clear();
                     const size_t stripped_size = msgcapture::encode_payload(msgcapture::MsgBlock{stripped}).size();
                     j["nTx"] = block.vtx.size();
                     j["strippedsize"] = stripped_size;
                     j["size"] = raw->size();
                     j["weight"] = stripped_size * 3 + raw->size();
                     json txs = json::array();
                     for (const auto& tx : block.vtx) {
                         txs.push_back(verbosity == 1 ? json(txid(tx).display_hex()) : tx_json(tx, ctx.config.params.addresses));
                     }
                     j["tx"] = txs;
                     return j;
                 }});
    m.push_back({"getchaintips", "Blockchain",
                 "Returns every tip of the header tree: the best chain's and each fork's, with the length of its branch.", {},
                 "[\n"
                 "  {\n"
                 "    \"height\" : n,     (numeric) the tip's height\n"
                 "    \"hash\" : \"hex\",  (string) the tip's hash\n"
                 "    \"branchlen\" : n,  (numeric) 0 for the best chain, else the blocks from the fork point\n"
                 "    \"status\" : \"str\" (string) active: the best chain; valid-headers: a fork whose blocks the node\n"
                 "                       all holds (not validated); headers-only: a fork missing blocks\n"
                 "  },\n"
                 "  ...\n"
                 "]",
                 {json::array()}, [&ctx](const RpcParams&) -> json {
                     std::lock_guard lock(ctx.chain.mutex);
                     const HeaderChain& c = ctx.chain.chain;
                     json out = json::array();
                     for (const BlockIndex* tip : c.tips()) {
                         const BlockIndex* fork = tip;
                         bool all_blocks = true;
                         while (fork && !c.on_active_chain(*fork)) {
                             all_blocks = all_blocks && ctx.chain.blocks.contains(fork->hash);
                             fork = fork->prev;
                         }
                         const int branch = tip->height - (fork ? fork->height : 0);
                         out.push_back({{"height", tip->height}, {"hash", tip->hash.display_hex()}, {"branchlen", branch},
                                        {"status", branch == 0 ? "active" : all_blocks ? "valid-headers" : "headers-only"}});
                     }
                     // The active tip first, then by height, as Core lists them.
                     std::stable_sort(out.begin(), out.end(), [](const json& a, const json& b) {
                         if ((a["branchlen"] == 0) != (b["branchlen"] == 0)) return a["branchlen"] == 0;
                         return a["height"].get<int>() > b["height"].get<int>();
                     });
                     return out;
                 }});
    m.push_back({"getrawmempool", "Blockchain",
                 "Returns the transactions in the node's pool. It relays transactions without validating them, so fees are unknown.",
                 {{"verbose", "boolean", false, "false", "true for an object by txid, false for an array of txids"}},
                 "Result (for verbose = false):\n"
                 "[ \"hex\", ... ]    (json array) the txids\n\n"
                 "Result (for verbose = true):\n"
                 "{\n"
                 "  \"txid\" : {\n"
                 "    \"vsize\" : n,    (numeric) virtual size (BIP141)\n"
                 "    \"weight\" : n,   (numeric) weight (BIP141)\n"
                 "    \"time\" : xxx,   (numeric) when it entered the pool, UNIX epoch seconds\n"
                 "    \"wtxid\" : \"hex\" (string) the hash with witness data\n"
                 "  },\n"
                 "  ...\n"
                 "}",
                 {json::array(), json::array({true})}, [&ctx](const RpcParams& p) -> json {
                     const bool verbose = p.has(0) && p.get_bool(0);
                     std::lock_guard lock(ctx.chain.mutex);
                     json out = verbose ? json::object() : json::array();
                     for (const PoolTx* tx : ctx.chain.pool.all()) {
                         if (!verbose) {
                             out.push_back(tx->txid.display_hex());
                             continue;
                         }
                         const size_t weight = tx_weight(tx->tx);
                         out[tx->txid.display_hex()] = {{"vsize", (weight + 3) / 4}, {"weight", weight},
                                                        {"time", tx->added_us / 1'000'000}, {"wtxid", tx->wtxid.display_hex()}};
                     }
                     return out;
                 }});
    m.push_back({"getmempoolinfo", "Blockchain", "Returns the state of the node's transaction pool.", {},
                 "{\n"
                 "  \"loaded\" : true,            (boolean) always true: the pool is not saved between runs\n"
                 "  \"size\" : n,                 (numeric) transactions\n"
                 "  \"bytes\" : n,                (numeric) the sum of their virtual sizes\n"
                 "  \"usage\" : n,                (numeric) their serialized bytes (the memory they take)\n"
                 "  \"maxmempool\" : n,           (numeric) the byte limit of the pool\n"
                 "  \"mempoolminfee\" : n,        (numeric) BTC/kvB\n"
                 "  \"minrelaytxfee\" : n,        (numeric) BTC/kvB, as announced in feefilter\n"
                 "  \"incrementalrelayfee\" : n,  (numeric) BTC/kvB\n"
                 "  \"unbroadcastcount\" : n,     (numeric) 0\n"
                 "  \"fullrbf\" : true            (boolean) true\n"
                 "}",
                 {json::array()}, [&ctx](const RpcParams&) -> json {
                     std::lock_guard lock(ctx.chain.mutex);
                     size_t vbytes = 0, usage = 0;
                     for (const PoolTx* tx : ctx.chain.pool.all()) {
                         vbytes += (tx_weight(tx->tx) + 3) / 4;
                         usage += tx->size;
                     }
                     return {{"loaded", true}, {"size", ctx.chain.pool.size()}, {"bytes", vbytes}, {"usage", usage},
                             {"maxmempool", TxPool::MAX_BYTES}, {"mempoolminfee", 0.00001}, {"minrelaytxfee", 0.00001},
                             {"incrementalrelayfee", 0.00001}, {"unbroadcastcount", 0}, {"fullrbf", true}};
                 }});
    return m;
}

}  // namespace node
