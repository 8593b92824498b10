// The capture writer: layout, flush policy, compression, the size budget and
// failing disks (through the file-system seam).
#include <gtest/gtest.h>

#include <map>

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getFrameHeader
#include <zstd.h>

#include "msgcapture/format/capture_fs.h"
#include "msgcapture/format/capture_writer.h"
#include "msgcapture/format/record_reader.h"
#include "test_support.h"

using namespace msgcapture;
using testsupport::TempDir;
using namespace std::chrono_literals;

namespace {

// Keeps files in memory; can fail every write after a byte budget, like a full disk.
class MemoryFs : public CaptureFs {
public:
    std::map<std::string, Bytes> files;
    std::map<std::string, std::string> texts;
    int64_t space_left = -1;  // -1: unlimited
    int appends = 0;
    int descriptors_short = 0;  // this many next opens fail with EMFILE, as when descriptors run out
    bool close_fails = false;   // close(2) reports an error, as NFS or a quota can

    class File : public AppendFile {
    public:
        File(MemoryFs& fs, std::string path) : fs_(fs), path_(std::move(path)) {}
        void append(ByteSpan data) override {
            ++fs_.appends;
            if (fs_.space_left >= 0 && static_cast<int64_t>(data.size()) > fs_.space_left) {
                throw CaptureIoError("cannot write " + path_ + ": No space left on device");
            }
            if (fs_.space_left >= 0) fs_.space_left -= static_cast<int64_t>(data.size());
            auto& f = fs_.files[path_];
            f.insert(f.end(), data.begin(), data.end());
        }
        void close() override {
            if (fs_.close_fails) throw CaptureIoError("cannot close " + path_ + ": Input/output error");
        }

    private:
        MemoryFs& fs_;
        std::string path_;
    };

    void create_directories(const std::string&) override {}
    std::unique_ptr<AppendFile> open_append(const std::string& path) override {
        if (descriptors_short > 0 && descriptors_short--) throw CaptureIoError("cannot open " + path + ": Too many open files", true);
        files[path];
        return std::make_unique<File>(*this, path);
    }
    void write_file(const std::string& path, const std::string& content) override { texts[path] = content; }
};

SessionInfo session(int64_t id, const std::string& address = "127.0.0.1:18444") {
    SessionInfo s;
    s.peer_id = id;
    s.address = address;
    s.connection_type = "inbound";
    s.start_time_us = 1795313274322264 + id;
    s.network = "regtest";
    s.user_agent = "/msgcapture:0.1.0/";
    s.protocol_version = 70016;
    return s;
}

std::vector<std::string> read_types(const std::string& path) {
    std::vector<std::string> out;
    auto reader = RecordReader::open(path);
    Record r;
    while (reader.next(r)) out.emplace_back(r.header.msgtype_text());
    return out;
}

}  // namespace

TEST(SessionNames, FollowTheContract) {
    EXPECT_EQ(peer_directory_name("[2001:db8::1]:8333"), "[2001_db8__1]_8333");
    EXPECT_EQ(peer_directory_name("127.0.0.1:18444"), "127.0.0.1_18444");
    EXPECT_EQ(session_directory_name(1795313274322264, 7), "20261122T020754.322264Z_7");
    SessionInfo s = session(3);
    EXPECT_EQ(session_from_json(session_to_json(s)), s);
    EXPECT_FALSE(session_from_json("{}"));
    EXPECT_FALSE(session_from_json("not json"));
}

TEST(SessionNames, BitcoinCoreDirectoryNamesGiveTheAddressBack) {
    const std::string onion = std::string(56, 'a') + ".onion";
    const std::string i2p = std::string(52, 'b') + ".b32.i2p";
    for (const std::string& address : std::vector<std::string>{"127.0.0.1:50732", "[::1]:8333", "[2001:db8::1]:18444", "[fc00::7]:8333",
                                       onion + ":8333", i2p + ":0"}) {
        EXPECT_EQ(address_from_peer_directory_name(peer_directory_name(address)), address);
    }
    for (const char* name : {"", "_", "127.0.0.1", "127.0.0.1_", "127.0.0.1_65536", "127.0.0.1_8333x", "127.0.0.1_-1",
                             "127.0.0.300_8333", "[zz]_8333", "[__1_8333", "host.example_8333", "Bad.onion_1", ".onion_1",
                             "20261122T020754.322264Z_7", "message_capture"}) {
        EXPECT_FALSE(address_from_peer_directory_name(name)) << name;
    }
}

