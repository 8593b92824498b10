#include "msgcapture/format/merge.h"

#include <algorithm>

namespace msgcapture {

RecordMerger::RecordMerger(std::vector<RecordReader> readers, WarningHandler warn, MergeLimits limits)
    : readers_(std::move(readers)),
      current_(readers_.size()),
      warned_backwards_(readers_.size(), false),
      last_time_(readers_.size(), std::numeric_limits<int64_t>::min()),
      waiting_at_(readers_.size()),
      tie_keys_(readers_.size()),
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
    for (size_t i = 0; i < readers_.size(); ++i) advance(i);
}

size_t RecordMerger::add(RecordReader reader, std::string tie_key, int64_t no_record_before) {
    const size_t source = readers_.size();
    tie_keys_.push_back(std::move(tie_key));
    readers_.push_back(std::move(reader));
    readers_.back().share_buffers(&pool_);
    current_.emplace_back();
    warned_backwards_.push_back(false);
    last_time_.push_back(no_record_before);
    waiting_at_.emplace_back();
    open_at_.push_back(open_.end());
    memory_.push_back(0);
    advance(source);
    return source;
}

void RecordMerger::set_horizon(int64_t on_disk_us, int64_t files_known_us) {
    live_ = true;
    horizon_ = std::max(horizon_, on_disk_us);
    files_known_ = std::max(files_known_, files_known_us);
}

int64_t RecordMerger::watermark() const {
    if (!live_) return std::numeric_limits<int64_t>::max();
    int64_t shortcut = files_known_;
    if (!waiting_times_.empty()) {
        const int64_t reached = *waiting_times_.begin();  // the minimum: a file with no record yet
        shortcut = reached == std::numeric_limits<int64_t>::min() ? reached : std::min(shortcut, reached - 1);
    }
    return std::max(horizon_, shortcut);
}

void RecordMerger::retry() {
    std::vector<size_t> sources;
    for (size_t i = 0; i < waiting_at_.size(); ++i) {
        if (waiting_at_[i] && readers_[i].file_grew()) sources.push_back(i);
    }
    for (size_t source : sources) advance(source);
}

void RecordMerger::finalize(size_t source) {
    if (source >= readers_.size() || !readers_[source].growing()) return;
    readers_[source].set_growing(false);
    if (waiting_at_[source]) advance(source);  // else it ends when its turn comes
}

void RecordMerger::stop_waiting(size_t source) {
    if (!waiting_at_[source]) return;
    waiting_times_.erase(*waiting_at_[source]);
    waiting_at_[source].reset();
}

bool RecordMerger::dropped_after(const ReadError& error, size_t source) {
    if (!live_) return false;
    if (warn_) warn_(std::string(error.what()) + "; the file is no longer followed");
    stop_waiting(source);
    done(source);
    return true;
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
    const int64_t previous = last_time_[source];
    touch(source);
    bool more = false;
    try {
        more = readers_[source].next_header(current_[source]);
    } catch (const ReadError& e) {
        if (dropped_after(e, source)) return;
        throw;
    }
    account(source);
    if (!more) {
        if (readers_[source].finished()) {
            stop_waiting(source);
            return done(source);
        }
        // At the end of a growing file: it holds back records after its last time.
        if (!waiting_at_[source]) waiting_at_[source] = waiting_times_.insert(previous);
        return;
    }
    stop_waiting(source);
    const int64_t time = current_[source].header.time_us;
    last_time_[source] = time;
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

const Record* RecordMerger::hold(size_t source, bool with_payload) {
    if (with_payload) {
        touch(source);
        try {
            readers_[source].load_payload(current_[source]);
        } catch (const ReadError& e) {
            if (dropped_after(e, source)) return nullptr;
            throw;
        }
        account(source);
    }
    pending_advance_ = source;
    return &current_[source];
}

}  // namespace msgcapture
