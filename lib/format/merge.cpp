#include "msgcapture/format/merge.h"

namespace msgcapture {

RecordMerger::RecordMerger(std::vector<RecordReader> readers, WarningHandler warn)
    : readers_(std::move(readers)),
      current_(readers_.size()),
      warned_backwards_(readers_.size(), false),
      warn_(std::move(warn)) {
    for (size_t i = 0; i < readers_.size(); ++i) {
        if (readers_[i].next(current_[i])) heap_.push({current_[i].header.time_us, i});
    }
}

void RecordMerger::advance(size_t source) {
    const int64_t previous = current_[source].header.time_us;
    if (!readers_[source].next(current_[source])) return;
    const int64_t time = current_[source].header.time_us;
    // A clock step: the file keeps its own (processing) order, so its next
    // record simply competes with a smaller time.
    if (time < previous && !warned_backwards_[source]) {
        warned_backwards_[source] = true;
        if (warn_) {
            warn_(readers_[source].name() + ": time goes backwards at offset " +
                  std::to_string(current_[source].offset) + "; the file's own order is kept");
        }
    }
    heap_.push({time, source});
}

bool RecordMerger::next(const Record*& record, size_t& source) {
    if (pending_advance_ != NONE) {
        advance(pending_advance_);
        pending_advance_ = NONE;
    }
    if (heap_.empty()) return false;
    source = heap_.top().source;
    heap_.pop();
    record = &current_[source];
    pending_advance_ = source;
    return true;
}

}  // namespace msgcapture