TEST(CaptureWriter, WritesOneDirectoryPerPeerAndSessionOnDisk) {
    TempDir dir;
    const std::string root = (dir / "message_capture").string();
    {
        CaptureWriter w({root}, posix_capture_fs(), {});
        w.open_session(session(1));
        w.record(1, Direction::Received, 10, "version", Bytes(100, 1));
        w.record(1, Direction::Sent, 11, "version", Bytes(100, 2));
        w.record(1, Direction::Received, 12, "verack", {});
        EXPECT_EQ(w.session_path(1), root + "/127.0.0.1_18444/20261122T020754.322265Z_1");
        w.close_session(1);
        w.open_session(session(2));  // a reconnect: a new session directory
        w.record(2, Direction::Sent, 13, "ping", Bytes(8, 0));
    }
    const std::string first = root + "/127.0.0.1_18444/20261122T020754.322265Z_1";
    EXPECT_EQ(read_types(first + "/msgs_recv.dat"), (std::vector<std::string>{"version", "verack"}));
    EXPECT_EQ(read_types(first + "/msgs_sent.dat"), (std::vector<std::string>{"version"}));
    EXPECT_EQ(session_from_json(testsupport::read_text(first + "/session.json")), session(1));
    EXPECT_EQ(read_types(root + "/127.0.0.1_18444/20261122T020754.322266Z_2/msgs_sent.dat"),
              (std::vector<std::string>{"ping"}));
}

TEST(CaptureWriter, BuffersUntilTheFlushIntervalThenWrites) {
    auto fs = std::make_shared<MemoryFs>();
    CaptureWriter w({"/cap", 0, false, 1000ms}, fs, {});
    w.open_session(session(1));
    const auto start = CaptureWriter::Clock::now();
    w.record(1, Direction::Received, 1, "ping", Bytes(8, 0));
    const std::string file = w.session_path(1) + "/msgs_recv.dat";
    w.flush_due(start + 500ms);
    EXPECT_EQ(fs->appends, 0);
    w.flush_due(start + 1100ms);
    EXPECT_EQ(fs->files[file].size(), 32u);
    w.record(1, Direction::Received, 2, "pong", Bytes(8, 0));
    w.close_session(1);  // the end of a session flushes
    EXPECT_EQ(fs->files[file].size(), 64u);
}

TEST(CaptureWriter, LargeBuffersAreWrittenBeforeTheInterval) {
    auto fs = std::make_shared<MemoryFs>();
    CaptureWriter w({"/cap", 0, false, 1h}, fs, {});
    w.open_session(session(1));
    for (int i = 0; i < 100; ++i) w.record(1, Direction::Sent, i, "block", Bytes(10000, 0));
    EXPECT_GT(fs->appends, 0);
}

