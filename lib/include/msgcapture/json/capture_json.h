#pragma once
// Capture files in, one JSON array out, streamed: the merge holds one record
// per file, and records go on in batches to be formatted (in parallel when
// there are cores to spare) and written in order, so memory stays a few MB.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "msgcapture/format/capture_files.h"
#include "msgcapture/format/record_reader.h"

namespace msgcapture {

struct JsonExportStats {
    uint64_t entries = 0;
    uint64_t entries_with_error = 0;
};

class CaptureJsonExporter {
public:
    using Sink = std::function<void(std::string_view)>;
    using Progress = std::function<void(uint64_t bytes_done, uint64_t bytes_total)>;

    // Opens every file now, so that an unreadable input fails before any
    // output is written. Throws ReadError.
    CaptureJsonExporter(const std::vector<CaptureFile>& files, WarningHandler warn);

    // Writes the whole JSON array to `sink`. Throws ReadError when a file fails
    // part way; what was written by then is still a closed, valid array.
    // Entries are decoded and formatted on `threads` threads (0: one per core;
    // 1: only the caller's); the output is the same for any number.
    JsonExportStats run(const Sink& sink, const Progress& progress = {}, unsigned threads = 0);

private:
    std::vector<CaptureFile> files_;
    std::vector<RecordReader> readers_;
    WarningHandler warn_;
    uint64_t total_bytes_ = 0;
};

}  // namespace msgcapture
