#include "msgcapture/format/merge.h"

namespace msgcapture {

RecordMerger::RecordMerger(std::vector<RecordReader> readers, WarningHandler warn, MergeLimits limits)
    : readers_(std::move(readers)),
      current_(readers_.size()),
      warned_backwards_(readers_.size(), false),
      warn_(std::move(warn)),
      limits_(limits),
      open_at_(readers_.size(), open_.end()),
      memory_(readers_.size(), 0) {
    for (auto& r : readers_) r.share_buffers(&pool_);
    // Readers may come open: the limits hold from the start.
    for (size_t i = 0; i < readers_.size(); ++i) {
        if (readers_[i].parked()) continue;
        touch(i);
        account(i);
    }
    for (size_t i = 0; i < readers_.size(); ++i) {
        touch(i);
        const bool more = readers_[i].next_header(current_[i]);
        account(i);
        if (more) {
            heap_.push({current_[i].header.time_us, i});
        } else {
            done(i);
        }
    }
}

void RecordMerger::touch(size_t source) {
    if (open_at_[source] != open_.end()) open_.erase(open_at_[source]);
    open_.push_front(source);
    open_at_[source] = open_.begin();
}

void RecordMerger::account(size_t source) {
    // Measured after reading: a zstd decoder takes its window on its first frame.
    open_memory_ -= memory_[source];
    memory_[source] = readers_[source].memory_usage();
    open_memory_ += memory_[source];
    while (open_.size() > 1 && (open_.size() > limits_.max_open_files || open_memory_ > limits_.max_decoder_bytes)) {
        const size_t oldest = open_.back();
        if (oldest == source) break;
        forget(oldest);
        readers_[oldest].park();
    }
}

void RecordMerger::forget(size_t source) {
    if (open_at_[source] == open_.end()) return;
    open_.erase(open_at_[source]);
    open_at_[source] = open_.end();
    open_memory_ -= memory_[source];
    memory_[source] = 0;
}

void RecordMerger::done(size_t source) {
    readers_[source].release();
    forget(source);
}

void RecordMerger::advance(size_t source) {
    const int64_t previous = current_[source].header.time_us;
    touch(source);
    const bool more = readers_[source].next_header(current_[source]);
    account(source);
    if (!more) return done(source);
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

void RecordMerger::release_held() {
    if (pending_advance_ == NONE) return;
    advance(pending_advance_);
    pending_advance_ = NONE;
}

const Record& RecordMerger::hold(size_t source, bool with_payload) {
    if (with_payload) {
        touch(source);
        readers_[source].load_payload(current_[source]);
        account(source);
    }
    pending_advance_ = source;
    return current_[source];
}

}  // namespace msgcapture
