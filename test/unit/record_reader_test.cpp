// The record reader: complete, torn and oversized records, in plain and zstd files.
#include <gtest/gtest.h>


#include <algorithm>
#include <filesystem>
#include <random>

#include "msgcapture/format/record_reader.h"
#include "test_support.h"

using namespace msgcapture;
using testsupport::TempDir;

namespace {

Bytes record(int64_t time, std::string_view type, const Bytes& payload) {
    Bytes out;
    append_record(out, time, type, payload);
    return out;
}

Bytes concat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

struct ReadResult {
    std::vector<Record> records;
    std::vector<Bytes> payloads;
    std::vector<std::string> warnings;
};

ReadResult read_all(const std::string& path) {
    ReadResult res;
    auto reader = RecordReader::open(path, [&](const std::string& w) { res.warnings.push_back(w); });
    Record r;
    while (reader.next(r)) {
        res.records.push_back(r);
        res.payloads.emplace_back(r.payload.begin(), r.payload.end());
    }
    return res;
}

// Each case runs on the plain file and on a zstd-compressed copy.
class RecordReaderTest : public ::testing::TestWithParam<bool> {
protected:
    std::string write(const Bytes& data) {
        const bool zstd = GetParam();
        auto path = dir_ / (zstd ? "msgs_recv.dat.zst" : "msgs_recv.dat");
        testsupport::write_file(path, zstd ? testsupport::zstd_compress(data) : data);
        return path.string();
    }
    TempDir dir_;
};

}  // namespace

TEST_P(RecordReaderTest, ReadsCompleteRecordsInOrder) {
    Bytes big(MAX_PROTOCOL_MESSAGE_LENGTH, 0x5a);  // one maximum-size payload
    auto path = write(concat({record(1, "ping", Bytes(8, 1)), record(2, "verack", {}), record(3, "block", big),
                              record(-4, "pong", Bytes(8, 2))}));
    auto res = read_all(path);
    ASSERT_EQ(res.records.size(), 4u);
    EXPECT_TRUE(res.warnings.empty());
    EXPECT_EQ(res.records[0].header.time_us, 1);
    EXPECT_EQ(res.records[0].header.msgtype_text(), "ping");
    EXPECT_EQ(res.payloads[0], Bytes(8, 1));
    EXPECT_EQ(res.records[1].header.length, 0u);
    EXPECT_EQ(res.payloads[2], big);
    EXPECT_EQ(res.records[3].header.time_us, -4);
    EXPECT_EQ(res.records[3].offset, 32u + 24 + 24 + big.size());
    for (const auto& r : res.records) EXPECT_EQ(r.status, RecordStatus::Complete);
}

TEST_P(RecordReaderTest, EmptyFileHasNoRecords) {
    auto res = read_all(write({}));
    EXPECT_TRUE(res.records.empty());
    EXPECT_TRUE(res.warnings.empty());
}

TEST_P(RecordReaderTest, TornHeaderEndsTheFileWithAWarningAndNoRecord) {
    Bytes data = concat({record(1, "ping", Bytes(8, 1)), Bytes(10, 7)});
    auto res = read_all(write(data));
    ASSERT_EQ(res.records.size(), 1u);
    ASSERT_EQ(res.warnings.size(), 1u);
    EXPECT_NE(res.warnings[0].find("torn header at offset 32"), std::string::npos) << res.warnings[0];
}

TEST_P(RecordReaderTest, TornPayloadGivesATruncatedRecord) {
    Bytes data = record(1, "pong", Bytes{1, 2, 3, 4, 5, 6, 7, 8});
    data.resize(data.size() - 3);
    auto res = read_all(write(data));
    ASSERT_EQ(res.records.size(), 1u);
    EXPECT_EQ(res.records[0].status, RecordStatus::Truncated);
    EXPECT_EQ(res.records[0].header.length, 8u);
    EXPECT_EQ(res.payloads[0], (Bytes{1, 2, 3, 4, 5}));
    ASSERT_EQ(res.warnings.size(), 1u);
    EXPECT_NE(res.warnings[0].find("5 of 8 bytes"), std::string::npos);
}

