#include "chain/pow.h"

#include <algorithm>

#include "chain/header_chain.h"

namespace node {

bool check_proof_of_work(const msgcapture::Uint256& hash, uint32_t bits, const ConsensusParams& params) {
    bool negative = false, overflow = false;
    const ArithUint256 target = ArithUint256::from_compact(bits, &negative, &overflow);
    if (negative || overflow || target.is_zero() || target > params.pow_limit) return false;
    return ArithUint256::from_hash(hash) <= target;
}

uint32_t retarget(uint32_t base_bits, int64_t timespan, const ConsensusParams& params) {
    timespan = std::clamp(timespan, params.pow_target_timespan / 4, params.pow_target_timespan * 4);
    ArithUint256 target = ArithUint256::from_compact(base_bits);
    target *= static_cast<uint64_t>(timespan);
    target /= ArithUint256(static_cast<uint64_t>(params.pow_target_timespan));
    if (target > params.pow_limit) target = params.pow_limit;
    return target.to_compact();
}

uint32_t next_work_required(const BlockIndex& prev, uint32_t new_block_time, const ConsensusParams& params) {
    const uint32_t limit_bits = params.pow_limit.to_compact();
    const int64_t interval = params.difficulty_adjustment_interval();
    if ((prev.height + 1) % interval != 0) {
        if (params.pow_allow_min_difficulty_blocks) {
            // Testnet: a block more than twice the spacing late may use the minimum difficulty.
            if (static_cast<int64_t>(new_block_time) > static_cast<int64_t>(prev.header.nTime) + params.pow_target_spacing * 2) {
                return limit_bits;
            }
            // Otherwise the last block that did not use that exception sets it.
            const BlockIndex* walk = &prev;
            while (walk->prev && walk->height % interval != 0 && walk->header.nBits == limit_bits) walk = walk->prev;
            return walk->header.nBits;
        }
        return prev.header.nBits;
    }
    if (params.pow_no_retargeting) return prev.header.nBits;
    const BlockIndex* first = prev.ancestor(static_cast<int>(prev.height - (interval - 1)));
    const int64_t timespan = static_cast<int64_t>(prev.header.nTime) - first->header.nTime;
    // BIP94: retarget from the period's first block, whose difficulty the
    // min-difficulty exception can never lower.
    return retarget(params.enforce_bip94 ? first->header.nBits : prev.header.nBits, timespan, params);
}

ArithUint256 block_proof(uint32_t bits) {
    bool negative = false, overflow = false;
    ArithUint256 target = ArithUint256::from_compact(bits, &negative, &overflow);
    if (negative || overflow || target.is_zero()) return ArithUint256();
    // 2^256 / (target + 1), computed as ~target / (target + 1) + 1 to stay in 256 bits.
    return (~target / (target + ArithUint256(1))) + ArithUint256(1);
}

}  // namespace node
