// Reading captures that are still being written: a growing reader waits at
// the end instead of tearing a record, and a live merge releases records only
// up to its watermark, taking new files as they appear.
#include <gtest/gtest.h>

#include <fstream>
#include <limits>

#include "msgcapture/format/merge.h"
#include "msgcapture/format/record_reader.h"
#include "test_support.h"

using namespace msgcapture;
using testsupport::TempDir;
namespace fs = std::filesystem;

namespace {

Bytes record(int64_t time, uint8_t tag) {
    Bytes out;
    append_record(out, time, "ping", Bytes(8, tag));
    return out;
}

void append(const std::string& path, const Bytes& data) {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

Bytes slice(const Bytes& b, size_t from, size_t to) { return Bytes(b.begin() + static_cast<std::ptrdiff_t>(from), b.begin() + static_cast<std::ptrdiff_t>(to)); }

Bytes concat_records(std::initializer_list<std::pair<int64_t, uint8_t>> records) {
    Bytes out;
    for (auto [time, tag] : records) append_record(out, time, "ping", Bytes(8, tag));
    return out;
}

std::vector<int64_t> drain(RecordMerger& merger) {
    std::vector<int64_t> times;
    while (auto m = merger.next()) times.push_back(m->record.header.time_us);
    return times;
}

class GrowingReaderTest : public ::testing::TestWithParam<bool> {
protected:
    bool zstd() const { return GetParam(); }
    std::string path() const { return (dir_ / (zstd() ? "msgs_recv.dat.zst" : "msgs_recv.dat")).string(); }
    // Appends bytes as the writer does: as they are, or as one zstd frame per flush.
    void write(const Bytes& data) { append(path(), zstd() ? testsupport::zstd_compress(data) : data); }
    TempDir dir_;
    std::vector<std::string> warnings_;
    WarningHandler warn_ = [this](const std::string& w) { warnings_.push_back(w); };
};

}  // namespace

TEST_P(GrowingReaderTest, WaitsForTheRestOfARecordAndTearsNothingUntilFinal) {
    write(record(10, 1));
    auto reader = RecordReader::open(path(), warn_);
    reader.set_growing(true);
    Record r;
    ASSERT_TRUE(reader.next(r));
    EXPECT_EQ(r.header.time_us, 10);
    EXPECT_FALSE(reader.next(r));
    EXPECT_FALSE(reader.finished());

    // Half a record: not given, not torn.
    const Bytes second = record(20, 2);
    if (zstd()) {
        // Half a zstd frame: the decoder stops inside it without a warning.
        const Bytes frame = testsupport::zstd_compress(second);
        append(path(), slice(frame, 0, frame.size() / 2));
        EXPECT_FALSE(reader.next(r));
        append(path(), slice(frame, frame.size() / 2, frame.size()));
    } else {
        append(path(), slice(second, 0, 30));
        EXPECT_FALSE(reader.next(r));
        EXPECT_FALSE(reader.finished());
        append(path(), slice(second, 30, second.size()));
    }
    ASSERT_TRUE(reader.next(r));
    EXPECT_EQ(r.header.time_us, 20);
    EXPECT_EQ(r.status, RecordStatus::Complete);
    EXPECT_EQ(r.payload[0], 2);
    EXPECT_TRUE(warnings_.empty()) << warnings_[0];

    // The file is final with a torn record at its end: now it is reported.
    if (zstd()) {
        const Bytes frame = testsupport::zstd_compress(slice(record(30, 3), 0, 30));
        append(path(), frame);
    } else {
        append(path(), slice(record(30, 3), 0, 30));
    }
    EXPECT_FALSE(reader.next(r));
    reader.set_growing(false);
    ASSERT_TRUE(reader.next(r));
    EXPECT_EQ(r.status, RecordStatus::Truncated);
    EXPECT_FALSE(reader.next(r));
    EXPECT_TRUE(reader.finished());
    ASSERT_EQ(warnings_.size(), 1u);
    EXPECT_NE(warnings_[0].find("torn record"), std::string::npos) << warnings_[0];
}

TEST_P(GrowingReaderTest, AParkedReaderReopensWhereItWasAndRefusesAnotherFile) {
    write(record(10, 1));
    auto reader = RecordReader::open(path(), warn_);
    reader.set_growing(true);
    Record r;
    ASSERT_TRUE(reader.next(r));
    EXPECT_FALSE(reader.next(r));
    reader.park();
    ASSERT_TRUE(reader.parked());
    EXPECT_FALSE(reader.file_grew());
    write(record(20, 2));
    EXPECT_TRUE(reader.file_grew());
    ASSERT_TRUE(reader.next(r));
    EXPECT_EQ(r.header.time_us, 20);
    EXPECT_FALSE(reader.next(r));
    reader.park();

    // Rotated: the path now names another file, which is not read from the old offset.
    fs::rename(path(), path() + ".1");
    write(record(30, 3));
    write(record(40, 4));
    EXPECT_THROW(reader.next(r), ReadError);
}

INSTANTIATE_TEST_SUITE_P(PlainAndZstd, GrowingReaderTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Zstd" : "Plain"; });

TEST(LiveMerge, ReleasesOnlyUpToTheWatermark) {
    TempDir dir;
    const std::string a = (dir / "a.dat").string(), b = (dir / "b.dat").string();
    append(a, concat_records({{10, 1}, {30, 1}}));
    append(b, concat_records({{20, 2}}));
    std::vector<RecordReader> readers;
    for (const auto& p : {a, b}) {
        readers.push_back(RecordReader::open(p));
        readers.back().set_growing(true);
    }
    RecordMerger merger(std::move(readers));
    merger.set_horizon(0);
    // b waits at 20: 10 and 20 go out; 30 must wait, b may still write 25.
    EXPECT_EQ(drain(merger), (std::vector<int64_t>{10, 20}));
    EXPECT_EQ(merger.watermark(), 19);
    append(b, concat_records({{25, 2}}));
    merger.retry();
    EXPECT_EQ(drain(merger), (std::vector<int64_t>{25}));
    // Both wait now (a at 30, b at 25): nothing past 25 is released until
    // the horizon passes it.
    merger.set_horizon(29);
    EXPECT_EQ(drain(merger), (std::vector<int64_t>{}));
    merger.set_horizon(30);
    EXPECT_EQ(drain(merger), (std::vector<int64_t>{30}));

    // A new file joins, with an older record than the horizon: released at once.
    const std::string c = (dir / "c.dat").string();
    append(c, concat_records({{28, 3}, {40, 3}}));
    RecordReader rc = RecordReader::open(c);
    rc.set_growing(true);
    EXPECT_EQ(merger.add(std::move(rc)), 2u);
    EXPECT_EQ(drain(merger), (std::vector<int64_t>{28}));
    EXPECT_FALSE(merger.finished());
    for (size_t s = 0; s < 3; ++s) merger.finalize(s);
    EXPECT_EQ(drain(merger), (std::vector<int64_t>{40}));
    EXPECT_TRUE(merger.finished());
}

TEST(LiveMerge, ARotatedFileIsDroppedWithAWarningNotReadFromTheOldOffset) {
    TempDir dir;
    const std::string a = (dir / "a.dat.zst").string(), b = (dir / "b.dat").string();
    append(a, testsupport::zstd_compress(concat_records({{10, 1}})));
    append(b, concat_records({{5, 2}}));
    std::vector<RecordReader> readers;
    for (const auto& p : {a, b}) {
        readers.push_back(RecordReader::open(p));
        readers.back().set_growing(true);
    }
    std::vector<std::string> warnings;
    // One open file at a time: every other file is parked, to be reopened by its path.
    RecordMerger merger(std::move(readers), [&](const std::string& w) { warnings.push_back(w); }, MergeLimits{1, 128u << 20});
    merger.set_horizon(std::numeric_limits<int64_t>::min() + 1);
    EXPECT_EQ(drain(merger), (std::vector<int64_t>{5}));
    // a's head (10) is held back by b; then a is rotated: a new file takes its name.
    fs::rename(a, a + ".1");
    append(a, testsupport::zstd_compress(concat_records({{99, 9}})));
    merger.set_horizon(100);
    const auto rest = drain(merger);
    EXPECT_TRUE(rest.empty() || rest == std::vector<int64_t>{10});
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("another file now"), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[0].find("no longer followed"), std::string::npos) << warnings[0];
}

TEST(LiveMerge, TiesGoToTheSmallerKeyWhicheverFileCameFirst) {
    TempDir dir;
    const std::string first = (dir / "z.dat").string(), second = (dir / "a.dat").string();
    append(first, concat_records({{10, 1}, {20, 1}}));
    append(second, concat_records({{10, 2}, {20, 2}}));
    RecordMerger merger({});
    merger.add(RecordReader::open(first), first);
    merger.add(RecordReader::open(second), second);
    std::vector<size_t> sources;
    while (auto m = merger.next()) sources.push_back(m->source);
    EXPECT_EQ(sources, (std::vector<size_t>{1, 0, 1, 0}));
}

// Found by fuzz_growing_reader: a length over the limit with few bytes after
// it is a torn record or an oversized one depending on what follows, so a
// growing file waits, and tells it as a read of the finished file would.
TEST(GrowingReader, AnOversizedLengthIsJudgedOnlyOnceItsBytesOrTheEndAreThere) {
    TempDir dir;
    const std::string path = (dir / "msgs_recv.dat").string();
    Bytes header;
    append_record(header, 10, "block", {});
    header[20] = 0xff;  // the length: 0x7f0000ff, over the 4,000,000-byte limit
    header[23] = 0x7f;
    append(path, header);
    append(path, Bytes(37, 1));
    std::vector<std::string> warnings;
    auto reader = RecordReader::open(path, [&](const std::string& w) { warnings.push_back(w); });
    reader.set_growing(true);
    Record r;
    EXPECT_FALSE(reader.next(r));
    EXPECT_FALSE(reader.finished());
    append(path, Bytes(2000, 2));
    EXPECT_FALSE(reader.next(r));
    reader.set_growing(false);
    ASSERT_TRUE(reader.next(r));
    EXPECT_EQ(r.status, RecordStatus::Truncated);
    EXPECT_EQ(r.payload.size(), 2037u);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("payload has 2037 of"), std::string::npos) << warnings[0];
}

