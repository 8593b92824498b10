#include "msgcapture/pipeline/capture_pipeline.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <limits>
#include <optional>
#include <thread>

#include "msgcapture/format/merge.h"
#include "ordered_work.h"
#include "output_pool.h"
#include "usable_cores.h"

namespace msgcapture {
namespace {

// Work is split by the JSON it will make, estimated from the payload: a
// batch holds about this much, so that a worker's share is worth handing
// over, and a message bigger than that is a batch of its own, formatted
// while the other threads go on with the batches behind it (or, with
// several threads, a large block is several: SPLIT_JSON_BYTES).
constexpr size_t BATCH_JSON_BYTES = 512 * 1024;
constexpr size_t BATCH_MAX_ENTRIES = 4096;
// With several threads, a message that makes more JSON than this (a block of
// about 350 kB or more) is written in parts of about BATCH_JSON_BYTES, each a
// batch (OutputFormat::split): formatted whole, it kept one thread busy while
// the others ran out of work (the reading thread reads nothing new while it
// formats), and its output took a buffer of many MB on each thread, every
// page of which is a fresh page to fault in.
constexpr size_t SPLIT_JSON_BYTES = 2 * BATCH_JSON_BYTES;
// Batches in flight: enough behind one large block for every other thread to
// stay busy while it is formatted, bounded by the memory their output
// buffers take (not the JSON estimated: a buffer is a power of two).
constexpr size_t SLOTS_PER_THREAD = 4;
constexpr size_t MAX_OUTPUT_IN_FLIGHT = 32 * 1024 * 1024;
// Output buffers kept for reuse.
constexpr size_t KEEP_OUTPUT_BYTES = 16 * 1024 * 1024;
// A format that writes nothing per entry reports progress every so many.
constexpr uint64_t HEADER_ONLY_PROGRESS_EVERY = 64 * 1024;

// The JSON a record will make: the entry's own keys, and per payload byte 3
// (hex is 2, plus keys) until a message of its type formatted alone showed
// more (a transaction of empty outputs makes 4.5 bytes a byte), so that the
// bound on JSON in flight holds for what is really written. Learning by type
// keeps one type's ratio (headers make 5) from inflating another's.
class JsonEstimate {
public:
    // By the payload there is, not the length declared (a hostile file may
    // declare 4 GiB and hold nothing).
    size_t of(const Record& record) const {
        return ENTRY_BYTES + static_cast<size_t>(per_byte(record.header.msgtype) * static_cast<double>(record.payload.size()));
    }
    // A message formatted alone made `written` bytes.
    void learn(const Record& record, size_t written) {
        const size_t payload = record.payload.size();
        if (payload < 64 * 1024 || written <= ENTRY_BYTES) return;  // too little to tell
        const double seen = std::min(MAX_PER_BYTE, static_cast<double>(written - ENTRY_BYTES) / static_cast<double>(payload));
        for (auto& [type, ratio] : learned_) {
            if (type == record.header.msgtype) {
                ratio = std::max(ratio, seen);
                return;
            }
        }
        if (seen > DEFAULT_PER_BYTE) learned_.emplace_back(record.header.msgtype, seen);
    }

private:
    static constexpr size_t ENTRY_BYTES = 256;
    static constexpr double DEFAULT_PER_BYTE = 3;
    static constexpr double MAX_PER_BYTE = 16;
    using Type = std::array<char, MESSAGE_TYPE_SIZE>;

    double per_byte(const Type& type) const {
        for (const auto& [known, ratio] : learned_) {
            if (known == type) return ratio;
        }
        return DEFAULT_PER_BYTE;
    }

    std::vector<std::pair<Type, double>> learned_;  // the few types that made more
};

// Entries taken from the merge, and the output a worker makes of them. The
// payloads are not copied: they are formatted where the readers read them,
// in buffers that `keepers` hold until the batch is written.
struct EntryBatch {
    std::vector<std::shared_ptr<const void>> keepers;
    std::vector<Entry> entries;
    size_t expected_json = 0;
    OutputBuffer output;
    size_t output_reserved = 0;  // the output's capacity when it was handed over
    // A batch that is one part of an entry written in parts: how split()
    // divided the entry, shared by its parts' batches.
    std::shared_ptr<const EntryParts> parts;
    size_t part = 0;
    PipelineStats stats;
    std::exception_ptr error;

