#pragma once
// Output buffers kept from one batch to the next. A fresh buffer costs a page
// fault for every 4 KiB it is written (and a large one is handed back to the
// kernel when freed, then faulted in again), which on a block-heavy capture
// had cost more than formatting; buffers that were already written are
// reused instead, up to a cap on what is kept idle.
#include <algorithm>
#include <cstddef>
#include <vector>

#include "msgcapture/output_buffer.h"

namespace msgcapture {

class OutputPool {
public:
    explicit OutputPool(size_t keep_bytes) : keep_bytes_(keep_bytes) {}

    // The kept buffer that best fits `expected` bytes of output: the
    // smallest that holds them, else the largest. Empty, with its capacity.
    OutputBuffer take(size_t expected) {
        if (spare_.empty()) return OutputBuffer();
        auto best = spare_.begin();
        for (auto it = spare_.begin(); it != spare_.end(); ++it) {
            const bool fits = it->capacity() >= expected, best_fits = best->capacity() >= expected;
            if (fits ? !best_fits || it->capacity() < best->capacity() : !best_fits && it->capacity() > best->capacity()) best = it;
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

private:
    size_t keep_bytes_;
    size_t kept_ = 0;
    std::vector<OutputBuffer> spare_;
};

}  // namespace msgcapture
