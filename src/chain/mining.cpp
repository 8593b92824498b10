#include "chain/mining.h"

#include <algorithm>

#include "chain/pow.h"
#include "msgcapture/protocol/codec.h"
#include "msgcapture/protocol/hash.h"

namespace node {

int64_t block_subsidy(int height, const ChainParams& params) {
    const int halving_interval = params.name == "regtest" ? 150 : 210000;
    const int halvings = height / halving_interval;
    if (halvings >= 64) return 0;
    return (int64_t{50} * 100'000'000) >> halvings;
}

msgcapture::Bytes script_number(int64_t n) {
    if (n == 0) return {0x00};                                  // OP_0
    if (n >= 1 && n <= 16) return {static_cast<uint8_t>(0x50 + n)};  // OP_1 .. OP_16
    msgcapture::Bytes num;
    const bool negative = n < 0;
    uint64_t abs = negative ? static_cast<uint64_t>(-n) : static_cast<uint64_t>(n);
    while (abs) {
        num.push_back(static_cast<uint8_t>(abs & 0xff));
        abs >>= 8;
    }
    // The top bit is the sign in script numbers: add a byte when it is taken.
    if (num.back() & 0x80) {
        num.push_back(negative ? 0x80 : 0x00);
    } else if (negative) {
        num.back() |= 0x80;
    }
    msgcapture::Bytes out{static_cast<uint8_t>(num.size())};
    out.insert(out.end(), num.begin(), num.end());
    return out;
}

msgcapture::Uint256 txid(const msgcapture::Transaction& tx) {
    msgcapture::Transaction stripped = tx;  // the txid commits to the transaction without witnesses
    stripped.wit.vtxinwit.clear();
    return msgcapture::sha256d(msgcapture::encode_payload(stripped));
}

msgcapture::Uint256 merkle_root(const std::vector<msgcapture::Transaction>& txs) {
    std::vector<msgcapture::Uint256> level;
    for (const auto& tx : txs) level.push_back(txid(tx));
    if (level.empty()) return {};
    while (level.size() > 1) {
        if (level.size() % 2) level.push_back(level.back());
        std::vector<msgcapture::Uint256> next;
        for (size_t i = 0; i < level.size(); i += 2) {
            msgcapture::Bytes pair(level[i].bytes.begin(), level[i].bytes.end());
            pair.insert(pair.end(), level[i + 1].bytes.begin(), level[i + 1].bytes.end());
            next.push_back(msgcapture::sha256d(pair));
        }
        level = std::move(next);
    }
    return level[0];
}

msgcapture::Block mine_block(const BlockIndex& prev, int64_t now_seconds, const ChainParams& params) {
    const int height = prev.height + 1;
    msgcapture::Transaction coinbase;
    coinbase.version = 2;
    msgcapture::TxIn in;
    in.prevout.n = 0xffffffff;
    in.scriptSig = script_number(height);
    in.scriptSig.push_back(0x00);  // keeps the script at least 2 bytes, as consensus requires
    in.nSequence = 0xffffffff;
    coinbase.vin.push_back(in);
    coinbase.vout.push_back({block_subsidy(height, params), msgcapture::Bytes{0x51}});  // OP_TRUE

    msgcapture::Block block;
    block.vtx.push_back(coinbase);
    block.header.nVersion = 0x20000000;
    block.header.hashPrevBlock = prev.hash;
    block.header.hashMerkleRoot = merkle_root(block.vtx);
    block.header.nTime = static_cast<uint32_t>(std::max<int64_t>(now_seconds, prev.median_time_past() + 1));
    block.header.nBits = next_work_required(prev, block.header.nTime, params.consensus);
    while (!check_proof_of_work(block.header.hash(), block.header.nBits, params.consensus)) ++block.header.nNonce;
    return block;
}

}  // namespace node
