#pragma once
// Output buffers kept from one batch to the next. A fresh buffer costs a page
// fault for every 4 KiB it is written (and a large one is handed back to the
// kernel when freed, then faulted in again), which on a block-heavy capture
// had cost more than formatting; buffers that were already written are
// reused instead, up to a cap on what is kept idle.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <vector>

#include "msgcapture/output_buffer.h"

namespace msgcapture {

class OutputPool {
public:
    explicit OutputPool(size_t keep_bytes) : keep_bytes_(keep_bytes) {}

    // The smallest kept buffer that holds `expected` bytes of output, else a
    // new one of the next power of two (so that buffers come in few sizes,
    // and one made for a block fits the next block of about its size), in
    // place of the largest kept: one thread would otherwise keep a ladder of
    // sizes, each faulted in once, where one buffer serves. Empty, with its
    // capacity.
    OutputBuffer take(size_t expected) {
        auto best = spare_.end(), largest = spare_.end();
        for (auto it = spare_.begin(); it != spare_.end(); ++it) {
            if (it->capacity() >= expected && (best == spare_.end() || it->capacity() < best->capacity())) best = it;
            if (largest == spare_.end() || it->capacity() > largest->capacity()) largest = it;
        }
        if (best == spare_.end()) {
            if (largest != spare_.end()) {
                kept_ -= largest->capacity();
                spare_.erase(largest);
            }
            OutputBuffer fresh;
            fresh.tail(std::bit_ceil(std::max(expected, MIN_CAPACITY)));  // reserved, not yet touched
            fresh.clear();
            return fresh;
        }
        OutputBuffer out = std::move(*best);
        spare_.erase(best);
        kept_ -= out.capacity();
        return out;
    }

    // Keeps `buffer` for later; past the cap the smallest kept ones go, and
    // one over half the cap (the JSON of a rare, huge message) is not kept.
    void give(OutputBuffer buffer) {
        if (buffer.capacity() > keep_bytes_ / 2) return;
        buffer.clear();
        kept_ += buffer.capacity();
        spare_.push_back(std::move(buffer));
        while (kept_ > keep_bytes_) {
            auto smallest = std::min_element(spare_.begin(), spare_.end(),
                                             [](const OutputBuffer& a, const OutputBuffer& b) { return a.capacity() < b.capacity(); });
            kept_ -= smallest->capacity();
            spare_.erase(smallest);
        }
    }

    size_t kept_bytes() const { return kept_; }

private:
    static constexpr size_t MIN_CAPACITY = 64 * 1024;
    size_t keep_bytes_;
    size_t kept_ = 0;
    std::vector<OutputBuffer> spare_;
};

}  // namespace msgcapture
