#pragma once
// The most recent full blocks, kept so that peers can fetch them with getdata.
// Bounded in count and bytes; the lowest blocks go first. On regtest the
// count is unbounded, so that the node holds its whole (small) chain and can
// serve it as a full node. Not thread-safe.
#include <cstdint>
#include <map>
#include <optional>

#include "msgcapture/protocol/primitives.h"

namespace node {

class BlockStore {
public:
    static constexpr size_t LIMITED_BLOCKS = 288;  // what NODE_NETWORK_LIMITED promises (BIP159)
    static constexpr size_t MAX_BYTES = 256 * 1024 * 1024;

    explicit BlockStore(size_t max_blocks = LIMITED_BLOCKS) : max_blocks_(max_blocks) {}

    void add(const msgcapture::Uint256& hash, int height, msgcapture::Bytes serialized);
    const msgcapture::Bytes* find(const msgcapture::Uint256& hash) const;
    bool contains(const msgcapture::Uint256& hash) const { return blocks_.count(hash) != 0; }
    size_t size() const { return blocks_.size(); }
    size_t bytes() const { return bytes_; }

    // Every stored block by height (for rebuilding what outputs exist).
    std::multimap<int, msgcapture::Uint256> by_height() const { return by_height_; }

private:
    struct Entry {
        int height;
        msgcapture::Bytes serialized;
    };
    std::map<msgcapture::Uint256, Entry> blocks_;
    std::multimap<int, msgcapture::Uint256> by_height_;
    size_t bytes_ = 0;
    size_t max_blocks_;
};

}  // namespace node
