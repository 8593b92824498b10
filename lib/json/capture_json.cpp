#include "msgcapture/json/capture_json.h"

#include <sys/stat.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <thread>

#include "msgcapture/format/merge.h"
#include "msgcapture/json/entry_json.h"
#include "ordered_work.h"

namespace msgcapture {
namespace {

// Records are formatted in batches of about this much payload (about four
// times as much JSON), so that a worker's share is worth handing over while
// the batches in flight stay a few MB whatever the capture size.
constexpr size_t BATCH_PAYLOAD_BYTES = 256 * 1024;
constexpr size_t BATCH_MAX_ENTRIES = 4096;
// A batch of a few maximum-size messages is far larger than usual: fewer go
// out at once, and their buffers are not kept once written, so that a capture
// of nothing but 4 MB messages stays within a bounded, modest footprint.
constexpr size_t MAX_PAYLOAD_IN_FLIGHT = 6 * 1024 * 1024;
constexpr size_t KEEP_JSON_CAPACITY = 8 * 1024 * 1024;
constexpr size_t KEEP_PAYLOAD_CAPACITY = 2 * 1024 * 1024;

// Records copied out of the merge, and the JSON a worker makes of them.
struct EntryBatch {
    struct Entry {
        Record record;  // its payload is pointed into `payloads` when formatting
        size_t source = 0;
        size_t payload_at = 0;
        size_t payload_size = 0;
    };

    bool first = false;  // holds the array's first entry
    Bytes payloads;
    std::vector<Entry> entries;
    JsonBuffer json;
    JsonExportStats stats;
    std::exception_ptr error;

    void clear() {
        first = false;
        payloads.clear();
        entries.clear();
        json.clear();
        stats = {};
        error = nullptr;
        if (json.capacity() > KEEP_JSON_CAPACITY) json = JsonBuffer();
        if (payloads.capacity() > KEEP_PAYLOAD_CAPACITY) Bytes().swap(payloads);
    }

    void add(const Record& record, size_t source) {
        // The reader's buffer moves on, so the payload is copied.
        entries.push_back({record, source, payloads.size(), record.payload.size()});
        entries.back().record.payload = {};
        payloads.insert(payloads.end(), record.payload.begin(), record.payload.end());
    }

    bool full() const { return payloads.size() >= BATCH_PAYLOAD_BYTES || entries.size() >= BATCH_MAX_ENTRIES; }
};

size_t worker_count(unsigned threads) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    return threads == 1 ? 0 : threads;  // one thread: the caller's own
}

}  // namespace

CaptureJsonExporter::CaptureJsonExporter(const std::vector<CaptureFile>& files, WarningHandler warn)
    : files_(files), warn_(std::move(warn)) {
    readers_.reserve(files.size());
    for (const CaptureFile& f : files) {
        readers_.push_back(RecordReader::open(f.path, warn_));
        // Every file is opened now, to fail before any output; past the merge's
        // limit each is closed again at once, to be reopened when its turn comes.
        if (readers_.size() > MergeLimits{}.max_open_files) readers_.back().park();
        struct stat st {};
        if (::stat(f.path.c_str(), &st) == 0) total_bytes_ += static_cast<uint64_t>(st.st_size);
    }
}

JsonExportStats CaptureJsonExporter::run(const Sink& sink, const Progress& progress, unsigned threads) {
    std::vector<Direction> directions;
    std::vector<std::string> peers;  // each file's "peer" label, made once
    for (const CaptureFile& f : files_) {
        directions.push_back(f.direction);
        peers.push_back(peer_label_json(f));
    }
    // The array opens before any file is read, so that a failure on the very
    // first record still leaves a closed, valid (empty) array.
    sink("[");
    std::optional<RecordMerger> merger;
    try {
        merger.emplace(std::move(readers_), warn_);
    } catch (const ReadError&) {
        sink("]\n");
        throw;
    }

    const size_t workers = worker_count(threads);
    std::vector<MessageScratch> scratches(std::max<size_t>(workers, 1));
    auto format = [&](EntryBatch& batch, size_t worker) {
        try {
            for (EntryBatch::Entry& e : batch.entries) {
                e.record.payload = ByteSpan(batch.payloads).subspan(e.payload_at, e.payload_size);
                batch.json.append(batch.first && &e == &batch.entries.front() ? "\n" : ",\n");
                JsonWriter w(batch.json);
                if (!write_entry(w, e.record, directions[e.source], scratches[worker], peers[e.source])) {
                    ++batch.stats.entries_with_error;
                }
                ++batch.stats.entries;
            }
        } catch (...) {
            batch.error = std::current_exception();
        }
    };
    // One batch per worker, one being filled and one written or waiting to be:
    // more measured no faster here and only took memory.
    OrderedWork<EntryBatch> work(workers, workers + 2, format);

    JsonExportStats stats;
    size_t payload_in_flight = 0;
    auto write_oldest = [&] {
        EntryBatch& batch = work.wait_oldest();
        if (batch.error) std::rethrow_exception(batch.error);
        sink(batch.json.view());
        stats.entries += batch.stats.entries;
        stats.entries_with_error += batch.stats.entries_with_error;
        payload_in_flight -= batch.payloads.size();
        batch.clear();
        work.release_oldest();
        if (progress) {
            uint64_t done = 0;
            for (const RecordReader& r : merger->readers()) done += r.file_bytes_read();
            progress(done, total_bytes_);
        }
    };
    bool submitted_any = false;
    auto finish_array = [&] {
        while (work.in_flight() > 0) write_oldest();
        sink(submitted_any ? "\n]\n" : "]\n");
    };

    // Hands the filled batch to the workers; false when it is empty.
    auto submit_filled = [&] {
        if (work.to_fill().entries.empty()) return false;
        payload_in_flight += work.to_fill().payloads.size();
        work.submit();
        submitted_any = true;
        return true;
    };

    try {
        const Record* record = nullptr;
        size_t source = 0;
        bool more = true;
        while (more) {
            while (work.in_flight() == work.depth() || (work.in_flight() > 0 && payload_in_flight >= MAX_PAYLOAD_IN_FLIGHT)) {
                write_oldest();
            }
            EntryBatch& batch = work.to_fill();
            batch.first = !submitted_any;
            try {
                while (!batch.full() && (more = merger->next(record, source))) batch.add(*record, source);
            } catch (const ReadError&) {
                submit_filled();  // what was read before the failure still goes out
                throw;
            }
            if (!submit_filled()) break;
        }
    } catch (const ReadError&) {
        finish_array();
        throw;
    }
    finish_array();
    return stats;
}

}  // namespace msgcapture
