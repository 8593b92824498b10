// message-capture-parser --follow on captures being written: real nodes and
// real processes, and files that are truncated, rotated and deleted while
// they are followed.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "background_process.h"
#include "msgcapture/format/record.h"
#include "node_process.h"
#include "test_support.h"

using namespace functional;
using nlohmann::json;
namespace fs = testsupport::fs;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Appends one ping record at `time` to a capture file, as the writer's flush does.
void append_ping(const fs::path& file, int64_t time, uint8_t tag = 0) {
    msgcapture::Bytes record;
    msgcapture::append_record(record, time, "ping", msgcapture::Bytes(8, tag));
    std::ofstream out(file, std::ios::binary | std::ios::app);
    out.write(reinterpret_cast<const char*>(record.data()), static_cast<std::streamsize>(record.size()));
}

uint64_t peak_rss_bytes(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("VmHWM:")) return std::stoull(line.substr(6)) * 1024;
    }
    return 0;
}

std::vector<std::string> follow_args(const std::string& dir, bool poll, std::vector<std::string> more = {}) {
    std::vector<std::string> args = {testsupport::parser_binary(), dir, "--follow"};
    if (poll) args.push_back("--poll");
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

size_t count_lines(BackgroundProcess& p) { return lines_of(p.out()).size(); }

class Follow : public ::testing::TestWithParam<bool> {};

}  // namespace

namespace {

// Two nodes exchange a handshake, pings and blocks while the parser follows
// one node's capture from before the first session exists. Every record is
// printed within seconds, in time order, and once both nodes stop, the
// follower has printed exactly what a parse of the finished files prints.
void follow_two_nodes(bool poll, bool compress) {
    std::vector<std::string> options = {"-connect=0", "-capturemessages"};
    if (compress) options.push_back("-capturecompress");
    NodeProcess a(options);
    fs::create_directories(a.capture_dir());
    BackgroundProcess follower(follow_args(a.capture_dir().string(), poll));
    a.start();
    NodeProcess b({"-connect=" + a.address(), "-capturemessages"});
    b.start();

    ASSERT_TRUE(wait_until([&] { return follower.out().find("\"msgtype\": \"verack\"") != std::string::npos; }, std::chrono::seconds(10)))
        << follower.err();
    b.generate(3);
    const auto mined = std::chrono::steady_clock::now();
    ASSERT_TRUE(wait_until([&] { return follower.out().find("\"msgtype\": \"block\"") != std::string::npos; }, std::chrono::seconds(10)))
        << follower.err();
    // The grace period (2 s) plus a tick and a flush: well within 5 s.
    EXPECT_LT(std::chrono::steady_clock::now() - mined, std::chrono::seconds(5));

    EXPECT_EQ(b.stop(), 0);
    EXPECT_EQ(a.stop(), 0);
    const auto parsed = testsupport::run_process({testsupport::parser_binary(), a.capture_dir().string(), "--format", "ndjson"});
    ASSERT_EQ(parsed.exit_code, 0) << parsed.err;
    const std::vector<std::string> offline = lines_of(parsed.out);
    ASSERT_GT(offline.size(), 10u);
    ASSERT_TRUE(wait_until([&] { return count_lines(follower) >= offline.size(); }, std::chrono::seconds(10)))
        << count_lines(follower) << " of " << offline.size() << "\n" << follower.err();
    EXPECT_EQ(follower.stop(SIGINT), 0);
    const std::vector<std::string> followed = lines_of(follower.out());
    EXPECT_EQ(followed, offline);
    EXPECT_EQ(follower.err(), "");
}

}  // namespace

TEST_P(Follow, PrintsTwoNodesTrafficAsItHappensAndMatchesTheOfflineParse) { follow_two_nodes(GetParam(), false); }

// The same with -capturecompress: the writer ends a zstd frame at each flush,
// and the follower reads each as it lands, never warning about half a frame.
TEST(FollowCompressed, PrintsTwoNodesTrafficFromGrowingZstdFiles) { follow_two_nodes(false, true); }

