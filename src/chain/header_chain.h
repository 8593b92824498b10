#pragma once
// The header tree and its most-work chain. Not thread-safe: its owner locks.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "chain/arith_uint256.h"
#include "chain/chainparams.h"

namespace node {

struct BlockIndex {
    msgcapture::BlockHeader header;
    msgcapture::Uint256 hash;
    int height = 0;
    ArithUint256 chain_work;
    BlockIndex* prev = nullptr;

    const BlockIndex* ancestor(int at_height) const;
    // Median of the last 11 block times (BIP113), the lower bound for the next block's time.
    int64_t median_time_past() const;
};

struct Uint256Hasher {
    size_t operator()(const msgcapture::Uint256& h) const {
        size_t v;
        std::memcpy(&v, h.bytes.data(), sizeof v);
        return v;
    }
};

class HeaderChain {
public:
    // A header's time may be at most this far ahead of ours (Bitcoin Core's MAX_FUTURE_BLOCK_TIME).
    static constexpr int64_t MAX_FUTURE_BLOCK_TIME = 2 * 60 * 60;
    // BIP94: the first block of a period may be at most this much older than the last.
    static constexpr int64_t MAX_TIMEWARP = 600;

    enum class Status { Accepted, AlreadyKnown, Disconnected, Invalid };
    struct Result {
        Status status;
        std::string reason;  // Bitcoin Core's reject reasons: high-hash, bad-diffbits, time-too-old, ...
        const BlockIndex* index = nullptr;
    };

    explicit HeaderChain(const ChainParams& params);

    Result accept(const msgcapture::BlockHeader& header, int64_t now_seconds);

    const BlockIndex& tip() const { return *active_.back(); }
    int height() const { return tip().height; }
    const BlockIndex* lookup(const msgcapture::Uint256& hash) const;
    // On the most-work chain; nullptr past the tip.
    const BlockIndex* at_height(int height) const;
    bool on_active_chain(const BlockIndex& index) const;

    // Hashes from `from` back to genesis, dense at first then doubling the step.
    std::vector<msgcapture::Uint256> locator(const BlockIndex& from) const;
    std::vector<msgcapture::Uint256> locator() const { return locator(tip()); }
    // The last active-chain block the locator names (genesis when none).
    const BlockIndex& find_fork(const std::vector<msgcapture::Uint256>& locator) const;
    // Up to `max` active-chain headers after the locator's fork point, stopping at `stop`.
    std::vector<msgcapture::BlockHeader> headers_after(const std::vector<msgcapture::Uint256>& locator,
                                                        const msgcapture::Uint256& stop, size_t max) const;

    const ChainParams& params() const { return params_; }
    // Every header no other header builds on: the best tip and the tips of forks (getchaintips).
    std::vector<const BlockIndex*> tips() const;

private:
    void set_tip(BlockIndex* new_tip);

    ChainParams params_;
    std::unordered_map<msgcapture::Uint256, std::unique_ptr<BlockIndex>, Uint256Hasher> index_;
    std::vector<BlockIndex*> active_;  // by height
};

}  // namespace node