TEST(CaptureWriter, CompressedFilesAreReadableAfterEachFlushAndAfterClose) {
    TempDir dir;
    const std::string root = (dir / "mc").string();
    CaptureWriter w({root, 0, true, 1000ms}, posix_capture_fs(), {});
    w.open_session(session(4));
    const std::string file = w.session_path(4) + "/msgs_recv.dat.zst";
    for (int i = 0; i < 50; ++i) w.record(4, Direction::Received, i, "inv", Bytes(37, static_cast<uint8_t>(i)));
    w.flush_all();
    EXPECT_EQ(read_types(file).size(), 50u);  // decodable while the session is still open
    w.record(4, Direction::Received, 99, "tx", Bytes(200, 9));
    w.close_session(4);
    std::vector<std::string> warnings;
    auto reader = RecordReader::open(file, [&](const std::string& s) { warnings.push_back(s); });
    Record r;
    int n = 0;
    while (reader.next(r)) ++n;
    EXPECT_EQ(n, 51);
    EXPECT_TRUE(warnings.empty());  // closed: the frame is complete

    // Each flush ended a checksummed frame: two frames, each complete on its own.
    const Bytes bytes = testsupport::read_file(file);
    size_t frames = 0;
    for (size_t at = 0; at < bytes.size(); ++frames) {
        ZSTD_frameHeader header{};
        ASSERT_EQ(ZSTD_getFrameHeader(&header, bytes.data() + at, bytes.size() - at), 0u);
        EXPECT_EQ(header.checksumFlag, 1u) << "frame " << frames;
        const size_t size = ZSTD_findFrameCompressedSize(bytes.data() + at, bytes.size() - at);
        ASSERT_FALSE(ZSTD_isError(size));
        at += size;
    }
    EXPECT_EQ(frames, 2u);
}

TEST(CaptureWriter, SizeBudgetStopsCaptureOnceAndLogsOnce) {
    auto fs = std::make_shared<MemoryFs>();
    std::vector<std::string> log;
    CaptureWriter w({"/cap", 100, false, 1000ms}, fs, [&](const std::string& s) { log.push_back(s); });
    w.open_session(session(1));
    w.record(1, Direction::Received, 1, "ping", Bytes(8, 0));  // 32 bytes
    w.record(1, Direction::Received, 2, "ping", Bytes(8, 0));  // 64
    w.record(1, Direction::Received, 3, "ping", Bytes(8, 0));  // 96
    EXPECT_TRUE(w.enabled());
    w.record(1, Direction::Received, 4, "ping", Bytes(8, 0));  // would be 128
    EXPECT_FALSE(w.enabled());
    w.record(1, Direction::Received, 5, "ping", Bytes(8, 0));
    w.open_session(session(2));
    ASSERT_EQ(log.size(), 1u);
    EXPECT_NE(log[0].find("-capturemaxsize"), std::string::npos);
    size_t total = 0;
    for (const auto& [path, data] : fs->files) total += data.size();
    EXPECT_EQ(total, 96u);  // what was accepted before the budget ran out reached the disk
}

TEST(CaptureWriter, FullDiskDisablesCaptureAndNeverThrows) {
    auto fs = std::make_shared<MemoryFs>();
    fs->space_left = 50;
    std::vector<std::string> log;
    CaptureWriter w({"/cap", 0, false, 0ms}, fs, [&](const std::string& s) { log.push_back(s); });
    w.open_session(session(1));
    for (int i = 0; i < 10; ++i) {
        EXPECT_NO_THROW(w.record(1, Direction::Sent, i, "ping", Bytes(8, 0)));
        EXPECT_NO_THROW(w.flush_due());
    }
    EXPECT_FALSE(w.enabled());
    ASSERT_EQ(log.size(), 1u);
    EXPECT_NE(log[0].find("No space left on device"), std::string::npos) << log[0];
}

TEST(CaptureWriter, UnwritableRootDisablesCaptureWithAReason) {
    std::vector<std::string> log;
    CaptureWriter w({"/proc/msgcapture-cannot-exist"}, posix_capture_fs(), [&](const std::string& s) { log.push_back(s); });
    w.open_session(session(1));
    w.record(1, Direction::Sent, 1, "ping", Bytes(8, 0));
    EXPECT_FALSE(w.enabled());
    ASSERT_EQ(log.size(), 1u);
    EXPECT_NE(log[0].find("/proc/msgcapture-cannot-exist"), std::string::npos) << log[0];
}

