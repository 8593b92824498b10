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
#include <list>
#include <queue>
#include <vector>

#include "msgcapture/format/record_reader.h"

namespace msgcapture {

struct MergeLimits {
    size_t max_open_files = 256;
    size_t max_decoder_bytes = 128u << 20;
};

class RecordMerger {
public:
    // `warn` is told once per file whose time goes backwards.
    explicit RecordMerger(std::vector<RecordReader> readers, WarningHandler warn = {}, MergeLimits limits = {});

    // The next record in merged order and the index of the file it came from;
    // false when every file is done. The record stays valid until the next call.
    bool next(const Record*& record, size_t& source);

    const std::vector<RecordReader>& readers() const { return readers_; }

private:
    struct Head {
        int64_t time;
        size_t source;
        bool operator>(const Head& o) const { return time != o.time ? time > o.time : source > o.source; }
    };

    void advance(size_t source);
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
    std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heap_;
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
