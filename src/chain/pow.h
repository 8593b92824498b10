#pragma once
// Proof-of-work rules for headers: the hash meets its target, and the target
// is the one the difficulty rules require (Bitcoin Core's pow.cpp).
#include <cstdint>

#include "chain/arith_uint256.h"
#include "chain/chainparams.h"

namespace node {

struct BlockIndex;

// The hash is at or below the target nBits encodes, and that target is valid
// and within the chain's limit.
bool check_proof_of_work(const msgcapture::Uint256& hash, uint32_t bits, const ConsensusParams& params);

// The nBits a block following `prev` must carry, given that block's time.
uint32_t next_work_required(const BlockIndex& prev, uint32_t new_block_time, const ConsensusParams& params);

// The nBits after a retarget period that took `timespan` seconds (clamped to a
// quarter and four times the target timespan), scaling the target of `base_bits`.
uint32_t retarget(uint32_t base_bits, int64_t timespan, const ConsensusParams& params);

// Expected number of hashes to find a block at this target: the work it adds.
ArithUint256 block_proof(uint32_t bits);

}  // namespace node