// Closing must end the zstd frame whether or not anything was flushed before
// (a session shorter than the flush interval has never opened its file).
TEST(CaptureWriter, CompressedSessionsAreCompleteHowEverTheyEnd) {
    for (bool flush_first : {false, true}) {
        TempDir dir;
        CaptureWriter w({(dir / "mc").string(), 0, true, 1000ms}, posix_capture_fs(), {});
        w.open_session(session(5));
        const std::string file = w.session_path(5) + "/msgs_sent.dat.zst";
        w.record(5, Direction::Sent, 1, "ping", Bytes(8, 1));
        if (flush_first) w.flush_all();
        w.close_session(5);
        std::vector<std::string> warnings;
        auto reader = RecordReader::open(file, [&](const std::string& s) { warnings.push_back(s); });
        Record r;
        int n = 0;
        while (reader.next(r)) ++n;
        EXPECT_EQ(n, 1);
        EXPECT_TRUE(warnings.empty()) << (flush_first ? "after a flush: " : "without a flush: ") << warnings.front();
    }
}

// A peer that reconnects many times a minute gets a bounded number of session
// directories; the limit is per IP, and in all; it frees up after a minute.
TEST(CaptureWriter, ReconnectStormsAreCappedPerIpAndInAll) {
    auto fs = std::make_shared<MemoryFs>();
    std::vector<std::string> log;
    CaptureOptions options{"/cap"};
    options.max_sessions_per_ip_per_minute = 3;
    options.max_sessions_per_minute = 5;
    CaptureWriter w(options, fs, [&](const std::string& s) { log.push_back(s); });
    const auto t0 = CaptureWriter::Clock::now();
    int admitted = 0;
    for (int i = 0; i < 20; ++i) admitted += w.open_session(session(i, "10.0.0.1:" + std::to_string(40000 + i)), t0) ? 1 : 0;
    EXPECT_EQ(admitted, 3);
    EXPECT_EQ(log.size(), 1u);  // one line for the storm, not one per connection
    EXPECT_TRUE(w.open_session(session(100, "10.0.0.2:1"), t0));
    EXPECT_TRUE(w.open_session(session(101, "[2001:db8::1]:1"), t0));
    EXPECT_FALSE(w.open_session(session(102, "10.0.0.3:1"), t0));  // five in all this minute
    w.record(5, Direction::Received, 1, "ping", Bytes(8, 0));       // a refused session's records are ignored
    EXPECT_TRUE(w.enabled());
    EXPECT_TRUE(w.open_session(session(103, "10.0.0.1:50000"), t0 + std::chrono::seconds(61)));
    EXPECT_EQ(fs->texts.size(), 6u);  // session.json files: one per admitted session
}

// Out of descriptors for a moment: the session it struck is not captured from
// then on, and capture goes on for the others and for new ones.
TEST(CaptureWriter, ATransientShortageEndsOnlyTheSessionItStruck) {
    auto fs = std::make_shared<MemoryFs>();
    std::vector<std::string> logged;
    CaptureOptions options;
    options.root = "/cap";
    CaptureWriter writer(options, fs, [&](const std::string& s) { logged.push_back(s); });
    ASSERT_TRUE(writer.open_session(session(2)));
    writer.record(2, Direction::Received, 2, "ping", Bytes(8, 2));
    // Files are made with their session: peer 1's cannot be.
    fs->descriptors_short = 1;
    EXPECT_FALSE(writer.open_session(session(1)));
    EXPECT_FALSE(writer.record(1, Direction::Received, 1, "ping", Bytes(8, 1)));
    writer.flush_all();
    EXPECT_TRUE(writer.enabled());
    EXPECT_EQ(writer.session_path(1), "");
    EXPECT_NE(writer.session_path(2), "");
    ASSERT_TRUE(writer.open_session(session(3)));
    writer.record(2, Direction::Received, 3, "pong", Bytes(8, 2));
    writer.record(3, Direction::Received, 4, "ping", Bytes(8, 3));
    writer.flush_all();
    size_t files_with_records = 0;
    for (const auto& [path, bytes] : fs->files) files_with_records += bytes.empty() ? 0 : 1;
    EXPECT_EQ(files_with_records, 2u);  // peers 2 and 3
    ASSERT_EQ(logged.size(), 1u);
    EXPECT_NE(logged[0].find("peer=1 is not captured from here on"), std::string::npos) << logged[0];
    EXPECT_NE(logged[0].find("Too many open files"), std::string::npos);
}

