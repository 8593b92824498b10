// == Generating ==: mining blocks on demand (regtest), paying an address or
// a descriptor's script, as Bitcoin Core's generatetoaddress,
// generatetodescriptor and generateblock do.
#include "chain/address.h"
#include "chain/block_check.h"
#include "chain/descriptor.h"
#include "chain/mining.h"
#include "common/logging.h"
#include "common/time.h"
#include "msgcapture/protocol/codec.h"
#include "rpc/methods.h"
#include "rpc/rpc_util.h"

namespace node {

using nlohmann::json;
using msgcapture::Bytes;

namespace {

constexpr uint64_t DEFAULT_MAX_TRIES = 1'000'000;
constexpr int64_t MAX_BLOCKS_PER_CALL = 10'000;

// The outputs the node knows (call with the chain lock held): those of the
// stored blocks on the best chain.
CoinMap known_outputs(RpcContext& ctx) {
    std::vector<std::pair<int, msgcapture::Block>> known;
    for (const auto& [height, hash] : ctx.chain.blocks.by_height()) {
        const BlockIndex* index = ctx.chain.chain.lookup(hash);
        if (!index || !ctx.chain.chain.on_active_chain(*index)) continue;
        msgcapture::MsgBlock stored;
        msgcapture::decode_payload(*ctx.chain.blocks.find(hash), stored);
        known.emplace_back(height, std::move(stored.block));
    }
    return unspent_outputs(known);
}

// Mines on the tip (call with the chain lock held); nullopt when max_tries nonces did not do.
std::optional<msgcapture::Block> mine_on_tip(RpcContext& ctx, const std::vector<msgcapture::Transaction>& txs, int64_t fees,
                                             const Bytes& payout, uint64_t max_tries) {
    return try_mine_block(ctx.chain.chain.tip(), now_seconds(), ctx.config.params, txs, fees, payout, max_tries);
}

// Makes `block` the new tip and keeps it for peers (call with the chain lock held).
std::string submit(RpcContext& ctx, const msgcapture::Block& block) {
    auto result = ctx.chain.chain.accept(block.header, now_seconds());
    if (result.status != HeaderChain::Status::Accepted) throw RpcError(RPC_MISC_ERROR, "mined block rejected: " + result.reason);
    ctx.chain.add_block(*result.index, block, msgcapture::encode_payload(block));
    return result.index->hash.display_hex();
}

// Mines `n` blocks paying `payout`; each takes the pooled transactions whose
// inputs the node knows. Returns their hashes (fewer when max_tries ran out).
json generate_blocks(RpcContext& ctx, int64_t n, const Bytes& payout, uint64_t max_tries) {
    if (n < 0 || n > MAX_BLOCKS_PER_CALL) throw RpcError(RPC_INVALID_PARAMETER, "nblocks must be between 0 and 10000");
    json hashes = json::array();
    {
        std::lock_guard lock(ctx.chain.mutex);
        CoinMap coins = known_outputs(ctx);
        for (int64_t i = 0; i < n; ++i) {
            std::vector<msgcapture::Transaction> candidates;
            for (const PoolTx* p : ctx.chain.pool.all()) candidates.push_back(p->tx);
            int64_t fees = 0;
            const int height = ctx.chain.chain.height() + 1;
            auto txs = select_transactions(candidates, coins, height, fees);
            auto block = mine_on_tip(ctx, txs, fees, payout, max_tries);
            if (!block) break;
            hashes.push_back(submit(ctx, *block));
            apply_block(coins, *block, height);
        }
    }
    if (!hashes.empty()) log_info("mined " + std::to_string(hashes.size()) + " blocks, tip " + hashes.back().get<std::string>());
    ctx.peers.announce_tip();
    return hashes;
}

uint64_t max_tries_arg(const RpcParams& p, size_t i) {
    if (!p.has(i)) return DEFAULT_MAX_TRIES;
    const int64_t tries = p.get_int(i);
    if (tries < 1) throw RpcError(RPC_INVALID_PARAMETER, "maxtries must be at least 1");
    return static_cast<uint64_t>(tries);
}

Bytes address_arg(RpcContext& ctx, const std::string& address) {
    std::string why;
    auto script = address_script(address, ctx.config.params.addresses, why);
    if (!script) throw RpcError(RPC_INVALID_ADDRESS_OR_KEY, "Error: Invalid address (" + why + ")");
    return *script;
}

Bytes descriptor_arg(RpcContext& ctx, const std::string& descriptor) {
    std::string why;
    auto script = descriptor_script(descriptor, ctx.config.params.addresses, why);
    if (!script) throw RpcError(RPC_INVALID_ADDRESS_OR_KEY, why);
    return *script;
}

const char* BLOCK_HASHES_RESULT = "[ \"hex\", ... ]    (json array) the hashes of the blocks mined";

}  // namespace

std::vector<RpcMethod> generating_rpc_methods(RpcContext& ctx) {
    std::vector<RpcMethod> m;
    if (!ctx.config.params.mine_blocks_on_demand) return m;
    m.push_back({"generatetoaddress", "Generating",
                 "Mines blocks at once (regtest), paying the coinbase to an address, and announces them to peers.\n"
                 "Pooled transactions whose inputs the node knows go into the blocks.",
                 {{"nblocks", "numeric", true, "", "how many blocks"},
                  {"address", "string", true, "", "the address the coinbases pay: base58 P2PKH/P2SH, or bech32/bech32m segwit"},
                  {"maxtries", "numeric", false, "1000000", "how many nonces to try per block"}},
                 BLOCK_HASHES_RESULT, {json::array({11, "bcrt1qft5p2uhsdcdc3l2ua4ap5qqfg4pjaqlp250x7us7a8qqhrxrxfsqseac85"})},
                 [&ctx](const RpcParams& p) -> json {
                     return generate_blocks(ctx, p.get_int(0), address_arg(ctx, p.get_string(1)), max_tries_arg(p, 2));
                 }});
    m.push_back({"generatetodescriptor", "Generating",
                 "Mines blocks at once (regtest), paying the coinbase to a descriptor's script, and announces them to peers.\n"
                 "This node takes raw(HEX) and addr(ADDRESS) descriptors, with or without their #checksum.",
                 {{"num_blocks", "numeric", true, "", "how many blocks"},
                  {"descriptor", "string", true, "", "the descriptor the coinbases pay"},
                  {"maxtries", "numeric", false, "1000000", "how many nonces to try per block"}},
                 BLOCK_HASHES_RESULT, {json::array({11, "raw(51)"})}, [&ctx](const RpcParams& p) -> json {
                     return generate_blocks(ctx, p.get_int(0), descriptor_arg(ctx, p.get_string(1)), max_tries_arg(p, 2));
                 }});
    m.push_back({"generateblock", "Generating",
                 "Mines one block (regtest) with exactly these transactions, in this order, paying the coinbase to\n"
                 "an address or descriptor. Each transaction is a txid from the pool or a raw transaction in hex;\n"
                 "their inputs must be outputs the node knows, unspent and mature.",
                 {{"output", "string", true, "", "the address or descriptor the coinbase pays"},
                  {"transactions", "json array", true, "", "txids and raw transactions, in order"},
                  {"submit", "boolean", false, "true", "whether to make the block the tip and announce it"}},
                 "{\n"
                 "  \"hash\" : \"hex\",  (string) the hash of the block\n"
                 "  \"hex\" : \"hex\"    (string, optional) the block, when submit is false\n"
                 "}",
                 {json::array({"raw(51)", json::array()})}, [&ctx](const RpcParams& p) -> json {
                     const std::string output = p.get_string(0);
                     const Bytes payout = output.find('(') != std::string::npos ? descriptor_arg(ctx, output) : address_arg(ctx, output);
                     const json& items = p.get(1);
                     if (!items.is_array()) throw RpcError(RPC_TYPE_ERROR, "transactions must be an array");
                     const bool submit_block = p.has(2) ? p.get_bool(2) : true;
                     json result;
                     {
                         std::lock_guard lock(ctx.chain.mutex);
                         std::vector<msgcapture::Transaction> txs;
                         for (const json& item : items) {
                             if (!item.is_string()) throw RpcError(RPC_TYPE_ERROR, "each transaction must be a txid or hex string");
                             const std::string text = item.get<std::string>();
                             if (text.size() == 64) {
                                 const PoolTx* pooled = ctx.chain.pool.by_txid(parse_hash(text, "txid"));
                                 if (!pooled) throw RpcError(RPC_INVALID_ADDRESS_OR_KEY, "Transaction " + text + " not in mempool.");
                                 txs.push_back(pooled->tx);
                                 continue;
                             }
                             txs.push_back(parse_raw_transaction(text));
                         }
                         int64_t fees = 0;
                         const auto picked = select_transactions(txs, known_outputs(ctx), ctx.chain.chain.height() + 1, fees);
                         if (picked.size() != txs.size()) {
                             throw RpcError(RPC_VERIFY_ERROR, "TestBlockValidity failed: a transaction spends outputs the node does not know, "
                                                              "already spent, or immature, or spends more than its inputs");
                         }
                         auto block = mine_on_tip(ctx, txs, fees, payout, UINT64_MAX);
                         if (!block) throw RpcError(RPC_MISC_ERROR, "Failed to make block.");
                         if (submit_block) {
                             result["hash"] = submit(ctx, *block);
                         } else {
                             result["hash"] = block->header.hash().display_hex();
                             result["hex"] = msgcapture::to_hex(msgcapture::encode_payload(*block));
                         }
                     }
                     if (submit_block) ctx.peers.announce_tip();
                     return result;
                 }});
    // Core removed `generate` (0.19); like Core, it is still answered, with the way forward.
    RpcMethod retired{"generate", "Generating", "Retired: see generatetoaddress.", {{"nblocks", "numeric", false, "", ""}, {"maxtries", "numeric", false, "", ""}},
                      "", {}, [](const RpcParams&) -> json {
                          throw RpcError(RPC_METHOD_NOT_FOUND,
                                         "generate\n\nhas been replaced by the -generate cli option. Refer to -help for more information.\n"
                                         "Without bitcoin-cli: generatetoaddress or generatetodescriptor.");
                      }};
    retired.hidden = true;
    m.push_back(std::move(retired));
    return m;
}

}  // namespace node
