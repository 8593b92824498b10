#include "chain/header_chain.h"

#include <unordered_set>

#include <algorithm>

#include "chain/pow.h"

namespace node {

const BlockIndex* BlockIndex::ancestor(int at_height) const {
    if (at_height > height || at_height < 0) return nullptr;
    const BlockIndex* walk = this;
    while (walk->height > at_height) walk = walk->prev;
    return walk;
}

int64_t BlockIndex::median_time_past() const {
    std::vector<int64_t> times;
    for (const BlockIndex* walk = this; walk && times.size() < 11; walk = walk->prev) times.push_back(walk->header.nTime);
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

HeaderChain::HeaderChain(const ChainParams& params) : params_(params) {
    auto genesis = std::make_unique<BlockIndex>();
    genesis->header = params.genesis;
    genesis->hash = params.genesis.hash();
    genesis->chain_work = block_proof(params.genesis.nBits);
    active_.push_back(genesis.get());
    index_.emplace(genesis->hash, std::move(genesis));
}

const BlockIndex* HeaderChain::lookup(const msgcapture::Uint256& hash) const {
    auto it = index_.find(hash);
    return it == index_.end() ? nullptr : it->second.get();
}

const BlockIndex* HeaderChain::at_height(int height) const {
    if (height < 0 || height >= static_cast<int>(active_.size())) return nullptr;
    return active_[static_cast<size_t>(height)];
}

bool HeaderChain::on_active_chain(const BlockIndex& index) const { return at_height(index.height) == &index; }

HeaderChain::Result HeaderChain::accept(const msgcapture::BlockHeader& header, int64_t now_seconds) {
    const msgcapture::Uint256 hash = header.hash();
    if (const BlockIndex* known = lookup(hash)) return {Status::AlreadyKnown, "", known};
    auto prev_it = index_.find(header.hashPrevBlock);
    if (prev_it == index_.end()) return {Status::Disconnected, "prev-blk-not-found"};
    BlockIndex* prev = prev_it->second.get();
    const ConsensusParams& consensus = params_.consensus;

    if (!check_proof_of_work(hash, header.nBits, consensus)) return {Status::Invalid, "high-hash"};
    if (header.nBits != next_work_required(*prev, header.nTime, consensus)) return {Status::Invalid, "bad-diffbits"};
    if (static_cast<int64_t>(header.nTime) <= prev->median_time_past()) return {Status::Invalid, "time-too-old"};
    if (static_cast<int64_t>(header.nTime) > now_seconds + MAX_FUTURE_BLOCK_TIME) return {Status::Invalid, "time-too-new"};
    const int height = prev->height + 1;
    if (consensus.enforce_bip94 && height % consensus.difficulty_adjustment_interval() == 0 &&
        static_cast<int64_t>(header.nTime) < static_cast<int64_t>(prev->header.nTime) - MAX_TIMEWARP) {
        return {Status::Invalid, "time-timewarp-attack"};
    }

    auto entry = std::make_unique<BlockIndex>();
    entry->header = header;
    entry->hash = hash;
    entry->height = height;
    entry->prev = prev;
    entry->chain_work = prev->chain_work + block_proof(header.nBits);
    BlockIndex* added = entry.get();
    index_.emplace(hash, std::move(entry));
    // Most work wins; on a tie the chain seen first stays.
    if (added->chain_work > tip().chain_work) set_tip(added);
    return {Status::Accepted, "", added};
}

void HeaderChain::set_tip(BlockIndex* new_tip) {
    active_.resize(static_cast<size_t>(new_tip->height) + 1);
    // Walk back until the new branch meets the old active chain (a reorg when not at the old tip).
    for (BlockIndex* walk = new_tip; walk && active_[static_cast<size_t>(walk->height)] != walk; walk = walk->prev) {
        active_[static_cast<size_t>(walk->height)] = walk;
    }
}

std::vector<msgcapture::Uint256> HeaderChain::locator(const BlockIndex& from) const {
    std::vector<msgcapture::Uint256> hashes;
    int step = 1;
    for (const BlockIndex* walk = &from; walk;) {
        hashes.push_back(walk->hash);
        if (walk->height == 0) break;
        const int next = std::max(walk->height - step, 0);
        walk = on_active_chain(*walk) ? at_height(next) : walk->ancestor(next);
        if (hashes.size() > 10) step *= 2;
    }
    return hashes;
}

const BlockIndex& HeaderChain::find_fork(const std::vector<msgcapture::Uint256>& locator) const {
    for (const auto& hash : locator) {
        const BlockIndex* index = lookup(hash);
        if (!index) continue;
        if (on_active_chain(*index)) return *index;
        // A block on a side branch: the fork is where that branch left the active chain.
        const BlockIndex* walk = index;
        while (walk && !on_active_chain(*walk)) walk = walk->prev;
        if (walk) return *walk;
    }
    return *active_.front();
}

std::vector<msgcapture::BlockHeader> HeaderChain::headers_after(const std::vector<msgcapture::Uint256>& locator,
                                                                const msgcapture::Uint256& stop, size_t max) const {
    std::vector<msgcapture::BlockHeader> out;
    const BlockIndex& fork = find_fork(locator);
    for (int h = fork.height + 1; out.size() < max; ++h) {
        const BlockIndex* index = at_height(h);
        if (!index) break;
        out.push_back(index->header);
        if (index->hash == stop) break;
    }
    return out;
}

std::vector<const BlockIndex*> HeaderChain::tips() const {
    std::unordered_set<const BlockIndex*> parents;
    for (const auto& [hash, index] : index_) {
        if (index->prev) parents.insert(index->prev);
    }
    std::vector<const BlockIndex*> out;
    for (const auto& [hash, index] : index_) {
        if (!parents.count(index.get())) out.push_back(index.get());
    }
    return out;
}

}  // namespace node