TEST(SessionIntervals, RoundTripAndGapsAreReported) {
    SessionInfo s = session(4);
    EXPECT_EQ(capture_gap_warning(s), "");  // a session.json from before intervals existed
    s.capture_intervals = {{1795313274000000, 1795313275000000}, {1795313277500000, std::nullopt}};
    const std::string text = session_to_json(s);
    EXPECT_NE(text.find("\"capture_intervals\""), std::string::npos);
    EXPECT_EQ(session_from_json(text), s);
    const auto gaps = capture_gaps(s);
    ASSERT_EQ(gaps.size(), 1u);
    EXPECT_EQ(gaps[0], (std::pair<int64_t, int64_t>{1795313275000000, 1795313277500000}));
    EXPECT_EQ(capture_gap_warning(s),
              "capture was off for part of this session, so its files miss the messages of 1 gap: "
              "2026-11-22T02:07:55.000000Z to 2026-11-22T02:07:57.500000Z");
    EXPECT_FALSE(session_from_json(R"({"peer_id":1,"address":"a","connection_type":"inbound","start_time":1,"network":"regtest",
        "user_agent":"x","protocol_version":1,"capture_intervals":{"start":1}})"));
}

TEST(CaptureWriter, PauseAndResumeKeepTheSessionAndRecordTheGap) {
    auto fs = std::make_shared<MemoryFs>();
    CaptureWriter w({"/cap"}, fs, {});
    SessionInfo s = session(1);
    s.capture_intervals = {{100, std::nullopt}};
    ASSERT_TRUE(w.open_session(s));
    const std::string dir = w.session_path(1);
    EXPECT_TRUE(w.record(1, Direction::Received, 110, "ping", Bytes(8, 0)));
    w.pause_session(1, 200);
    EXPECT_TRUE(w.session_paused(1));
    EXPECT_FALSE(w.record(1, Direction::Received, 210, "ping", Bytes(8, 0)));  // not written while paused
    auto on_disk = session_from_json(fs->texts[dir + "/session.json"]);
    ASSERT_TRUE(on_disk);
    EXPECT_EQ(on_disk->capture_intervals, (std::vector<CaptureInterval>{{100, 200}}));
    w.resume_session(1, 300);
    EXPECT_TRUE(w.record(1, Direction::Received, 310, "pong", Bytes(8, 0)));
    w.close_session(1, 400);
    on_disk = session_from_json(fs->texts[dir + "/session.json"]);
    EXPECT_EQ(on_disk->capture_intervals, (std::vector<CaptureInterval>{{100, 200}, {300, 400}}));
    EXPECT_EQ(fs->files[dir + "/msgs_recv.dat"].size(), 64u);  // the ping and the pong, not the paused ping
}

TEST(CaptureWriter, ACloseErrorIsReportedAndCaptureCanBeTurnedOnAgain) {
    auto fs = std::make_shared<MemoryFs>();
    std::vector<std::string> logged;
    CaptureWriter w({"/cap"}, fs, [&](const std::string& s) { logged.push_back(s); });
    w.open_session(session(1));
    w.record(1, Direction::Sent, 1, "ping", Bytes(8, 0));
    fs->close_fails = true;
    w.close_session(1);
    EXPECT_FALSE(w.enabled());
    EXPECT_NE(w.disabled_reason().find("cannot close"), std::string::npos);
    ASSERT_FALSE(logged.empty());
    EXPECT_NE(logged.back().find("message capture disabled: cannot close"), std::string::npos);
    fs->close_fails = false;
    w.enable();
    EXPECT_TRUE(w.enabled());
    EXPECT_EQ(w.disabled_reason(), "");
    EXPECT_TRUE(w.open_session(session(2)));
    EXPECT_TRUE(w.record(2, Direction::Sent, 2, "ping", Bytes(8, 0)));
    EXPECT_EQ(w.bytes_written(), 64u);  // both pings, across the failure
}
