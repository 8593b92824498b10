#include "chain/mining.h"

#include <algorithm>
#include <set>

#include "chain/block_check.h"
#include "chain/pow.h"
#include "msgcapture/protocol/codec.h"
#include "msgcapture/protocol/hash.h"

namespace node {

int64_t block_subsidy(int height, const ChainParams& params) {
    const int halvings = height / params.consensus.subsidy_halving_interval;
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

void apply_block(CoinMap& coins, const msgcapture::Block& block, int height) {
    for (size_t i = 0; i < block.vtx.size(); ++i) {
        const auto& tx = block.vtx[i];
        if (i > 0) {
            for (const auto& in : tx.vin) coins.erase({in.prevout.hash, in.prevout.n});
        }
        const msgcapture::Uint256 id = txid(tx);
        for (uint32_t n = 0; n < tx.vout.size(); ++n) coins[{id, n}] = Coin{tx.vout[n].nValue, height, i == 0};
    }
}

CoinMap unspent_outputs(const std::vector<std::pair<int, msgcapture::Block>>& blocks) {
    CoinMap coins;
    for (const auto& [height, block] : blocks) apply_block(coins, block, height);
    return coins;
}

std::vector<msgcapture::Transaction> select_transactions(const std::vector<msgcapture::Transaction>& candidates,
                                                         CoinMap coins, int height, int64_t& fees) {
    constexpr int64_t MAX_MONEY = 21'000'000LL * 100'000'000;
    constexpr size_t MAX_BLOCK_BYTES = 3'000'000;  // well inside the 4M weight limit
    std::vector<msgcapture::Transaction> picked;
    size_t bytes = 0;
    for (const auto& tx : candidates) {
        if (tx.vin.empty() || tx.vout.empty()) continue;
        int64_t in = 0, out = 0;
        bool ok = true;
        for (const auto& input : tx.vin) {
            auto it = coins.find({input.prevout.hash, input.prevout.n});
            if (it == coins.end() || (it->second.coinbase && height - it->second.height < COINBASE_MATURITY)) {
                ok = false;
                break;
            }
            in += it->second.value;
        }
        for (const auto& output : tx.vout) {
            if (output.nValue < 0 || output.nValue > MAX_MONEY) ok = false;
            out += output.nValue;
        }
        // Each input once (no double spend inside the transaction either).
        std::set<std::pair<msgcapture::Uint256, uint32_t>> inputs;
        for (const auto& input : tx.vin) ok &= inputs.insert({input.prevout.hash, input.prevout.n}).second;
        const size_t size = msgcapture::encode_payload(tx).size();
        if (!ok || in < out || out > MAX_MONEY || bytes + size > MAX_BLOCK_BYTES) continue;
        for (const auto& input : tx.vin) coins.erase({input.prevout.hash, input.prevout.n});
        const msgcapture::Uint256 id = txid(tx);
        for (uint32_t n = 0; n < tx.vout.size(); ++n) coins[{id, n}] = Coin{tx.vout[n].nValue, height, false};
        fees += in - out;
        bytes += size;
        picked.push_back(tx);
    }
    return picked;
}

msgcapture::Block mine_block(const BlockIndex& prev, int64_t now_seconds, const ChainParams& params,
                             const std::vector<msgcapture::Transaction>& txs, int64_t fees) {
    return try_mine_block(prev, now_seconds, params, txs, fees, msgcapture::Bytes{0x51}, UINT64_MAX).value();  // OP_TRUE
}

std::optional<msgcapture::Block> try_mine_block(const BlockIndex& prev, int64_t now_seconds, const ChainParams& params,
                                                const std::vector<msgcapture::Transaction>& txs, int64_t fees,
                                                const msgcapture::Bytes& payout, uint64_t max_tries) {
    const int height = prev.height + 1;
    msgcapture::Transaction coinbase;
    coinbase.version = 2;
    msgcapture::TxIn in;
    in.prevout.n = 0xffffffff;
    in.scriptSig = script_number(height);
    in.scriptSig.push_back(0x00);  // keeps the script at least 2 bytes, as consensus requires
    in.nSequence = 0xffffffff;
    coinbase.vin.push_back(in);
    coinbase.vout.push_back({block_subsidy(height, params) + fees, payout});

    msgcapture::Block block;
    block.vtx.push_back(coinbase);
    block.vtx.insert(block.vtx.end(), txs.begin(), txs.end());
    // BIP141: when a transaction carries witnesses, the coinbase commits to
    // them all, with a zero nonce as its one witness item. Core's miner adds
    // the commitment to every block; a block without witnesses is valid
    // without it, and only such a block is valid to a node that has not
    // activated segwit (bcoin's regtest, which needs version-bits signals).
    const bool any_witness = std::any_of(txs.begin(), txs.end(), [](const msgcapture::Transaction& tx) { return tx.has_witness(); });
    if (any_witness) {
        block.vtx[0].wit.vtxinwit.resize(1);
        block.vtx[0].wit.vtxinwit[0].scriptWitness.stack = {msgcapture::Bytes(32, 0)};
        block.vtx[0].vout.push_back({0, witness_commitment_script(witness_merkle_root(block), msgcapture::Uint256{})});
    }
    block.header.nVersion = 0x20000000;
    block.header.hashPrevBlock = prev.hash;
    block.header.hashMerkleRoot = block_merkle_root(block);
    block.header.nTime = static_cast<uint32_t>(std::max<int64_t>(now_seconds, prev.median_time_past() + 1));
    block.header.nBits = next_work_required(prev, block.header.nTime, params.consensus);
    for (uint64_t tries = 0; !check_proof_of_work(block.header.hash(), block.header.nBits, params.consensus); ++tries) {
        if (tries + 1 >= max_tries || block.header.nNonce == UINT32_MAX) return std::nullopt;
        ++block.header.nNonce;
    }
    return block;
}

}  // namespace node
