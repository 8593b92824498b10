#pragma once
// Regtest block creation for the generating RPCs: a coinbase with the BIP34
// height paying the subsidy to a script, on top of the best header.
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "chain/header_chain.h"
#include "msgcapture/protocol/primitives.h"

namespace node {

// The coinbase subsidy at a height (halving every 150 blocks on regtest, 210,000 elsewhere).
int64_t block_subsidy(int height, const ChainParams& params);

// `CScript() << n`: OP_0, OP_1..OP_16, or a minimal push of the number (BIP34).
msgcapture::Bytes script_number(int64_t n);

// An output a block created, as far as the node knows the block.
struct Coin {
    int64_t value = 0;
    int height = 0;
    bool coinbase = false;
};
using CoinMap = std::map<std::pair<msgcapture::Uint256, uint32_t>, Coin>;

// Spending a coinbase output needs this many confirmations (consensus).
inline constexpr int COINBASE_MATURITY = 100;

// Spends what `block` spends and adds what it creates.
void apply_block(CoinMap& coins, const msgcapture::Block& block, int height);

// The outputs `blocks` (in chain order, with their heights) create and do not spend.
CoinMap unspent_outputs(const std::vector<std::pair<int, msgcapture::Block>>& blocks);

// From `candidates`, in order, those whose inputs are all in `coins` (or made
// by an earlier pick), unspent, mature at `height` and worth at least the
// outputs. Returns the picks and adds their fees to `fees`.
std::vector<msgcapture::Transaction> select_transactions(const std::vector<msgcapture::Transaction>& candidates,
                                                         CoinMap coins, int height, int64_t& fees);

// A block on `prev` with `txs` after the coinbase, which pays the subsidy
// plus `fees` to `payout` (OP_TRUE by default) and, when any of `txs` has
// witnesses, commits to them (BIP141); its proof of work is found by trying nonces, at most `max_tries`
// of them (nullopt when none fits).
std::optional<msgcapture::Block> try_mine_block(const BlockIndex& prev, int64_t now_seconds, const ChainParams& params,
                                                const std::vector<msgcapture::Transaction>& txs, int64_t fees,
                                                const msgcapture::Bytes& payout, uint64_t max_tries);
msgcapture::Block mine_block(const BlockIndex& prev, int64_t now_seconds, const ChainParams& params,
                             const std::vector<msgcapture::Transaction>& txs = {}, int64_t fees = 0);

}  // namespace node