// A 4 GiB length with two bytes behind it: torn, and nothing near 4 GiB is
// allocated (the sanitizer build would fail the allocation).
TEST_P(RecordReaderTest, HugeDeclaredLengthAtTheEndIsATornRecord) {
    Bytes data = record(5, "tx", {});
    data[20] = data[21] = data[22] = data[23] = 0xff;
    data.push_back(1);
    data.push_back(2);
    auto res = read_all(write(data));
    ASSERT_EQ(res.records.size(), 1u);
    EXPECT_EQ(res.records[0].status, RecordStatus::Truncated);
    EXPECT_EQ(res.records[0].header.length, 0xffffffffu);
    EXPECT_EQ(res.payloads[0], (Bytes{1, 2}));
}

TEST_P(RecordReaderTest, OversizedRecordWithDataBehindItStopsTheFile) {
    Bytes data = record(5, "block", Bytes(MAX_PROTOCOL_MESSAGE_LENGTH + 10, 0));
    Bytes more = record(6, "ping", Bytes(8, 0));
    data.insert(data.end(), more.begin(), more.end());
    auto res = read_all(write(data));
    ASSERT_EQ(res.records.size(), 1u);
    EXPECT_EQ(res.records[0].status, RecordStatus::Oversized);
    EXPECT_TRUE(res.payloads[0].empty());
    ASSERT_EQ(res.warnings.size(), 1u);
    EXPECT_NE(res.warnings[0].find("over the 4000000-byte limit"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(PlainAndZstd, RecordReaderTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "zstd" : "plain"; });

TEST(RecordReaderZstd, StreamCutInsideAFrameReadsWhatIsThereAndWarns) {
    TempDir dir;
    Bytes data;
    for (int i = 0; i < 20000; ++i) {  // several zstd blocks
        Bytes r = record(i, "ping", Bytes(8, static_cast<uint8_t>(i * 7919 >> 3)));
        data.insert(data.end(), r.begin(), r.end());
    }
    Bytes compressed = testsupport::zstd_compress(data, 1);
    compressed.resize(compressed.size() / 2);
    auto path = dir / "msgs_sent.dat.zst";
    testsupport::write_file(path, compressed);
    auto res = read_all(path.string());
    EXPECT_GT(res.records.size(), 0u);
    EXPECT_LT(res.records.size(), 20000u);
    for (size_t i = 0; i + 1 < res.records.size(); ++i) EXPECT_EQ(res.records[i].header.time_us, static_cast<int64_t>(i));
    bool mentions_frame = false;
    for (const auto& w : res.warnings) mentions_frame |= w.find("inside a zstd frame") != std::string::npos;
    EXPECT_TRUE(mentions_frame);
}

TEST(RecordReaderZstd, CorruptDataIsAReadError) {
    TempDir dir;
    auto path = dir / "msgs_sent.dat.zst";
    // A frame whose only block has the reserved block type.
    testsupport::write_file(path, Bytes{0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x00, 0x07, 0x00, 0x00});
    EXPECT_THROW(read_all(path.string()), ReadError);
    testsupport::write_file(path, Bytes{'n', 'o', 't', ' ', 'z', 's', 't', 'd'});
    EXPECT_THROW(read_all(path.string()), ReadError);
}

TEST(RecordReaderOpen, MissingFileAndDirectoryAreReadErrors) {
    TempDir dir;
    try {
        RecordReader::open((dir / "missing.dat").string());
        FAIL() << "expected ReadError";
    } catch (const ReadError& e) {
        EXPECT_NE(std::string(e.what()).find("missing.dat"), std::string::npos);
    }
    EXPECT_THROW(RecordReader::open(dir.path().string()), ReadError);
}

TEST(RecordDirection, ComesFromTheFileName) {
    EXPECT_EQ(direction_from_file_name("msgs_recv.dat"), Direction::Received);
    EXPECT_EQ(direction_from_file_name("msgs_recv.dat.zst"), Direction::Received);
    EXPECT_EQ(direction_from_file_name("msgs_sent.dat"), Direction::Sent);
    EXPECT_EQ(direction_from_file_name("other.dat"), Direction::Sent);
}


TEST(RecordReaderZstd, AWindowOver8MiBIsRefusedNotAllocated) {
    TempDir dir;
    auto path = dir / "msgs_sent.dat.zst";
    testsupport::write_file(path, testsupport::zstd_compress_streamed(record(1, "ping", Bytes(8, 1)), 27));  // 128 MiB
    try {
        read_all(path.string());
        FAIL() << "expected ReadError";
    } catch (const ReadError& e) {
        EXPECT_NE(std::string(e.what()).find("window over 8 MiB"), std::string::npos) << e.what();
    }
    testsupport::write_file(path, testsupport::zstd_compress_streamed(record(1, "ping", Bytes(8, 1)), 23));  // 8 MiB: fine
    EXPECT_EQ(read_all(path.string()).records.size(), 1u);
}

// With a checksum (the capture writer writes one), a flipped byte anywhere in
// a frame is a ReadError, never different records.
TEST(RecordReaderZstd, AFlippedByteIsReportedAsCorruption) {
    TempDir dir;
    Bytes data;
    for (int i = 0; i < 40; ++i) {
        Bytes r = record(i, "tx", Bytes(50, static_cast<uint8_t>(i)));
        data.insert(data.end(), r.begin(), r.end());
    }
    const Bytes good = testsupport::zstd_compress_streamed(data, 20);
    auto path = dir / "msgs_sent.dat.zst";
    size_t checksum_errors = 0;
    for (size_t at = 4; at < good.size(); ++at) {
        Bytes bad = good;
        bad[at] ^= 0x20;
        testsupport::write_file(path, bad);
        try {
            // Without an error, what is read is what was written, up to a
            // point; a stream that stops early (a flipped block size looks like
            // a file cut off by a crash) says so in a warning.
            auto res = read_all(path.string());
            ASSERT_LE(res.payloads.size(), 40u);
            for (size_t i = 0; i < res.payloads.size(); ++i) {
                ASSERT_EQ(res.payloads[i], Bytes(50, static_cast<uint8_t>(i))) << "flip at " << at << " changed record " << i;
            }
            EXPECT_TRUE(res.payloads.size() == 40 || !res.warnings.empty()) << "flip at " << at << " lost records silently";
        } catch (const ReadError& e) {
            checksum_errors += std::string(e.what()).find("checksum does not match") != std::string::npos;
        }
    }
    EXPECT_GT(checksum_errors, 0u);
}

// Read in pieces of any size, a zstd stream gives the same bytes, even at the
// end of a file cut inside a frame, where the decoder still holds decoded
// bytes when the input runs out (the merge fuzzer found them dropped when a
// reopened file skipped a few bytes). Reopened at any offset, it goes on with
// the same bytes.
TEST(RecordReaderZstd, AnyReadSizeAndAnyReopenPointGiveTheSameBytes) {
    TempDir dir;
    // Random bytes: zstd stores them as raw blocks, which it decodes as their
    // bytes arrive, so a cut frame still yields part of its block.
    std::mt19937 rng(3);
    Bytes data(2000);
    for (auto& b : data) b = static_cast<uint8_t>(rng());
    Bytes file;
    for (size_t at = 0; at < data.size(); at += 400) {  // several frames
        auto frame = testsupport::zstd_compress(Bytes(data.begin() + static_cast<std::ptrdiff_t>(at),
                                                      data.begin() + static_cast<std::ptrdiff_t>(std::min(data.size(), at + 400))));
        file.insert(file.end(), frame.begin(), frame.end());
    }
    file.resize(file.size() - 100);  // cut inside the last frame's raw block
    const auto path = (dir / "msgs_recv.dat.zst").string();
    testsupport::write_file(path, file);
    auto read_all_bytes = [&](ByteSource& src, size_t piece) {
        Bytes out(piece);
        Bytes all;
        for (size_t n; (n = src.read(out.data(), piece)) > 0;) all.insert(all.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
        return all;
    };
    auto whole_source = open_byte_source(path);
    const Bytes whole = read_all_bytes(*whole_source, 1 << 16);
    ASSERT_GT(whole.size(), data.size() - 400);  // part of the cut frame too
    for (size_t piece : {1, 3, 64}) {
        auto src = open_byte_source(path);
        EXPECT_EQ(read_all_bytes(*src, piece), whole) << piece;
    }
    for (uint64_t offset = 0; offset < whole.size(); offset += 7) {
        auto at = whole_source->position_of(offset);
        ASSERT_TRUE(at) << offset;
        auto src = open_byte_source(path, *at);
        EXPECT_EQ(read_all_bytes(*src, 5), Bytes(whole.begin() + static_cast<std::ptrdiff_t>(offset), whole.end())) << offset;
    }
}

// Payloads are handed out where the reader read them. A caller that holds
// payload_keeper() keeps a payload readable, unchanged, after the reader has
// moved on (the pipeline's workers format it later, on other threads); the
// reader reads on into other buffers instead of writing over it.
TEST_P(RecordReaderTest, AHeldPayloadStaysAsItWasWhileTheReaderGoesOn) {
    Bytes data;
    std::vector<Bytes> expected;
    std::mt19937 rng(5);
    for (int i = 0; i < 600; ++i) {
        // Small records and some large ones, so that buffers are both refilled and replaced.
        Bytes payload(i % 50 == 0 ? 300'000 + rng() % 200'000 : rng() % 3000, 0);
        for (auto& b : payload) b = static_cast<uint8_t>(rng());
        append_record(data, i, "tx", payload);
        expected.push_back(std::move(payload));
    }
    const std::string path = write(data);
    BufferPool pool;
    auto reader = RecordReader::open(path);
    reader.share_buffers(&pool);
    struct Held {
        ByteSpan payload;
        std::shared_ptr<const void> keeper;
    };
    std::vector<Held> held;
    Record r;
    while (reader.next(r)) held.push_back({r.payload, reader.payload_keeper()});
    reader.release();
    ASSERT_EQ(held.size(), expected.size());
    for (size_t i = 0; i < held.size(); ++i) {
        ASSERT_TRUE(held[i].keeper) << i;
        ASSERT_TRUE(std::equal(held[i].payload.begin(), held[i].payload.end(), expected[i].begin(), expected[i].end())) << "record " << i;
    }
}

// Once nobody holds a buffer, the pool gives it out again rather than a fresh one.
TEST(BufferPool, ReusesABufferOnlyOnceNobodyHoldsIt) {
    BufferPool pool;
    std::shared_ptr<BufferPool::Buffer> a = pool.take(1 << 20);
    const uint8_t* first = a->data;
    std::shared_ptr<const void> held = a;  // a caller still reading a payload in it
    pool.give(std::move(a));
    std::shared_ptr<BufferPool::Buffer> b = pool.take(1 << 20);
    EXPECT_NE(b->data, first) << "a held buffer was given out again";
    held.reset();
    std::shared_ptr<BufferPool::Buffer> c = pool.take(1 << 20);
    EXPECT_EQ(c->data, first) << "an idle buffer was not reused";
    // Too large for the request by more than half: not taken.
    const uint8_t* big = c->data;
    pool.give(std::move(c));
    EXPECT_NE(pool.take(100 << 10)->data, big);
}

// Another program truncates the file while it is read: what is gone is a
// torn record with a warning, as in a file that was short to begin with,
// and records already handed out (and held) are unchanged.
TEST(RecordReader, AFileTruncatedWhileItIsReadEndsInATornRecord) {
    TempDir dir;
    const auto path = dir / "msgs_recv.dat";
    Bytes data;
    for (int i = 0; i < 3; ++i) append_record(data, i, "block", Bytes(200'000, static_cast<uint8_t>(i + 1)));
    testsupport::write_file(path, data);
    std::vector<std::string> warnings;
    auto reader = RecordReader::open(path.string(), [&](const std::string& w) { warnings.push_back(w); });
    Record r;
    ASSERT_TRUE(reader.next(r));
    const ByteSpan first = r.payload;
    const std::shared_ptr<const void> keeper = reader.payload_keeper();
    std::filesystem::resize_file(path, 24 + 200'000 + 24 + 150'000);  // into the second record
    ASSERT_TRUE(reader.next(r));
    EXPECT_EQ(r.status, RecordStatus::Truncated);
    EXPECT_EQ(r.payload.size(), 150'000u);
    EXPECT_FALSE(reader.next(r));
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("torn record at offset 200024: payload has 150000 of 200000 bytes"), std::string::npos) << warnings[0];
    EXPECT_TRUE(std::all_of(first.begin(), first.end(), [](uint8_t b) { return b == 1; }));
}