    void clear() {
        keepers.clear();
        entries.clear();
        expected_json = 0;
        parts.reset();
        part = 0;
        stats = {};
        error = nullptr;
    }

    void add(const Entry& entry, std::shared_ptr<const void> keeper, const JsonEstimate& estimate) {
        expected_json += estimate.of(entry.record);
        entries.push_back(entry);
        if (keepers.empty() || keepers.back() != keeper) keepers.push_back(std::move(keeper));
    }

    // Whether `entry` should start the next batch instead.
    bool full_before(const Entry& entry, const JsonEstimate& estimate) const {
        if (entries.empty()) return false;
        return entries.size() >= BATCH_MAX_ENTRIES || expected_json + estimate.of(entry.record) > BATCH_JSON_BYTES;
    }
};

// Our sessions' files hold nothing from before the session started.
int64_t no_record_before(const CaptureFile& file) {
    return file.session ? file.session->start_time_us : std::numeric_limits<int64_t>::min();
}

// Below this much capture a second thread cost more (its own decoding
// buffers and output, first touched) than it gained: one thread formats it.
constexpr uint64_t MIN_BYTES_FOR_WORKERS = 64u << 20;

// The threads that format: `threads` when given; by default one per core
// that is free, for a capture big enough to gain from them. The caller's own
// thread is one of them (it reads, and formats while it waits): the workers
// are one fewer.
size_t worker_count(unsigned threads, uint64_t total_bytes, bool following) {
    if (threads == 0) {
        // Following formats a tick's worth at a time: one thread keeps up.
        threads = following || total_bytes < MIN_BYTES_FOR_WORKERS ? 1 : free_cores(usable_cores());
    }
    return threads - 1;
}

}  // namespace

CapturePipeline::CapturePipeline(const std::vector<CaptureFile>& files, RecordFilter filter, WarningHandler warn)
    : filter_(std::move(filter)), warn_(std::move(warn)) {
    for (const CaptureFile& f : files) {
        if (!keep(f)) continue;
        // Every file is opened now, to fail before any output; past the merge's
        // limit each is closed again at once, to be reopened when its turn comes.
        if (readers_.size() > MergeLimits{}.max_open_files) readers_.back().park();
        struct stat st {};
        if (::stat(f.path.c_str(), &st) == 0) total_bytes_ += static_cast<uint64_t>(st.st_size);
    }
}

CapturePipeline::CapturePipeline(CaptureFollower& follower, RecordFilter filter, WarningHandler warn)
    : filter_(std::move(filter)), warn_(std::move(warn)) {
    follower_ = &follower;
    first_update_ = follower.poll();
    for (const CaptureFile& f : first_update_.added) {
        if (!keep(f)) continue;
        readers_.back().set_growing(true);
        if (readers_.size() > MergeLimits{}.max_open_files) readers_.back().park();
    }
}

bool CapturePipeline::keep(const CaptureFile& file) {
    source_of_.push_back(std::nullopt);
    if (!filter_.accepts_file(file)) return false;
    readers_.push_back(RecordReader::open(file.path, warn_));
    files_.push_back(file);
    source_of_.back() = files_.size() - 1;
    return true;
}

PipelineStats CapturePipeline::run(OutputFormat& format, const Sink& out, const PipelineOptions& options) {
    // The output opens before any file is read, so that a failure on the very
    // first record still leaves a closed, valid output.
    format.begin(out);
    for (const CaptureFile& f : files_) format.add_file(f);
    std::optional<RecordMerger> merger;
    try {
        if (follower_) {
            // Files join one by one, each with its path to order ties: as a
            // parse of the same directory would, whichever was noticed first.
            merger.emplace(std::vector<RecordReader>{}, warn_);
            for (size_t i = 0; i < readers_.size(); ++i) merger->add(std::move(readers_[i]), files_[i].path, no_record_before(files_[i]));
            readers_.clear();
        } else {
            merger.emplace(std::move(readers_), warn_);
        }
    } catch (const ReadError&) {
        format.end(0, out);
        throw;
    }
    auto report_progress = [&] {
        if (!options.progress) return;
        uint64_t done = 0;
        for (const RecordReader& r : merger->readers()) done += r.file_bytes_read();
        options.progress(done, total_bytes_);
    };
    auto wanted = [&](const RecordHeader& header, size_t) { return filter_.accepts(header); };
    uint64_t chosen = 0;
    auto below_limit = [&] { return !options.limit || chosen < *options.limit; };
    auto make_entry = [&](const RecordMerger::Merged& m) {
        Entry entry{m.record, &files_[m.source], m.source, chosen++, {}};
        format.sequence(entry);
        return entry;
    };

    // Following: called when the merge has released all it can, with nothing
    // in flight. False when the run should end; otherwise it waits a tick and
    // takes in what changed.
    auto apply = [&](const FollowUpdate& update) {
        for (const CaptureFile& f : update.added) {
            source_of_.push_back(std::nullopt);
            if (!filter_.accepts_file(f)) continue;
            try {
                RecordReader reader = RecordReader::open(f.path, warn_);
                reader.set_growing(true);
                files_.push_back(f);
                format.add_file(files_.back());
                source_of_.back() = merger->add(std::move(reader), f.path, no_record_before(f));
            } catch (const ReadError& e) {
                if (warn_) warn_(std::string(e.what()) + "; it is not followed");
            }
        }
        for (size_t i : update.final) {
            if (i >= source_of_.size() || !source_of_[i]) continue;
            merger->finalize(*source_of_[i]);
            if (options.on_final) options.on_final(files_[*source_of_[i]]);
        }
    };
    // What may be released: records older than the grace period are on
    // disk; files are known up to the follower's notice delay.
    auto set_horizon = [&] {
        using namespace std::chrono;
        const int64_t now = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
        merger->set_horizon(now - duration_cast<microseconds>(follower_->options().grace).count(),
                            now - duration_cast<microseconds>(follower_->notice_delay()).count());
    };
    bool stopping = false;
    if (follower_) {
        // The first update's files were opened with the pipeline.
        apply(FollowUpdate{{}, first_update_.final});
        set_horizon();
    }
    auto follow_on = [&] {
        if (!follower_ || stopping || !below_limit()) return false;
        if (filter_.until_us && merger->watermark() >= *filter_.until_us - 1) return false;
        if (options.stop && options.stop->load()) {
            // Every whole record on disk goes out, then the run ends.
            stopping = true;
            merger->retry();
            merger->set_horizon(std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::max());
            return true;
        }
        follower_->wait();
        apply(follower_->poll([&](size_t i) {
            return i < source_of_.size() && source_of_[i] ? merger->readers()[*source_of_[i]].file_bytes_read() : 0;
        }));
        merger->retry();
        set_horizon();
        return true;
    };

    PipelineStats stats;
    if (!format.writes_entries()) {
        try {
            do {
                while (below_limit()) {
                    const auto m = merger->next_header(wanted);
                    if (!m) break;
                    make_entry(*m);
                    if (chosen % HEADER_ONLY_PROGRESS_EVERY == 0) report_progress();
                }
            } while (follow_on());
        } catch (const ReadError&) {
            format.end(chosen, out);
            throw;
        }
        stats.entries = chosen;
        format.end(chosen, out);
        return stats;
    }

    const size_t workers = worker_count(options.threads, total_bytes_, follower_ != nullptr);
    std::vector<MessageScratch> scratches(workers + 1);  // the last is the caller's
    // Formats a batch with the scratch of worker `worker` (`workers`: the caller).
    auto write_batch = [&](EntryBatch& batch, size_t worker) {
        try {
            // The output came from the pool with room for the JSON expected.
            if (batch.parts) {
                format.write_part(batch.entries[0], *batch.parts, batch.part, batch.output, scratches[worker]);
                if (batch.part + 1 == batch.parts->count()) ++batch.stats.entries;  // the entry counts with its last part
                return;
            }
            for (const Entry& entry : batch.entries) {
                if (!format.write(entry, batch.output, scratches[worker])) ++batch.stats.entries_with_error;
                ++batch.stats.entries;
            }
        } catch (...) {
            batch.error = std::current_exception();
        }
    };
    // On the caller's thread alone, each batch is written as soon as it is made.
    OrderedWork<EntryBatch> work(workers, workers == 0 ? 1 : (workers + 1) * SLOTS_PER_THREAD, write_batch);
    OutputPool outputs(KEEP_OUTPUT_BYTES);
    JsonEstimate estimate;

    size_t output_in_flight = 0;
    // A formatted batch goes out, and its buffers back for reuse.
    auto write_out = [&](EntryBatch& batch) {
        if (batch.error) std::rethrow_exception(batch.error);
        out(batch.output.view());
        stats.entries += batch.stats.entries;
        stats.entries_with_error += batch.stats.entries_with_error;
        if (batch.entries.size() == 1 && !batch.parts) estimate.learn(batch.entries[0].record, batch.output.size());
        outputs.give(std::move(batch.output));
        batch.clear();
        report_progress();
    };
    auto write_oldest = [&] {
        EntryBatch& batch = work.wait_oldest();
        output_in_flight -= batch.output_reserved;
        write_out(batch);
        work.release_oldest();
    };
    auto write_all = [&] {
        while (work.in_flight() > 0) write_oldest();
    };
    // Until there is a slot to fill and room in the bound on output.
    auto make_room = [&] {
        while (work.in_flight() == work.depth() || (work.in_flight() > 0 && output_in_flight >= MAX_OUTPUT_IN_FLIGHT)) {
            write_oldest();
        }
    };
    auto finish = [&] {
        write_all();
        format.end(chosen, out);
    };
    // Hands the filled batch over to be formatted; false when it is empty.
    auto submit_filled = [&] {
        EntryBatch& batch = work.to_fill();
        if (batch.entries.empty()) return false;
        if (workers > 0 && batch.expected_json > MAX_OUTPUT_IN_FLIGHT / 4) {
            // Its output buffer (a power of two) would take half the bound:
            // with one more like it beside (a capture of maximum-size
            // messages), the threads would only take turns, holding twice the
            // memory. It is formatted here, once all before it is written.
            write_all();
            batch.output = outputs.take(batch.expected_json);
            write_batch(batch, workers);
            write_out(batch);
            return true;
        }
        batch.output = outputs.take(batch.expected_json);
        batch.output_reserved = batch.output.capacity();
        output_in_flight += batch.output_reserved;
        work.submit();
        return true;
    };
    // A record taken from the merge that goes in a later batch.
    struct Taken {
        Entry entry;
        std::shared_ptr<const void> keeper;
    };
    std::optional<Taken> next_batch_starts_with;
    std::optional<Taken> next_in_parts;  // a large entry taken from the merge
    auto keeper_of = [&](size_t source) { return merger->readers()[source].payload_keeper(); };
    // A large entry, in parts of about BATCH_JSON_BYTES each a batch, or as a
    // batch of its own when the format does not split it.
    auto submit_in_parts = [&](const Taken& taken) {
        const size_t wanted = (estimate.of(taken.entry.record) + BATCH_JSON_BYTES - 1) / BATCH_JSON_BYTES;
        const std::shared_ptr<const EntryParts> parts = format.split(taken.entry, wanted);
        const size_t count = parts ? parts->count() : 1;
        for (size_t part = 0; part < count; ++part) {
            make_room();
            EntryBatch& batch = work.to_fill();
            batch.add(taken.entry, taken.keeper, estimate);
            batch.expected_json /= count;
            batch.parts = parts;
            batch.part = part;
            submit_filled();
        }
    };

    try {
        for (;;) {
            make_room();
            EntryBatch& batch = work.to_fill();
            if (next_batch_starts_with) {
                batch.add(next_batch_starts_with->entry, next_batch_starts_with->keeper, estimate);
                next_batch_starts_with.reset();
            }
            bool released_all = false;  // all the merge can give now, or the limit
            try {
                for (;;) {
                    const auto m = below_limit() ? merger->next(wanted) : std::nullopt;
                    if (!m) {
                        released_all = true;
                        break;
                    }
                    const Entry entry = make_entry(*m);
                    if (workers > 0 && estimate.of(entry.record) > SPLIT_JSON_BYTES) {
                        next_in_parts = Taken{entry, keeper_of(m->source)};
                        break;
                    }
                    if (batch.full_before(entry, estimate)) {
                        next_batch_starts_with = Taken{entry, keeper_of(m->source)};
                        break;
                    }
                    batch.add(entry, keeper_of(m->source), estimate);
                }
            } catch (const ReadError&) {
                submit_filled();  // what was read before the failure still goes out
                throw;
            }
            submit_filled();
            if (next_in_parts) {
                submit_in_parts(*next_in_parts);
                next_in_parts.reset();
            }
            if (!released_all) continue;
            // Following: what was released is written out before waiting for more.
            write_all();
            if (!follow_on()) break;
        }
    } catch (const ReadError&) {
        finish();
        throw;
    }
    finish();
    return stats;
}

}  // namespace msgcapture
