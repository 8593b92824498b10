#pragma once
// Regtest block creation for the `generate` RPC: a coinbase with the BIP34
// height paying the subsidy to OP_TRUE, on top of the best header.
#include <cstdint>

#include "chain/header_chain.h"
#include "msgcapture/protocol/primitives.h"

namespace node {

// The coinbase subsidy at a height (halving every 150 blocks on regtest, 210,000 elsewhere).
int64_t block_subsidy(int height, const ChainParams& params);

// `CScript() << n`: OP_0, OP_1..OP_16, or a minimal push of the number (BIP34).
msgcapture::Bytes script_number(int64_t n);

// A block on `prev` whose proof of work is found by trying nonces.
msgcapture::Block mine_block(const BlockIndex& prev, int64_t now_seconds, const ChainParams& params);

msgcapture::Uint256 merkle_root(const std::vector<msgcapture::Transaction>& txs);
msgcapture::Uint256 txid(const msgcapture::Transaction& tx);

}  // namespace node
