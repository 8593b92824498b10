#include "rpc/rpc_util.h"

#include <cstdio>

#include "chain/arith_uint256.h"
#include "msgcapture/protocol/bytes.h"
#include "msgcapture/protocol/codec.h"
#include "msgcapture/protocol/messages.h"

namespace node {

using nlohmann::json;

msgcapture::Uint256 parse_hash(const std::string& hex, const std::string& name) {
    auto bytes = msgcapture::from_hex(hex);
    if (hex.size() != 64) {
        throw RpcError(RPC_INVALID_PARAMETER, name + " must be of length 64 (not " + std::to_string(hex.size()) + ", for '" + hex + "')");
    }
    if (!bytes) throw RpcError(RPC_INVALID_PARAMETER, name + " must be hexadecimal string (not '" + hex + "')");
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
    j["target"] = ArithUint256::from_compact(index.header.nBits).hex();
    j["difficulty"] = difficulty(index.header.nBits);
    j["chainwork"] = index.chain_work.hex();
    j["nTx"] = 0;  // filled in by getblock; Core leaves it 0 for a header without its block
    if (index.prev) j["previousblockhash"] = index.prev->hash.display_hex();
    if (const BlockIndex* next = chain.on_active_chain(index) ? chain.at_height(index.height + 1) : nullptr) {
        j["nextblockhash"] = next->hash.display_hex();
    }
    return j;
}

msgcapture::Transaction parse_raw_transaction(const std::string& hex) {
    auto bytes = msgcapture::from_hex(hex);
    if (!bytes) throw RpcError(RPC_DESERIALIZATION_ERROR, "TX decode failed: not hex");
    msgcapture::MsgTx tx;
    try {
        msgcapture::decode_payload(*bytes, tx);
    } catch (const msgcapture::DecodeError& e) {
        throw RpcError(RPC_DESERIALIZATION_ERROR, std::string("TX decode failed: ") + e.what());
    }
    if (tx.tx.vin.empty() || tx.tx.vout.empty()) throw RpcError(RPC_DESERIALIZATION_ERROR, "TX decode failed: no inputs or no outputs");
    return std::move(tx.tx);
}

std::string services_hex(uint64_t services) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(services));
    return buf;
}

json services_names(uint64_t services) {
    static const std::pair<uint64_t, const char*> NAMES[] = {{1 << 0, "NETWORK"}, {1 << 2, "BLOOM"}, {1 << 3, "WITNESS"},
                                                             {1 << 6, "COMPACT_FILTERS"}, {1 << 10, "NETWORK_LIMITED"},
                                                             {1 << 11, "P2P_V2"}};
    json out = json::array();
    for (int bit = 0; bit < 64; ++bit) {
        const uint64_t flag = uint64_t{1} << bit;
        if (!(services & flag)) continue;
        const char* name = nullptr;
        for (const auto& [value, text] : NAMES) {
            if (value == flag) name = text;
        }
        out.push_back(name ? std::string(name) : "UNKNOWN[2^" + std::to_string(bit) + "]");
    }
    return out;
}

}  // namespace node
