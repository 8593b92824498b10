#pragma once
// The stable, streaming k-way merge of CAPTURE-SPEC §3: each file keeps its own
// order; the next entry is the earliest next record of any file; ties go to the
// file given first.
//
// Memory and descriptors stay bounded whatever the number of files: files are
// ordered by their next record's header alone, only the record handed out has
// its payload read, large buffers are shared, and past `max_open_files` open
// files (or `max_decoder_bytes` of open files' buffers and zstd decoders) the least recently used
// file is parked (closed, to be reopened where it stopped).
#include <cstdint>
#include <functional>
#include <limits>
#include <list>
#include <set>
#include <optional>
#include <queue>
#include <vector>

#include "msgcapture/export.h"
#include "msgcapture/format/record_reader.h"

namespace msgcapture {

struct MSGCAPTURE_EXPORT MergeLimits {
    size_t max_open_files = 256;
    size_t max_decoder_bytes = 128u << 20;
};

class MSGCAPTURE_EXPORT RecordMerger {
public:
    // `warn` is told once per file whose time goes backwards.
    explicit RecordMerger(std::vector<RecordReader> readers, WarningHandler warn = {}, MergeLimits limits = {});
    // The heap's order refers back to the merger.
    RecordMerger(const RecordMerger&) = delete;
    RecordMerger& operator=(const RecordMerger&) = delete;

    // A record in merged order and the index of the file it came from.
    struct Merged {
        const Record& record;  // valid until the next call
        size_t source;
    };

    // The next record; nullopt when every file is done.
    std::optional<Merged> next() {
        return next([](const RecordHeader&, size_t) { return true; });
    }

    // The next record that `wanted(header, source)` accepts. The others are
    // passed over by their headers: their payloads are never handed out.
    template <class Wanted>
    std::optional<Merged> next(Wanted&& wanted) {
        return find(wanted, true);
    }

    // The same, with the header alone (an empty payload, status Complete): for
    // a caller that only counts, so that no payload is read out.
    template <class Wanted>
    std::optional<Merged> next_header(Wanted&& wanted) {
        return find(wanted, false);
    }

    const std::vector<RecordReader>& readers() const { return readers_; }

    // Following captures as they are written. Files may be added at any time,
    // and a file whose reader is growing waits at its end instead of ending.
    // Records are then released in time order only up to a watermark, so that
    // a record that arrives later never belongs before one already released.
    // The caller gives two times: `on_disk_us`, up to which every record is on
    // disk (the current time minus a grace period above the writer's flush
    // interval), and `files_known_us`, up to which every file that holds a
    // record has been added (the current time minus how long a new file can
    // go unnoticed). A record is released once its time is at or before
    // `on_disk_us`, or at or before `files_known_us` and before the last
    // time every waiting file has reached. Once a horizon is set, a file that
    // cannot be read any more is dropped with a warning instead of ending
    // the merge.
    void set_horizon(int64_t on_disk_us, int64_t files_known_us = std::numeric_limits<int64_t>::max());
    // A new file; returns its index (readers and sources go on from the last).
    // Records of equal time go to the file given first, or, between files
    // both given a `tie_key`, to the smaller key (a follower gives paths, so
    // that ties do not depend on which file was noticed first). While the
    // file holds no record, it holds back no record before `no_record_before`
    // (a session's start time: its files hold nothing earlier).
    size_t add(RecordReader reader, std::string tie_key = {}, int64_t no_record_before = std::numeric_limits<int64_t>::min());
    // Waiting files look again for new records (a parked one only if its
    // file grew).
    void retry();
    // The file will not grow: it is read to its end, where a torn record is
    // reported, and it then ends.
    void finalize(size_t source);
    // Every file has ended and none waits.
    bool finished() const { return heap_.empty() && waiting_times_.empty() && pending_advance_ == NONE; }
    // Records at or before this time have been released, or are on their way.
    int64_t watermark() const;
    // Files waiting at their end.
    size_t waiting() const { return waiting_times_.size(); }

private:
    struct Head {
        int64_t time;
        size_t source;
    };
    // The heap's order: the earliest first, ties as add() says.
    struct Later {
        const RecordMerger* merger;
        bool operator()(const Head& a, const Head& b) const {
            if (a.time != b.time) return a.time > b.time;
            const auto& keys = merger->tie_keys_;
            if (!keys[a.source].empty() && !keys[b.source].empty() && keys[a.source] != keys[b.source]) return keys[a.source] > keys[b.source];
            return a.source > b.source;
        }
    };

    template <class Wanted>
    std::optional<Merged> find(Wanted& wanted, bool with_payload) {
        release_held();
        while (!heap_.empty() && releasable(heap_.top().time)) {
            const size_t source = heap_.top().source;
            heap_.pop();
            if (wanted(current_[source].header, source)) {
                if (const Record* held = hold(source, with_payload)) return Merged{*held, source};
                continue;  // its file could not be read and was dropped
            }
            advance(source);
        }
        return std::nullopt;
    }
    bool releasable(int64_t time) const {
        if (!live_ || time <= horizon_) return true;
        return time <= files_known_ && (waiting_times_.empty() || time < *waiting_times_.begin());
    }
    void release_held();                                  // moves past the record the caller held
    const Record* hold(size_t source, bool with_payload);  // the record to hand out
    void advance(size_t source);  // reads the file's next header: into the heap, waiting, or done
    void stop_waiting(size_t source);
    // A read error in a live merge drops the file; otherwise it is thrown.
    bool dropped_after(const ReadError& error, size_t source);
    // `source` is about to be read: the most recently used.
    void touch(size_t source);
    // `source` was read: its memory is counted again, and the least recently
    // used other files are parked while the limits are exceeded.
    void account(size_t source);
    void done(size_t source);    // the file has no more records: its resources go
    void forget(size_t source);  // off the list of open files (it is parked or done)

    std::vector<RecordReader> readers_;
    std::vector<Record> current_;
    std::vector<bool> warned_backwards_;
    std::vector<int64_t> last_time_;  // of each file's last record given
    // The last times of the waiting files, and where each file's is.
    std::multiset<int64_t> waiting_times_;
    std::vector<std::optional<std::multiset<int64_t>::iterator>> waiting_at_;
    bool live_ = false;
    int64_t horizon_ = std::numeric_limits<int64_t>::min();
    int64_t files_known_ = std::numeric_limits<int64_t>::min();
    std::vector<std::string> tie_keys_;
    std::priority_queue<Head, std::vector<Head>, Later> heap_{Later{this}};
    WarningHandler warn_;
    MergeLimits limits_;
    BufferPool pool_;
    // Open (unparked) files, most recently used first, with the memory each held when last used.
    std::list<size_t> open_;
    std::vector<std::list<size_t>::iterator> open_at_;
    std::vector<size_t> memory_;
    size_t open_memory_ = 0;
    static constexpr size_t NONE = static_cast<size_t>(-1);
    size_t pending_advance_ = NONE;  // the file whose record the caller holds
};

}  // namespace msgcapture
