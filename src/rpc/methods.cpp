#include "rpc/methods.h"

#include <cmath>
#include <cstdio>

#include "chain/block_check.h"
#include "chain/mining.h"
#include "chain/pow.h"
#include "common/logging.h"
#include "common/time.h"
#include "msgcapture/protocol/codec.h"

namespace node {

using nlohmann::json;

namespace {

msgcapture::Uint256 parse_hash(const std::string& hex) {
    auto bytes = msgcapture::from_hex(hex);
    if (!bytes || bytes->size() != 32) throw RpcError(RPC_INVALID_PARAMETER, "hash must be of length 64 (not " + std::to_string(hex.size()) + ", for '" + hex + "')");
    msgcapture::Uint256 h;
    for (size_t i = 0; i < 32; ++i) h.bytes[i] = (*bytes)[31 - i];  // RPC hashes are in display order
    return h;
}

double difficulty(uint32_t bits) {
    int shift = (bits >> 24) & 0xff;
    double diff = double(0x0000ffff) / double(bits & 0x00ffffff);
    while (shift < 29) {
        diff *= 256.0;
        ++shift;
    }
    while (shift > 29) {
        diff /= 256.0;
        --shift;
    }
    return diff;
}

std::string hex32(uint32_t v) {
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", v);
    return buf;
}

json header_json(const HeaderChain& chain, const BlockIndex& index) {
    json j;
    j["hash"] = index.hash.display_hex();
    j["confirmations"] = chain.on_active_chain(index) ? chain.height() - index.height + 1 : -1;
    j["height"] = index.height;
    j["version"] = index.header.nVersion;
    j["versionHex"] = hex32(static_cast<uint32_t>(index.header.nVersion));
    j["merkleroot"] = index.header.hashMerkleRoot.display_hex();
    j["time"] = index.header.nTime;
    j["mediantime"] = index.median_time_past();
    j["nonce"] = index.header.nNonce;
    j["bits"] = hex32(index.header.nBits);
    j["difficulty"] = difficulty(index.header.nBits);
    j["chainwork"] = index.chain_work.hex();
    if (index.prev) j["previousblockhash"] = index.prev->hash.display_hex();
    if (const BlockIndex* next = chain.on_active_chain(index) ? chain.at_height(index.height + 1) : nullptr) {
        j["nextblockhash"] = next->hash.display_hex();
    }
    return j;
}

std::string services_hex(uint64_t services) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(services));
    return buf;
}

}  // namespace