// A file may appear late (a session just opened): records newer than the
// time up to which every file is known wait, even when no known file does.
TEST(LiveMerge, RecordsWaitUntilEveryFileThatCouldHoldAnEarlierOneIsKnown) {
    TempDir dir;
    const std::string a = (dir / "a.dat").string();
    append(a, concat_records({{10, 1}, {20, 1}, {30, 1}}));
    RecordMerger merger({});
    RecordReader reader = RecordReader::open(a);
    reader.set_growing(true);
    merger.add(std::move(reader), a);
    merger.set_horizon(0, 15);
    EXPECT_EQ(drain(merger), (std::vector<int64_t>{10}));
    const std::string b = (dir / "b.dat").string();
    append(b, concat_records({{18, 2}}));
    RecordReader late = RecordReader::open(b);
    late.set_growing(true);
    merger.add(std::move(late), b);
    merger.set_horizon(0, 25);
    // b may still write more at 18 or later: 20 waits for it.
    EXPECT_EQ(drain(merger), (std::vector<int64_t>{18}));
    EXPECT_EQ(merger.watermark(), 17);
    merger.finalize(1);
    EXPECT_EQ(drain(merger), (std::vector<int64_t>{20}));
    EXPECT_EQ(merger.watermark(), 25) << "30 waits for files that may still appear";
}
