#pragma once
// Capture files in, one output out, in three stages: read and merge (the
// merge holds one record per file), filter (by header and file, before any
// payload is read), then format and write (in batches, on every core, put
// back in order, so that the output is the same for any number of threads).
// Memory stays a few MB whatever the capture size.
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "msgcapture/export.h"
#include "msgcapture/format/capture_files.h"
#include "msgcapture/format/record_reader.h"
#include "msgcapture/pipeline/output_format.h"
#include "msgcapture/pipeline/record_filter.h"

namespace msgcapture {

struct MSGCAPTURE_EXPORT PipelineOptions {
    // Formatting runs on this many threads (0: one per core; 1: only the caller's).
    unsigned threads = 0;
    std::optional<uint64_t> limit;  // stop after this many entries
    // Told after each batch: bytes of the files read so far, of `total`.
    std::function<void(uint64_t done, uint64_t total)> progress;
};

struct MSGCAPTURE_EXPORT PipelineStats {
    uint64_t entries = 0;
    uint64_t entries_with_error = 0;
};

class MSGCAPTURE_EXPORT CapturePipeline {
public:
    // Keeps the files `filter` accepts and opens each now, so that an
    // unreadable input fails before any output. Throws ReadError.
    CapturePipeline(const std::vector<CaptureFile>& files, RecordFilter filter, WarningHandler warn = {});

    // Runs every stage, writing to `out`. Throws ReadError when a file fails
    // part way; the format's end() has closed the output by then.
    PipelineStats run(OutputFormat& format, const Sink& out, const PipelineOptions& options = {});

    // The files kept, in the order they are merged.
    const std::vector<CaptureFile>& files() const { return files_; }

private:
    std::vector<CaptureFile> files_;
    std::vector<RecordReader> readers_;
    RecordFilter filter_;
    WarningHandler warn_;
    uint64_t total_bytes_ = 0;
};

}  // namespace msgcapture