std::vector<RpcMethod> node_rpc_methods(RpcContext& ctx) {
    std::vector<RpcMethod> m;

    m.push_back({"getbestblockhash", "Blockchain", {}, "getbestblockhash\nReturns the hash of the best (tip) header.", [&ctx](const RpcParams&) -> json {
        std::lock_guard lock(ctx.chain.mutex);
        return ctx.chain.chain.tip().hash.display_hex();
    }});
    m.push_back({"getblockchaininfo", "Blockchain", {}, "getblockchaininfo\nReturns the state of the header chain.", [&ctx](const RpcParams&) -> json {
        std::lock_guard lock(ctx.chain.mutex);
        const HeaderChain& c = ctx.chain.chain;
        const BlockIndex& tip = c.tip();
        return {{"chain", ctx.config.params.name}, {"blocks", c.height()}, {"headers", c.height()},
                {"bestblockhash", tip.hash.display_hex()}, {"difficulty", difficulty(tip.header.nBits)},
                {"time", tip.header.nTime}, {"mediantime", tip.median_time_past()}, {"verificationprogress", 1.0},
                {"initialblockdownload", now_seconds() - static_cast<int64_t>(tip.header.nTime) > 24 * 3600},
                {"chainwork", tip.chain_work.hex()}, {"size_on_disk", 0}, {"pruned", false},
                {"warnings", json::array({"This node follows headers only; blocks and transactions are not validated."})}};
    }});
    m.push_back({"getblockcount", "Blockchain", {}, "getblockcount\nReturns the height of the best header chain.", [&ctx](const RpcParams&) -> json {
        std::lock_guard lock(ctx.chain.mutex);
        return ctx.chain.chain.height();
    }});
    m.push_back({"getblockhash", "Blockchain", {"height"}, "getblockhash height\nReturns the hash of the header at this height on the best chain.", [&ctx](const RpcParams& p) -> json {
        const int64_t height = p.get_int(0);
        std::lock_guard lock(ctx.chain.mutex);
        const BlockIndex* index = height < 0 || height > ctx.chain.chain.height() ? nullptr : ctx.chain.chain.at_height(static_cast<int>(height));
        if (!index) throw RpcError(RPC_INVALID_PARAMETER, "Block height out of range");
        return index->hash.display_hex();
    }});
    m.push_back({"getblockheader", "Blockchain", {"blockhash", "verbose"}, "getblockheader \"blockhash\" ( verbose )\nReturns the header: an object, or its hex when verbose is false.", [&ctx](const RpcParams& p) -> json {
        const msgcapture::Uint256 hash = parse_hash(p.get_string(0));
        const bool verbose = p.has(1) ? p.get_bool(1) : true;
        std::lock_guard lock(ctx.chain.mutex);
        const BlockIndex* index = ctx.chain.chain.lookup(hash);
        if (!index) throw RpcError(RPC_INVALID_ADDRESS_OR_KEY, "Block not found");
        if (!verbose) return msgcapture::to_hex(msgcapture::encode_payload(index->header));
        return header_json(ctx.chain.chain, *index);
    }});

    m.push_back({"uptime", "Control", {}, "uptime\nReturns the seconds since the node started.", [&ctx](const RpcParams&) -> json {
        return now_seconds() - ctx.start_time;
    }});
    m.push_back({"help", "Control", {"command"}, "help ( \"command\" )\nLists the commands, or explains one.", [&ctx](const RpcParams& p) -> json {
        return ctx.server ? ctx.server->help(p.has(0) ? p.get_string(0) : "") : "";
    }});
    m.push_back({"stop", "Control", {}, "stop\nRequests a clean shutdown.", [&ctx](const RpcParams&) -> json {
        ctx.shutdown.request();
        return "msgcapture node stopping";
    }});

    m.push_back({"getconnectioncount", "Network", {}, "getconnectioncount\nReturns the number of connections.", [&ctx](const RpcParams&) -> json {
        return ctx.connman.connection_count();
    }});
    m.push_back({"getnetworkinfo", "Network", {}, "getnetworkinfo\nReturns the node's network state.", [&ctx](const RpcParams&) -> json {
        int in = 0, out = 0;
        for (const auto& p : ctx.connman.peers()) (p->inbound() ? in : out)++;
        json local = json::array();
        for (const auto& a : ctx.connman.listening_on()) local.push_back(a);
        return {{"version", 100}, {"subversion", USER_AGENT}, {"protocolversion", PROTOCOL_VERSION},
                {"localservices", services_hex(NODE_NETWORK_LIMITED | NODE_WITNESS)}, {"localrelay", true},
                {"timeoffset", 0}, {"networkactive", true}, {"connections", in + out}, {"connections_in", in},
                {"connections_out", out}, {"relayfee", 0.00001}, {"listening", local}, {"warnings", ""}};
    }});
    m.push_back({"getpeerinfo", "Network", {}, "getpeerinfo\nReturns one object per connected peer.", [&ctx](const RpcParams&) -> json {
        json out = json::array();
        for (const PeerStats& s : ctx.peers.stats()) {
            json j = {{"id", s.id}, {"addr", s.address}, {"addrlocal", s.local_address},
                      {"network", s.address.front() == '[' ? "ipv6" : "ipv4"}, {"services", services_hex(s.services)},
                      {"relaytxes", s.relay}, {"lastsend", s.last_send}, {"lastrecv", s.last_recv},
                      {"bytessent", s.bytes_sent}, {"bytesrecv", s.bytes_received}, {"conntime", s.connected_time},
                      {"timeoffset", 0}, {"version", s.version}, {"subver", s.user_agent}, {"inbound", s.inbound},
                      {"startingheight", s.starting_height}, {"synced_headers", s.synced_headers},
                      {"connection_type", s.connection_type}, {"bytessent_per_msg", s.messages_sent},
                      {"bytesrecv_per_msg", s.messages_received}};
            if (s.ping_time) j["pingtime"] = *s.ping_time;
            if (s.min_ping) j["minping"] = *s.min_ping;
            out.push_back(j);
        }
        return out;
    }});
    m.push_back({"addnode", "Network", {"node", "command"}, "addnode \"node\" \"command\"\nadd: keep a connection to node open; remove: stop that; onetry: connect once.", [&ctx](const RpcParams& p) -> json {
        const std::string target = p.get_string(0), command = p.get_string(1);
        if (command == "onetry") {
            ctx.connman.connect(target, ConnectionType::Manual);
        } else if (command == "add") {
            ctx.peers.post([&ctx, target] { ctx.peers.add_node(target); });
        } else if (command == "remove") {
            ctx.peers.post([&ctx, target] { ctx.peers.remove_node(target); });
        } else {
            throw RpcError(RPC_INVALID_PARAMETER, "command must be one of add, remove, onetry");
        }
        return nullptr;
    }});
    m.push_back({"disconnectnode", "Network", {"address", "nodeid"}, "disconnectnode ( \"address\" nodeid )\nDisconnects the peer with this address or id.", [&ctx](const RpcParams& p) -> json {
        const bool by_address = p.has(0) && !p.get_string(0).empty();
        if (by_address == p.has(1)) throw RpcError(RPC_INVALID_PARAMS, "Only one of address and nodeid should be provided.");
        for (const auto& peer : ctx.connman.peers()) {
            if (by_address ? peer->address == p.get_string(0) : peer->id == p.get_int(1)) {
                ctx.connman.disconnect(peer, "disconnectnode");
                return nullptr;
            }
        }
        throw RpcError(RPC_CLIENT_NODE_NOT_CONNECTED, "Node not found in connected nodes");
    }});
    m.push_back({"ping", "Network", {}, "ping\nSends a ping to every peer; getpeerinfo shows the round trip.", [&ctx](const RpcParams&) -> json {
        ctx.peers.ping_all();
        return nullptr;
    }});

    m.push_back({"getblock", "Blockchain", {"blockhash", "verbosity"}, "getblock \"blockhash\" ( verbosity )\nA block the node holds: hex (verbosity 0) or an object with its header and txids (1, the default).", [&ctx](const RpcParams& p) -> json {
        const msgcapture::Uint256 hash = parse_hash(p.get_string(0));
        const int64_t verbosity = p.has(1) ? p.get_int(1) : 1;
        std::lock_guard lock(ctx.chain.mutex);
        const BlockIndex* index = ctx.chain.chain.lookup(hash);
        if (!index) throw RpcError(RPC_INVALID_ADDRESS_OR_KEY, "Block not found");
        const msgcapture::Bytes* raw = ctx.chain.blocks.find(hash);
        if (!raw) throw RpcError(RPC_MISC_ERROR, "Block not available (this node keeps only recent blocks)");
        if (verbosity == 0) return msgcapture::to_hex(*raw);
        msgcapture::MsgBlock block;
        msgcapture::decode_payload(*raw, block);
        json j = header_json(ctx.chain.chain, *index);
        j["size"] = raw->size();
        j["nTx"] = block.block.vtx.size();
        json txids = json::array();
        for (const auto& tx : block.block.vtx) txids.push_back(txid(tx).display_hex());
        j["tx"] = txids;
        return j;
    }});
    m.push_back({"getrawmempool", "Blockchain", {}, "getrawmempool\nThe txids of the transactions the node holds (not validated).", [&ctx](const RpcParams&) -> json {
        std::lock_guard lock(ctx.chain.mutex);
        json out = json::array();
        for (const PoolTx* p : ctx.chain.pool.all()) out.push_back(p->txid.display_hex());
        return out;
    }});

    if (ctx.config.params.mine_blocks_on_demand) {
        m.push_back({"sendrawtransaction", "Rawtransactions", {"hexstring"}, "sendrawtransaction \"hexstring\"\nAdds a transaction to the node's pool and announces it (regtest; no script or UTXO validation). Returns its txid.", [&ctx](const RpcParams& p) -> json {
            auto bytes = msgcapture::from_hex(p.get_string(0));
            if (!bytes) throw RpcError(RPC_DESERIALIZATION_ERROR, "TX decode failed");
            msgcapture::MsgTx tx;
            try {
                msgcapture::decode_payload(*bytes, tx);
            } catch (const msgcapture::DecodeError& e) {
                throw RpcError(RPC_DESERIALIZATION_ERROR, std::string("TX decode failed: ") + e.what());
            }
            if (tx.tx.vin.empty() || tx.tx.vout.empty()) throw RpcError(RPC_DESERIALIZATION_ERROR, "TX decode failed: no inputs or no outputs");
            {
                std::lock_guard lock(ctx.chain.mutex);
                ctx.chain.pool.add(tx.tx, now_micros());
            }
            ctx.peers.wake();  // the handler announces it
            return txid(tx.tx).display_hex();
        }});
        m.push_back({"generate", "Generating", {"nblocks"}, "generate nblocks\nMines blocks on the best header (regtest), announces them, and returns their hashes.", [&ctx](const RpcParams& p) -> json {
            const int64_t n = p.get_int(0);
            if (n < 0 || n > 10000) throw RpcError(RPC_INVALID_PARAMETER, "nblocks must be between 0 and 10000");
            json hashes = json::array();
            {
                std::lock_guard lock(ctx.chain.mutex);
                // The outputs the node knows: those of the stored blocks on the best chain.
                std::vector<std::pair<int, msgcapture::Block>> known;
                for (const auto& [height, hash] : ctx.chain.blocks.by_height()) {
                    const BlockIndex* index = ctx.chain.chain.lookup(hash);
                    if (!index || !ctx.chain.chain.on_active_chain(*index)) continue;
                    msgcapture::MsgBlock stored;
                    msgcapture::decode_payload(*ctx.chain.blocks.find(hash), stored);
                    known.emplace_back(height, std::move(stored.block));
                }
                for (int64_t i = 0; i < n; ++i) {
                    // Pooled transactions whose inputs the node knows go into the block.
                    const BlockIndex& tip = ctx.chain.chain.tip();
                    std::vector<msgcapture::Transaction> candidates;
                    for (const PoolTx* p : ctx.chain.pool.all()) candidates.push_back(p->tx);
                    int64_t fees = 0;
                    auto txs = select_transactions(candidates, unspent_outputs(known), tip.height + 1, fees);
                    msgcapture::Block block = mine_block(tip, now_seconds(), ctx.config.params, txs, fees);
                    auto result = ctx.chain.chain.accept(block.header, now_seconds());
                    if (result.status != HeaderChain::Status::Accepted) throw RpcError(RPC_MISC_ERROR, "mined block rejected: " + result.reason);
                    ctx.chain.add_block(*result.index, block, msgcapture::encode_payload(block));
                    known.emplace_back(result.index->height, std::move(block));
                    hashes.push_back(result.index->hash.display_hex());
                }
            }
            if (n > 0) log_info("generate: mined " + std::to_string(n) + " blocks, tip " + hashes.back().get<std::string>());
            ctx.peers.announce_tip();
            return hashes;
        }});
    }
    return m;
}

}  // namespace node