// A session directory appears and goes away; files are truncated, rotated
// and deleted while followed. Each gets a clear warning, records that come
// later are still printed, and Ctrl-C ends the run cleanly.
TEST_P(Follow, TruncatedRotatedAndDeletedFilesWarnAndTheFollowerCarriesOn) {
    testsupport::TempDir dir;
    const fs::path root = dir / "message_capture";
    std::map<std::string, fs::path> file;
    for (const std::string name : {"truncated", "rotated", "deleted", "steady"}) {
        const fs::path session = root / "127.0.0.1_18444" / name;
        fs::create_directories(session);
        file[name] = session / "msgs_recv.dat";
        append_ping(file[name], now_us() - 10'000'000);
    }
    BackgroundProcess follower(follow_args(root.string(), GetParam()));
    ASSERT_TRUE(wait_until([&] { return count_lines(follower) == 4; }, std::chrono::seconds(10))) << follower.err();

    append_ping(file["truncated"], now_us());
    fs::resize_file(file["truncated"], 0);
    ASSERT_TRUE(follower.wait_for_output("truncated/msgs_recv.dat: shrank from", std::chrono::seconds(5))) << follower.err();

    fs::rename(file["rotated"], file["rotated"].string() + ".1");
    append_ping(file["rotated"], now_us(), 7);
    ASSERT_TRUE(follower.wait_for_output("rotated/msgs_recv.dat: another file has taken its name", std::chrono::seconds(5))) << follower.err();

    fs::remove(file["deleted"]);
    ASSERT_TRUE(follower.wait_for_output("deleted/msgs_recv.dat: deleted while being followed", std::chrono::seconds(5))) << follower.err();

    // A session that appears, is written to, and goes away again.
    const fs::path passing = root / "127.0.0.1_18445" / "passing";
    fs::create_directories(passing);
    append_ping(passing / "msgs_sent.dat", now_us(), 9);
    ASSERT_TRUE(wait_until([&] { return follower.out().find("\"ping\"") != std::string::npos && count_lines(follower) >= 6; },
                           std::chrono::seconds(10)))
        << follower.out() << follower.err();
    fs::remove_all(passing.parent_path());
    append_ping(file["steady"], now_us(), 5);
    ASSERT_TRUE(wait_until([&] { return count_lines(follower) >= 7; }, std::chrono::seconds(10))) << follower.out() << follower.err();

    EXPECT_TRUE(follower.running());
    EXPECT_EQ(follower.stop(SIGINT), 0);
    const auto lines = lines_of(follower.out());
    ASSERT_EQ(lines.size(), 7u) << follower.out();
    // The rotated file's successor (tag 7), the passing session (9) and the steady file (5) came through.
    std::string tags;
    for (const auto& line : lines) tags += std::to_string(json::parse(line)["body"]["nonce"].get<uint64_t>() & 0xff) + " ";
    EXPECT_EQ(tags, "0 0 0 0 7 9 5 ") << follower.out();
    for (const auto& line : lines_of(follower.err())) EXPECT_NE(line.find("warning:"), std::string::npos) << line;
}

INSTANTIATE_TEST_SUITE_P(InotifyAndPolling, Follow, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Polling" : "Inotify"; });

// --until ends a followed run by itself, with a complete JSON array.
TEST(FollowUntil, EndsOnceTheWatermarkPassesUntilWithCompleteOutput) {
    testsupport::TempDir dir;
    const fs::path session = dir / "127.0.0.1_18444" / "s";
    fs::create_directories(session);
    const int64_t start = now_us();
    append_ping(session / "msgs_recv.dat", start - 1'000'000, 1);
    const int64_t until = start + 1'000'000;
    BackgroundProcess follower({testsupport::parser_binary(), dir.path().string(), "--follow", "--format", "json", "--until",
                                std::to_string(until)});
    append_ping(session / "msgs_recv.dat", start + 500'000, 2);
    append_ping(session / "msgs_recv.dat", until, 3);  // not before --until
    ASSERT_TRUE(wait_until([&] { return !follower.running(); }, std::chrono::seconds(10))) << follower.err();
    EXPECT_EQ(follower.stop(SIGKILL), 0);
    const json out = json::parse(follower.out());
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0]["time"], start - 1'000'000);
    EXPECT_EQ(out[1]["time"], start + 500'000);
}

// 1,000 sessions written to at once: every record comes through, and the
// follower's memory stays bounded (files past the merge's limit are parked).
TEST(FollowScale, AThousandLiveSessionsInBoundedMemory) {
    testsupport::TempDir dir;
    std::vector<fs::path> files;
    for (int s = 0; s < 1000; ++s) {
        const fs::path session = dir / ("127.0.0." + std::to_string(1 + s / 250) + "_" + std::to_string(18000 + s)) / "session";
        fs::create_directories(session);
        files.push_back(session / "msgs_recv.dat");
        files.push_back(session / "msgs_sent.dat");
    }
    BackgroundProcess follower(follow_args(dir.path().string(), false));
    constexpr int ROUNDS = 3;
    for (int round = 0; round < ROUNDS; ++round) {
        const int64_t t = now_us();
        for (size_t i = 0; i < files.size(); ++i) append_ping(files[i], t + static_cast<int64_t>(i), static_cast<uint8_t>(round));
        std::this_thread::sleep_for(std::chrono::milliseconds(700));
    }
    const size_t expected = files.size() * ROUNDS;
    ASSERT_TRUE(wait_until([&] { return count_lines(follower) >= expected; }, std::chrono::seconds(30)))
        << count_lines(follower) << " of " << expected << "\n" << follower.err().substr(0, 2000);
    const uint64_t peak = peak_rss_bytes(follower.pid());
    EXPECT_EQ(follower.stop(SIGINT), 0);
    EXPECT_EQ(count_lines(follower), expected);
    EXPECT_EQ(follower.err(), "");
    // 2,000 files, 256 of them open at a time with a 64 KiB buffer each.
    EXPECT_MEMORY_BELOW(peak, 100u << 20);
    std::printf("2,000 followed files: peak RSS %.1f MB\n", static_cast<double>(peak) / 1e6);
}
