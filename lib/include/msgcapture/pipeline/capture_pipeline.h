#pragma once
// Capture files in, one output out, in three stages: read and merge (the
// merge holds one record per file), filter (by header and file, before any
// payload is read), then format and write (in batches, on every core, put
// back in order, so that the output is the same for any number of threads).
// Memory stays a few MB whatever the capture size.
//
// Following captures as they are written (tail -f), the same stages run on
// the files a CaptureFollower finds, then and later: the merge releases
// records up to its watermark, each tick, and what was released is written
// out before the pipeline waits for more.
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "msgcapture/export.h"
#include "msgcapture/format/capture_files.h"
#include "msgcapture/format/record_reader.h"
#include "msgcapture/live/capture_follower.h"
#include "msgcapture/pipeline/output_format.h"
#include "msgcapture/pipeline/record_filter.h"

namespace msgcapture {

struct MSGCAPTURE_EXPORT PipelineOptions {
    // Formatting runs on this many threads, the caller's among them (1: only
    // the caller's). 0, the default, picks: one per free core this process
    // may use, or one for a capture under 64 MB, or when following, where
    // more did not gain.
    unsigned threads = 0;
    std::optional<uint64_t> limit;  // stop after this many entries
    // Told after each batch: bytes of the files read so far, of `total`.
    std::function<void(uint64_t done, uint64_t total)> progress;
    // Following: the run ends once this is true (it is looked at each tick),
    // after writing every whole record already on disk. It also ends with
    // `limit`, or when the filter's `until_us` has passed the watermark.
    const std::atomic<bool>* stop = nullptr;
    // Following: told on the reading thread when a file will not grow any
    // more (its session ended, or it went away); its last records may still
    // be on their way.
    std::function<void(const CaptureFile&)> on_final;
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
    // Follows the files `follower` finds now and as they appear. Throws
    // ReadError when a file there now cannot be opened.
    CapturePipeline(CaptureFollower& follower, RecordFilter filter, WarningHandler warn = {});

    // Runs every stage, writing to `out`. Throws ReadError when a file fails
    // part way; the format's end() has closed the output by then.
    PipelineStats run(OutputFormat& format, const Sink& out, const PipelineOptions& options = {});

    // The files kept, in the order they are merged (entries point into it).
    const std::deque<CaptureFile>& files() const { return files_; }

private:
    // Keeps a file the filter accepts and opens it; false otherwise.
    bool keep(const CaptureFile& file);

    std::deque<CaptureFile> files_;
    std::vector<RecordReader> readers_;
    CaptureFollower* follower_ = nullptr;
    FollowUpdate first_update_;
    std::vector<std::optional<size_t>> source_of_;  // by the follower's file index: the file's index here
    RecordFilter filter_;
    WarningHandler warn_;
    uint64_t total_bytes_ = 0;
};

}  // namespace msgcapture
