#pragma once
// The stable, streaming k-way merge of CAPTURE-SPEC §3: each file keeps its own
// order; the next entry is the earliest next record of any file; ties go to the
// file given first. Memory holds one record per file, whatever the capture size.
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "msgcapture/format/record_reader.h"

namespace msgcapture {

class RecordMerger {
public:
    // `warn` is told once per file whose time goes backwards.
    explicit RecordMerger(std::vector<RecordReader> readers, WarningHandler warn = {});

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

    std::vector<RecordReader> readers_;
    std::vector<Record> current_;
    std::vector<bool> warned_backwards_;
    std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heap_;
    WarningHandler warn_;
    static constexpr size_t NONE = static_cast<size_t>(-1);
    size_t pending_advance_ = NONE;  // the file whose record the caller holds
};

}  // namespace msgcapture
