// message-capture-parser as a process: usage, output, errors and hostile input.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <cstring>
#include <random>
#include <sstream>

#include "msgcapture/format/record.h"
#include "msgcapture/format/session.h"
#include "test_support.h"

using nlohmann::json;
using namespace testsupport;

namespace {

fs::path core_capture() { return conformance_dir() / "core-regtest" / "message_capture"; }

size_t line_count(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST(Cli, HelpDescribesUsageAndOptions) {
    for (const char* flag : {"-h", "--help"}) {
        ProcessResult res = run_process({parser_binary(), flag});
        EXPECT_EQ(res.exit_code, 0);
        for (const char* text : {"capture_paths", "-o,--output", "-n,--no-progress-bar", "-j,--jobs", "-h,--help", "Exit status"}) {
            EXPECT_NE(res.out.find(text), std::string::npos) << text << " missing from:\n" << res.out;
        }
    }
}

TEST(Cli, NoArgumentsOrAnUnknownOptionIsAUsageError) {
    for (const auto& args : std::vector<std::vector<std::string>>{{}, {"--bogus", "x.dat"}}) {
        std::vector<std::string> argv = {parser_binary()};
        argv.insert(argv.end(), args.begin(), args.end());
        ProcessResult res = run_process(argv);
        EXPECT_EQ(res.exit_code, 2);
        EXPECT_TRUE(res.out.empty());
        EXPECT_NE(res.err.find("error"), std::string::npos) << res.err;
    }
}

TEST(Cli, StdoutAndOutputFileCarryTheSameJson) {
    TempDir dir;
    ProcessResult to_stdout = run_process({parser_binary(), core_capture().string()});
    ProcessResult to_file = run_process({parser_binary(), "-o", (dir / "out.json").string(), core_capture().string()});
    ASSERT_EQ(to_stdout.exit_code, 0) << to_stdout.err;
    ASSERT_EQ(to_file.exit_code, 0) << to_file.err;
    EXPECT_TRUE(to_file.out.empty());
    EXPECT_EQ(to_stdout.out, read_text(dir / "out.json"));
    json j = json::parse(to_stdout.out);
    EXPECT_EQ(j.size(), 625u);
    // One entry per line, so the output also works with grep and head.
    EXPECT_EQ(line_count(to_stdout.out), 625u + 2);
}

TEST(Cli, MissingFileIsAOneLineError) {
    ProcessResult res = run_process({parser_binary(), "/nonexistent/msgs_recv.dat"});
    EXPECT_EQ(res.exit_code, 1);
    EXPECT_TRUE(res.out.empty());
    EXPECT_EQ(line_count(res.err), 1u);
    EXPECT_NE(res.err.find("/nonexistent/msgs_recv.dat"), std::string::npos) << res.err;
}

TEST(Cli, UnwritableOutputIsAnError) {
    ProcessResult res = run_process({parser_binary(), "-o", "/nonexistent/dir/out.json", core_capture().string()});
    EXPECT_EQ(res.exit_code, 1);
    EXPECT_NE(res.err.find("cannot write /nonexistent/dir/out.json"), std::string::npos) << res.err;
}

TEST(Cli, EmptyDirectoryGivesAnEmptyArrayAndAWarning) {
    TempDir dir;
    ProcessResult res = run_process({parser_binary(), dir.path().string()});
    EXPECT_EQ(res.exit_code, 0);
    EXPECT_EQ(json::parse(res.out), json::array());
    EXPECT_NE(res.err.find("no capture files"), std::string::npos) << res.err;
}

// Random bytes named like a capture file: no crash, exit 0, valid JSON.
TEST(Cli, RandomGarbageNeverCrashes) {
    std::mt19937_64 rng(2026);
    TempDir dir;
    for (int round = 0; round < 40; ++round) {
        msgcapture::Bytes garbage(rng() % 5000);
        for (auto& b : garbage) b = static_cast<uint8_t>(rng());
        if (round % 2 == 0 && garbage.size() > 24) {
            garbage[20] = static_cast<uint8_t>(rng() % 64);  // plausible lengths, so payloads get decoded
            garbage[21] = garbage[22] = garbage[23] = 0;
            const char* type = round % 4 == 0 ? "tx" : "version";
            std::fill(garbage.begin() + 8, garbage.begin() + 20, 0);
            std::copy(type, type + std::strlen(type), garbage.begin() + 8);
        }
        write_file(dir / "msgs_recv.dat", garbage);
        ProcessResult res = run_process({parser_binary(), (dir / "msgs_recv.dat").string()});
        ASSERT_EQ(res.exit_code, 0) << res.err;
        json parsed;
        ASSERT_NO_THROW(parsed = json::parse(res.out)) << res.out.substr(0, 200);
        EXPECT_TRUE(parsed.is_array());
    }
}

TEST(Cli, CorruptZstdFailsWithAReasonAndStillClosesTheArray) {
    TempDir dir;
    msgcapture::Bytes good;
    msgcapture::append_record(good, 1, "verack", {});
    msgcapture::Bytes data = zstd_compress(good);
    data.insert(data.end(), {0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x00, 0x07, 0x00, 0x00});  // a corrupt second frame
    write_file(dir / "msgs_sent.dat.zst", data);
    ProcessResult res = run_process({parser_binary(), (dir / "msgs_sent.dat.zst").string()});
    EXPECT_EQ(res.exit_code, 1);
    EXPECT_NE(res.err.find("cannot decompress"), std::string::npos) << res.err;
    EXPECT_EQ(json::parse(res.out).size(), 1u);
}

// Entries are formatted in batches on worker threads; whatever the number of
// threads, the output is the same bytes in the same order. The capture spans
// many batches and several files; on the block-heavy mix, blocks are batches
// of their own between batches of small messages.
class CliJobs : public ::testing::TestWithParam<const char*> {};

TEST_P(CliJobs, AnyNumberOfJobsGivesTheSameOutput) {
    TempDir dir;
    ProcessResult gen =
        run_process({generator_binary(), "--mix", GetParam(), "--size", "6", "--seed", "3", "--peers", "3", "-o", (dir / "capture").string()});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    ProcessResult one = run_process({parser_binary(), "-j", "1", (dir / "capture").string()});
    ASSERT_EQ(one.exit_code, 0) << one.err;
    // One entry per line (doc/parser.md): counted without building a 23 MB
    // document, which took about 20 s under the sanitizers.
    size_t entries = 0;
    for (size_t at = one.out.find("\n{"); at != std::string::npos; at = one.out.find("\n{", at + 1)) ++entries;
    EXPECT_NE(gen.out.find(": " + std::to_string(entries) + " records"), std::string::npos) << gen.out;
    for (const char* jobs : {"2", "3", "8", "0"}) {
        ProcessResult many = run_process({parser_binary(), "--jobs", jobs, (dir / "capture").string()});
        ASSERT_EQ(many.exit_code, 0) << many.err;
        EXPECT_TRUE(many.out == one.out) << "-j " << jobs << " differs from -j 1";
    }
}

INSTANTIATE_TEST_SUITE_P(Mixes, CliJobs, ::testing::Values("mainnet", "blocks"));

// A message whose JSON is too large to have another beside it in flight (a
// maximum-size transaction of empty outputs makes 18 MB) is formatted on the
// main thread once everything before it is out: the output is the same.
TEST(Cli, MaximumSizeMessagesGiveTheSameOutputOnAnyNumberOfJobs) {
    TempDir dir;
    ProcessResult gen = run_process({generator_binary(), "--mix", "dense", "--size", "6", "--peers", "1", "-o", (dir / "capture").string()});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    ProcessResult one = run_process({parser_binary(), "-f", "ndjson", "-j", "1", (dir / "capture").string()});
    ASSERT_EQ(one.exit_code, 0) << one.err;
    EXPECT_EQ(std::count(one.out.begin(), one.out.end(), '\n'), 2);
    ProcessResult two = run_process({parser_binary(), "-f", "ndjson", "-j", "2", (dir / "capture").string()});
    ASSERT_EQ(two.exit_code, 0) << two.err;
    EXPECT_TRUE(two.out == one.out);
}

// capture-generator --mix blocks is what real captures are like: by bytes
// mostly blocks of 200 kB to 2 MB, and headers; by count mostly inv,
// getdata and tx.
TEST(CaptureGenerator, TheBlockMixIsMostlyBlocksByBytesAndSmallMessagesByCount) {
    TempDir dir;
    ProcessResult gen = run_process({generator_binary(), "--mix", "blocks", "--size", "10", "--seed", "5", "-o", (dir / "capture").string()});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    ProcessResult stats = run_process({parser_binary(), "--stats", "--format", "json", (dir / "capture").string()});
    ASSERT_EQ(stats.exit_code, 0) << stats.err;
    const json summary = json::parse(stats.out);
    uint64_t messages = 0, bytes = 0, block_bytes = 0, headers_bytes = 0, small_count = 0;
    for (const json& row : summary["types"]) {
        const std::string type = row["msgtype"];
        messages += row["messages"].get<uint64_t>();
        bytes += row["bytes"].get<uint64_t>();
        if (type == "block") block_bytes += row["bytes"].get<uint64_t>();
        if (type == "headers") headers_bytes += row["bytes"].get<uint64_t>();
        if (type == "inv" || type == "getdata" || type == "tx") small_count += row["messages"].get<uint64_t>();
    }
    EXPECT_GT(block_bytes, bytes * 7 / 10) << stats.out;
    EXPECT_GT(headers_bytes, bytes / 50) << stats.out;
    EXPECT_GT(small_count, messages * 8 / 10) << stats.out;
    ProcessResult blocks = run_process({parser_binary(), "-f", "ndjson", "--type", "block", (dir / "capture").string()});
    ASSERT_EQ(blocks.exit_code, 0) << blocks.err;
    std::istringstream lines(blocks.out);
    for (std::string line; std::getline(lines, line);) {
        const uint64_t size = json::parse(line)["size"];
        EXPECT_GE(size, 200'000u);
        EXPECT_LE(size, 2'001'000u);
    }
}

// A file that fails part way: every entry read before the failure is written,
// in order, and the array is closed, with one thread or several.
TEST(Cli, ReadFailureAfterManyBatchesKeepsEverythingBefore) {
    TempDir dir;
    msgcapture::Bytes good;
    const size_t count = 3000;
    for (size_t i = 0; i < count; ++i) {
        msgcapture::append_record(good, static_cast<int64_t>(i), "tx", msgcapture::Bytes(200, static_cast<uint8_t>(i)));
    }
    msgcapture::Bytes data = zstd_compress(good);
    data.insert(data.end(), {0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x00, 0x07, 0x00, 0x00});  // a corrupt second frame
    write_file(dir / "msgs_sent.dat.zst", data);
    std::string first_output;
    for (const char* jobs : {"1", "2", "4"}) {
        ProcessResult res = run_process({parser_binary(), "-j", jobs, (dir / "msgs_sent.dat.zst").string()});
        EXPECT_EQ(res.exit_code, 1);
        EXPECT_NE(res.err.find("cannot decompress"), std::string::npos) << res.err;
        json parsed = json::parse(res.out);
        ASSERT_EQ(parsed.size(), count);
        EXPECT_EQ(parsed.back()["time"], count - 1);
        if (first_output.empty()) first_output = res.out;
        EXPECT_TRUE(res.out == first_output) << "-j " << jobs;
    }
}

TEST(Cli, BadJobCountIsAUsageError) {
    for (const char* jobs : {"-1", "many", "100000"}) {
        ProcessResult res = run_process({parser_binary(), "-j", jobs, core_capture().string()});
        EXPECT_EQ(res.exit_code, 2) << jobs;
        EXPECT_TRUE(res.out.empty());
    }
}

TEST(Cli, ADirectoryFileAndItsDuplicateAreReadOnce) {
    fs::path file = core_capture() / "127.0.0.1_50732" / "msgs_recv.dat";
    ProcessResult once = run_process({parser_binary(), file.string()});
    ProcessResult twice = run_process({parser_binary(), file.string(), file.string()});
    EXPECT_EQ(once.out, twice.out);
}

// The progress bar goes to stderr only when it is a terminal; `script` gives
// the parser a pseudo-terminal.
TEST(Cli, ProgressBarOnlyOnATerminalAndNotWithNoProgressBar) {
    TempDir dir;
    const std::string out = (dir / "out.json").string();
    const std::string cmd = parser_binary() + " -o " + out + " " + core_capture().string();
    ProcessResult tty = run_process({MSGCAPTURE_SCRIPT_BINARY, "-qec", cmd, "/dev/null"});
    EXPECT_EQ(tty.exit_code, 0);
    EXPECT_NE(tty.out.find("100%"), std::string::npos) << tty.out;
    ProcessResult quiet = run_process({MSGCAPTURE_SCRIPT_BINARY, "-qec", cmd + " -n", "/dev/null"});
    EXPECT_EQ(quiet.out.find("%"), std::string::npos) << quiet.out;
    ProcessResult piped = run_process({parser_binary(), "-o", out, core_capture().string()});
    EXPECT_TRUE(piped.err.empty()) << piped.err;
}

// Our node writes session.json beside each connection's files; the parser
// labels that connection's entries with it. Bitcoin Core's files have none.
TEST(Cli, SessionJsonLabelsEntriesWithThePeer) {
    TempDir dir;
    const fs::path session = dir / "message_capture" / "127.0.0.1_18444" / "20261122T020754.322264Z_3";
    msgcapture::SessionInfo info{3, "127.0.0.1:18444", "outbound-full-relay", 1795313274322264, "regtest", "/msgcapture:0.1.0/", 70016, {}, {}};
    write_session_json(session, info);
    msgcapture::Bytes records;
    msgcapture::append_record(records, 1, "verack", {});
    write_file(session / "msgs_recv.dat", records);
    write_file(dir / "other" / "msgs_sent.dat", records);  // no session.json: no label

    ProcessResult res = run_process({parser_binary(), (dir / "message_capture").string(), (dir / "other").string()});
    ASSERT_EQ(res.exit_code, 0) << res.err;
    json j = json::parse(res.out);
    ASSERT_EQ(j.size(), 2u);
    EXPECT_EQ(j[0]["peer"], json::parse(R"({"id": 3, "address": "127.0.0.1:18444", "connection_type": "outbound-full-relay",
                                             "session": "20261122T020754.322264Z_3"})"));
    EXPECT_FALSE(j[1].contains("peer"));
}
