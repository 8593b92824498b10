#pragma once
// Capture files in, one JSON array out, streamed: the merge holds one record
// per file and the output is written in chunks as it is made.
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
    JsonExportStats run(const Sink& sink, const Progress& progress = {});

private:
    std::vector<CaptureFile> files_;
    std::vector<RecordReader> readers_;
    WarningHandler warn_;
    uint64_t total_bytes_ = 0;
};

}  // namespace msgcapture
