// The pipeline's stages on their own: times, the filter, the merge passing
// over records by header, and the order in which a format is called.
#include <gtest/gtest.h>

#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "msgcapture/format/decode_record.h"
#include "msgcapture/format/merge.h"
#include "msgcapture/format/utc_time.h"
#include "msgcapture/pipeline/capture_pipeline.h"
#include "msgcapture/pipeline/record_filter.h"
#include "output_pool.h"
#include "test_support.h"
#include "usable_cores.h"

using namespace msgcapture;
using namespace testsupport;

TEST(Times, IsoAndMicrosecondsBothWays) {
    EXPECT_EQ(parse_time("1795313274322264"), 1795313274322264);
    EXPECT_EQ(parse_time("-1"), -1);
    EXPECT_EQ(parse_time("2026-11-22T02:07:54.322264Z"), 1795313274322264);
    EXPECT_EQ(parse_time("2026-11-22T02:07:54.322264"), 1795313274322264);
    EXPECT_EQ(parse_time("2026-11-22T02:07:54.3Z"), 1795313274300000);
    EXPECT_EQ(parse_time("2026-11-22T02:07:54Z"), 1795313274000000);
    EXPECT_EQ(parse_time("2026-11-22"), 1795305600000000);
    EXPECT_EQ(parse_time("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(parse_time("2024-02-29"), 1709164800000000);
    for (const char* bad : {"", "abc", "2025-02-29", "2026-11-22T02:07:54+01:00", "2026-11-22 02:07:54", "2026-11-22T24:00:00",
                            "2026-11-22T02:07:54.", "2026-11-22T02:07:54.1234567", "2026-1-22", "12e3", "99999999999999999999"}) {
        EXPECT_FALSE(parse_time(bad)) << bad;
    }
    EXPECT_EQ(iso_time(1795313274322264), "2026-11-22T02:07:54.322264Z");
    EXPECT_EQ(iso_time(-1), "1969-12-31T23:59:59.999999Z");
    EXPECT_EQ(compact_time(1795313274322264), "20261122T020754.322264Z");
    for (int64_t t : {int64_t{0}, int64_t{-1}, int64_t{1795313274322264}, int64_t{-62135596800000000}}) EXPECT_EQ(parse_time(iso_time(t)), t);
}

namespace {

RecordHeader header(int64_t time, const char* type) {
    RecordHeader h;
    h.time_us = time;
    std::copy_n(type, std::strlen(type), h.msgtype.begin());
    return h;
}

CaptureFile file(const std::string& path, Direction d, const std::string& address, std::optional<SessionInfo> session = {}) {
    return {path, d, std::move(session), session ? "20261122T020754.322264Z_3" : "", address};
}

}  // namespace

TEST(RecordFilter, EachConditionAndTheirConjunction) {
    RecordFilter f;
    EXPECT_TRUE(f.accepts(header(5, "inv")));
    f.types = {"inv", "tx"};
    f.not_types = {"tx"};
    f.since_us = 10;
    f.until_us = 20;
    EXPECT_TRUE(f.accepts(header(10, "inv")));
    EXPECT_FALSE(f.accepts(header(20, "inv")));  // until is exclusive
    EXPECT_FALSE(f.accepts(header(9, "inv")));
    EXPECT_FALSE(f.accepts(header(15, "tx")));   // not-type wins
    EXPECT_FALSE(f.accepts(header(15, "ping")));
    RecordFilter unreadable;
    unreadable.types = {"UNREADABLE"};
    EXPECT_TRUE(unreadable.accepts(header(1, "\x01\x02")));
}

TEST(RecordFilter, FilesByDirectionAndPeer) {
    const SessionInfo s{3, "[::1]:18444", "inbound", 0, "regtest", "", 0, {}, {}};
    const CaptureFile ours = file("cap/[__1]_18444/20261122T020754.322264Z_3/msgs_recv.dat", Direction::Received, s.address, s);
    const CaptureFile core = file("core/127.0.0.1_50732/msgs_sent.dat", Direction::Sent, "127.0.0.1:50732");
    const CaptureFile bare = file("x/msgs_sent.dat", Direction::Sent, "");
    RecordFilter f;
    f.direction = Direction::Sent;
    EXPECT_FALSE(f.accepts_file(ours));
    EXPECT_TRUE(f.accepts_file(core));
    f.direction.reset();
    for (const char* by : {"[::1]:18444", "::1", "[::1]", "3", "20261122T020754.322264Z_3", "cap/[__1]_18444/20261122T020754.322264Z_3/"}) {
        f.peers = {by};
        EXPECT_TRUE(f.accepts_file(ours)) << by;
        EXPECT_FALSE(f.accepts_file(core)) << by;
        EXPECT_FALSE(f.accepts_file(bare)) << by;
    }
    for (const char* by : {"127.0.0.1:50732", "127.0.0.1", "core/127.0.0.1_50732"}) {
        f.peers = {by};
        EXPECT_TRUE(f.accepts_file(core)) << by;
        EXPECT_FALSE(f.accepts_file(ours)) << by;
    }
    f.peers = {"127.0.0.1:1", "127.0.0.2", "50732", ""};
    EXPECT_FALSE(f.accepts_file(core));
    EXPECT_EQ(parse_direction("recv"), Direction::Received);
    EXPECT_EQ(parse_direction("sent"), Direction::Sent);
    EXPECT_FALSE(parse_direction("in"));
}

namespace {

// Records every call a format gets, to check the pipeline's contract.
class RecordingFormat : public OutputFormat {
public:
    void begin(const Sink& out) override { out("<"); }
    void add_file(const CaptureFile&) override { ++files_added; }
    void sequence(Entry& entry) override {
        sequenced.push_back(entry.index);
        entry.notes[0] = entry.index * 10;
    }
    bool write(const Entry& entry, OutputBuffer& out, MessageScratch&) const override {
        if (entry.notes[0] != entry.index * 10) ADD_FAILURE() << "notes from sequence() did not reach write()";
        out.append(std::string(entry.record.header.msgtype_text()) + std::to_string(entry.record.payload.size()) + ",");
        return entry.record.header.msgtype_text() != "bad";
    }
    void end(uint64_t entries, const Sink& out) override { out(">" + std::to_string(entries)); }

    size_t files_added = 0;
    std::vector<uint64_t> sequenced;
};

// Runs a pipeline over `files` into `format` on `threads` threads; the output in `out`.
PipelineStats run_on_threads(const std::vector<CaptureFile>& files, OutputFormat& format, unsigned threads, std::string& out) {
    CapturePipeline pipeline(files, RecordFilter{});
    PipelineOptions options;
    options.threads = threads;
    return pipeline.run(format, [&](std::string_view s) { out += s; }, options);
}

}  // namespace

TEST(CapturePipeline, CallsTheFormatInOrderOnAnyNumberOfThreads) {
    TempDir dir;
    Bytes recv, sent;
    for (int i = 0; i < 3000; ++i) append_record(i % 2 ? recv : sent, i, i % 7 == 0 ? "bad" : "tx", Bytes(static_cast<size_t>(i % 5), 1));
    write_file(dir / "p" / "msgs_recv.dat", recv);
    write_file(dir / "p" / "msgs_sent.dat", sent);
    const std::vector<CaptureFile> files = find_capture_files({dir.path().string()});
    std::string first;
    for (unsigned threads : {1u, 2u, 4u}) {
        RecordingFormat format;
        std::string out;
        const PipelineStats stats = run_on_threads(files, format, threads, out);
        EXPECT_EQ(stats.entries, 3000u);
        EXPECT_EQ(stats.entries_with_error, 429u);  // every 7th
        EXPECT_EQ(format.files_added, 2u);
        ASSERT_EQ(format.sequenced.size(), 3000u);
        for (uint64_t i = 0; i < 3000; ++i) ASSERT_EQ(format.sequenced[i], i);
        EXPECT_TRUE(out.starts_with("<bad0,tx1,tx2,")) << out.substr(0, 40);
        EXPECT_TRUE(out.ends_with(">3000"));
        if (first.empty()) first = out;
        EXPECT_TRUE(out == first) << threads << " threads";
    }
    // A filter and a limit: the files the filter drops are not even opened.
    RecordFilter f;
    f.direction = Direction::Sent;
    f.types = {"tx"};
    CapturePipeline pipeline(files, f);
    EXPECT_EQ(pipeline.files().size(), 1u);
    RecordingFormat format;
    std::string out;
    PipelineOptions options;
    options.limit = 4;
    pipeline.run(format, [&](std::string_view s) { out += s; }, options);
    EXPECT_EQ(out, "<tx2,tx4,tx1,tx3,>4");
}

namespace {

// Writes "big" entries in three parts ("big", the size, ","), which together
// are what write() makes of them.
class SplittingFormat : public RecordingFormat {
public:
    struct Thirds : EntryParts {
        size_t count() const override { return 3; }
    };
    std::shared_ptr<const EntryParts> split(const Entry& entry, size_t wanted) const override {
        if (entry.record.header.msgtype_text() != "big") return nullptr;
        if (wanted < 3) ADD_FAILURE() << "a " << entry.record.payload.size() << "-byte payload wants " << wanted << " parts";
        ++splits;
        return std::make_shared<Thirds>();
    }
    void write_part(const Entry& entry, const EntryParts&, size_t part, OutputBuffer& out, MessageScratch&) const override {
        const std::string whole = "big" + std::to_string(entry.record.payload.size()) + ",";
        out.append(part == 0 ? whole.substr(0, 3) : part == 1 ? whole.substr(3, whole.size() - 4) : ",");
    }
    mutable std::atomic<int> splits{0};
};

}  // namespace

// With more than one thread, an entry whose JSON would be over 1 MiB is
// written in parts, each a batch any thread may take, and counted once; with
// one thread it is written whole. The output is the same.
TEST(CapturePipeline, LargeEntriesAreWrittenInPartsOnSeveralThreads) {
    TempDir dir;
    Bytes recv;
    for (int i = 0; i < 40; ++i) append_record(recv, i, i % 4 == 0 ? "big" : "tx", Bytes(i % 4 == 0 ? 400000 + i : 10, 1));
    write_file(dir / "p" / "msgs_recv.dat", recv);
    const std::vector<CaptureFile> files = find_capture_files({dir.path().string()});
    std::string first;
    for (unsigned threads : {1u, 2u, 4u}) {
        SplittingFormat format;
        std::string out;
        const PipelineStats stats = run_on_threads(files, format, threads, out);
        EXPECT_EQ(stats.entries, 40u);
        EXPECT_EQ(format.splits, threads == 1 ? 0 : 10) << threads << " threads";
        EXPECT_TRUE(out.starts_with("<big400000,tx10,tx10,tx10,big400004,")) << out.substr(0, 60);
        EXPECT_TRUE(out.ends_with(">40"));
        if (first.empty()) first = out;
        EXPECT_EQ(out, first) << threads << " threads";
    }
}

// The merge passes over unwanted records by header; next_header hands out none of their payloads.
TEST(RecordMerger, PassesOverUnwantedRecordsByHeader) {
    TempDir dir;
    Bytes a, b;
    append_record(a, 1, "ping", Bytes(8, 1));
    append_record(a, 3, "inv", Bytes(37, 2));
    append_record(b, 2, "inv", Bytes(37, 3));
    append_record(b, 4, "ping", Bytes(8, 4));
    write_file(dir / "a.dat", a);
    write_file(dir / "b.dat", b);
    auto readers = [&] {
        std::vector<RecordReader> r;
        r.push_back(RecordReader::open((dir / "a.dat").string()));
        r.push_back(RecordReader::open((dir / "b.dat").string()));
        return r;
    };
    RecordMerger merger(readers());
    auto inv = [](const RecordHeader& h, size_t) { return h.msgtype_text() == "inv"; };
    std::vector<std::pair<int64_t, uint8_t>> got;
    while (auto m = merger.next(inv)) got.push_back({m->record.header.time_us, m->record.payload[0]});
    EXPECT_EQ(got, (std::vector<std::pair<int64_t, uint8_t>>{{2, 3}, {3, 2}}));
    RecordMerger headers_only(readers());
    std::vector<int64_t> times;
    while (auto m = headers_only.next_header([](const RecordHeader&, size_t) { return true; })) {
        EXPECT_TRUE(m->record.payload.empty());
        times.push_back(m->record.header.time_us);
    }
    EXPECT_EQ(times, (std::vector<int64_t>{1, 2, 3, 4}));
}

TEST(DecodeRecord, AMessageOrTheContractsReason) {
    const Bytes nonce = {1, 2, 3, 4, 5, 6, 7, 8};
    Record r;
    r.header = header(1, "ping");
    r.payload = nonce;
    DecodedRecord d = decode_record(r);
    ASSERT_TRUE(d.message);
    EXPECT_EQ(std::get<MsgPing>(*d.message).nonce, 0x0807060504030201u);
    EXPECT_TRUE(d.error.empty());
    r.payload = ByteSpan(nonce).first(3);
    EXPECT_EQ(decode_record(r).error, ERROR_UNDECODABLE);
    r.status = RecordStatus::Truncated;
    EXPECT_EQ(decode_record(r).error, ERROR_TRUNCATED);
    r.status = RecordStatus::Oversized;
    EXPECT_EQ(decode_record(r).error, ERROR_OVERSIZED);
    r.status = RecordStatus::Complete;
    r.header = header(1, "futuremsg");
    EXPECT_FALSE(decode_record(r).message);
    EXPECT_EQ(decode_record(r).error, ERROR_UNRECOGNIZED);
    r.header = header(1, "\x01ping");
    EXPECT_EQ(decode_record(r).error, ERROR_UNRECOGNIZED);
}

// Output buffers go back to the pool after a batch is written, and the next
// batch takes the smallest that holds it, so that formatting writes into
// memory already faulted in; new ones come in powers of two, so that one
// made for a block fits the next block of about its size.
TEST(OutputPool, GivesTheBestFitAndKeepsAtMostItsCap) {
    OutputPool pool(4u << 20);
    OutputBuffer first = pool.take(1000);  // nothing kept yet: a new, empty buffer
    EXPECT_TRUE(first.empty());
    EXPECT_EQ(first.capacity(), 64u << 10);
    OutputBuffer small, large;
    small.tail(64u << 10);
    large.tail(2u << 20);
    const char* small_at = small.view().data();
    const char* large_at = large.view().data();
    small.append("text");
    pool.give(std::move(small));
    pool.give(std::move(large));
    EXPECT_EQ(pool.kept_bytes(), (64u << 10) + (2u << 20));
    OutputBuffer fits = pool.take(32u << 10);  // the smallest that holds it
    EXPECT_EQ(fits.view().data(), small_at);
    EXPECT_TRUE(fits.empty());
    OutputBuffer next = pool.take(1u << 20);
    EXPECT_EQ(next.view().data(), large_at);
    EXPECT_EQ(pool.kept_bytes(), 0u);
    // None holds it: a new one, and the largest kept goes in its place.
    pool.give(std::move(next));
    OutputBuffer too_big_for_all = pool.take(3u << 20);
    EXPECT_EQ(too_big_for_all.capacity(), 4u << 20);
    EXPECT_EQ(pool.kept_bytes(), 0u);
    // Past the cap, the smallest kept buffers are freed: the two of 2 MiB stay.
    OutputBuffer second, third;
    second.tail(2u << 20);
    third.tail(2u << 20);
    pool.give(std::move(fits));
    pool.give(std::move(second));
    pool.give(std::move(third));
    EXPECT_EQ(pool.kept_bytes(), 4u << 20);
    EXPECT_EQ(pool.take(1u << 20).capacity(), 2u << 20);
    EXPECT_EQ(pool.take(1u << 20).capacity(), 2u << 20);
    EXPECT_EQ(pool.kept_bytes(), 0u);
    // A buffer over half the cap is not kept at all.
    pool.give(std::move(too_big_for_all));
    EXPECT_EQ(pool.kept_bytes(), 0u);
}

// The default number of threads counts only the cores this process may use
// (taskset) and that no other program is busy on.
TEST(Cores, AffinityLimitsTheUsableCores) {
    cpu_set_t saved;
    ASSERT_EQ(sched_getaffinity(0, sizeof saved, &saved), 0);
    cpu_set_t one;
    CPU_ZERO(&one);
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (CPU_ISSET(cpu, &saved)) {
            CPU_SET(cpu, &one);
            break;
        }
    }
    ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
    EXPECT_EQ(usable_cores(), 1u);
    ASSERT_EQ(sched_setaffinity(0, sizeof saved, &saved), 0);
    EXPECT_EQ(usable_cores(), static_cast<unsigned>(CPU_COUNT(&saved)));
}

TEST(Cores, BusyCoresAreNotCountedAsFree) {
    const unsigned cores = usable_cores();
    std::vector<pid_t> busy;
    for (unsigned i = 0; i < cores; ++i) {
        const pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            volatile uint64_t spin = 0;
            for (;;) spin = spin + 1;  // busy until killed
        }
        busy.push_back(pid);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const unsigned free_now = free_cores(cores);
    for (pid_t pid : busy) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
    }
    EXPECT_EQ(free_now, 1u) << "with " << cores << " other programs busy";
}
