#include "node/block_store.h"

namespace node {

void BlockStore::add(const msgcapture::Uint256& hash, int height, msgcapture::Bytes serialized) {
    if (blocks_.count(hash)) return;
    bytes_ += serialized.size();
    blocks_.emplace(hash, Entry{height, std::move(serialized)});
    by_height_.emplace(height, hash);
    while (blocks_.size() > max_blocks_ || (bytes_ > MAX_BYTES && blocks_.size() > 1)) {
        auto lowest = by_height_.begin();
        auto it = blocks_.find(lowest->second);
        bytes_ -= it->second.serialized.size();
        blocks_.erase(it);
        by_height_.erase(lowest);
    }
}

const msgcapture::Bytes* BlockStore::find(const msgcapture::Uint256& hash) const {
    auto it = blocks_.find(hash);
    return it == blocks_.end() ? nullptr : &it->second.serialized;
}

}  // namespace node
