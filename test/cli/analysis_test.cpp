// The parser as an analysis tool (doc/parser.md): NDJSON, filters, --stats,
// --annotate, standard input and output. Each is checked against the same
// selection made on the full JSON output, which the conformance tests pin.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "msgcapture/format/session.h"
#include "msgcapture/format/utc_time.h"
#include "msgcapture/pipeline/corpus_format.h"
#include "msgcapture/protocol/hash.h"
#include "msgcapture/protocol/message.h"
#include "test_support.h"

using nlohmann::json;
using namespace testsupport;

namespace {

fs::path core_capture() { return conformance_dir() / "core-regtest" / "message_capture"; }

json run_json(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {parser_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult res = run_process(argv);
    EXPECT_EQ(res.exit_code, 0) << res.err;
    return json::parse(res.out);
}

json select(const json& all, const std::function<bool(const json&)>& keep, size_t limit = SIZE_MAX) {
    json out = json::array();
    for (const json& e : all) {
        if (out.size() == limit) break;
        if (keep(e)) out.push_back(e);
    }
    return out;
}

// Our node's layout: a session directory with session.json, for peer ids and session names.
fs::path write_our_session(const fs::path& root, int64_t peer_id, const std::string& address, int64_t start) {
    msgcapture::SessionInfo info{peer_id, address, "inbound", start, "regtest", "/msgcapture:0.1.0/", 70016, {}, {}};
    const fs::path dir = root / msgcapture::peer_directory_name(address) / msgcapture::session_directory_name(start, peer_id);
    write_session_json(dir, info);
    msgcapture::Bytes recv, sent;
    for (int i = 0; i < 5; ++i) {
        msgcapture::append_record(recv, start + 10 * i, "ping", msgcapture::Bytes(8, static_cast<uint8_t>(i)));
        msgcapture::append_record(sent, start + 10 * i + 5, "pong", msgcapture::Bytes(8, static_cast<uint8_t>(i)));
    }
    write_file(dir / "msgs_recv.dat", recv);
    write_file(dir / "msgs_sent.dat", sent);
    return dir;
}

}  // namespace

TEST(Analysis, NdjsonEqualsTheArrayEntryForEntry) {
    TempDir dir;
    ProcessResult gen = run_process({generator_binary(), "--size", "3", "--seed", "5", "--peers", "3", "-o", (dir / "cap").string()});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    for (const fs::path& capture : {core_capture(), dir / "cap"}) {
        const json array = run_json({capture.string()});
        const std::vector<json> lines = run_parser_ndjson({capture.string()});
        ASSERT_EQ(lines.size(), array.size());
        for (size_t i = 0; i < lines.size(); ++i) ASSERT_EQ(lines[i], array[i]) << "entry " << i;
    }
    // And byte for byte: each line is the array's line without its comma.
    ProcessResult a = run_process({parser_binary(), core_capture().string()});
    ProcessResult n = run_process({parser_binary(), "-f", "ndjson", core_capture().string()});
    std::string joined = "[\n";
    std::istringstream lines(n.out);
    bool first = true;
    for (std::string line; std::getline(lines, line); first = false) joined += (first ? "" : ",\n") + line;
    EXPECT_TRUE(a.out == joined + "\n]\n");
}

TEST(Analysis, EachFilterEqualsTheSameSelectionOnTheFullOutput) {
    const json all = run_json({core_capture().string()});
    ASSERT_EQ(all.size(), 625u);
    const int64_t t0 = all[100]["time"], t1 = all[400]["time"];
    struct Case {
        std::vector<std::string> args;
        std::function<bool(const json&)> keep;
        size_t limit = SIZE_MAX;
    };
    const std::vector<Case> cases = {
        {{"--type", "inv"}, [](const json& e) { return e["msgtype"] == "inv"; }},
        {{"--type", "ping,pong", "-t", "tx"}, [](const json& e) { return e["msgtype"] == "ping" || e["msgtype"] == "pong" || e["msgtype"] == "tx"; }},
        {{"--not-type", "block,cmpctblock"}, [](const json& e) { return e["msgtype"] != "block" && e["msgtype"] != "cmpctblock"; }},
        {{"--type", "futuremsg"}, [](const json& e) { return e["msgtype"] == "futuremsg"; }},
        {{"--direction", "recv"}, [](const json& e) { return e["direction"] == "recv"; }},
        {{"-d", "sent", "-t", "headers"}, [](const json& e) { return e["direction"] == "sent" && e["msgtype"] == "headers"; }},
        {{"--peer", "127.0.0.1:50744"}, [](const json& e) { return e["peer"]["address"] == "127.0.0.1:50744"; }},
        {{"--peer", "127.0.0.1"}, [](const json&) { return true; }},
        {{"--peer", "127.0.0.1:50744,127.0.0.1:50750"},
         [](const json& e) { return e["peer"]["address"] == "127.0.0.1:50744" || e["peer"]["address"] == "127.0.0.1:50750"; }},
        {{"--peer", (core_capture() / "127.0.0.1_50732").string() + "/"}, [](const json& e) { return e["peer"]["address"] == "127.0.0.1:50732"; }},
        {{"--since", std::to_string(t0)}, [&](const json& e) { return e["time"] >= t0; }},
        {{"--until", msgcapture::iso_time(t1)}, [&](const json& e) { return e["time"] < t1; }},
        {{"--since", msgcapture::iso_time(t0), "--until", std::to_string(t1), "--not-type", "inv"},
         [&](const json& e) { return e["time"] >= t0 && e["time"] < t1 && e["msgtype"] != "inv"; }},
        {{"--limit", "7"}, [](const json&) { return true; }, 7},
        {{"--limit", "3", "--type", "getdata", "--direction", "recv"},
         [](const json& e) { return e["msgtype"] == "getdata" && e["direction"] == "recv"; }, 3},
        {{"--limit", "0"}, [](const json&) { return true; }, 0},
        {{"--peer", "10.9.9.9"}, [](const json&) { return false; }},
    };
    for (const Case& c : cases) {
        std::vector<std::string> args = c.args;
        args.push_back(core_capture().string());
        std::string name;
        for (const auto& a : c.args) name += a + " ";
        const json expected = select(all, c.keep, c.limit);
        EXPECT_EQ(run_json(args), expected) << name;
        std::vector<std::string> one_thread = args;
        one_thread.insert(one_thread.begin(), {"-j", "1"});
        EXPECT_EQ(json(run_parser_ndjson(one_thread)), expected) << name << "(ndjson, -j 1)";
    }
}

TEST(Analysis, PeerFilterKnowsOurSessionsByIdAndDirectory) {
    TempDir dir;
    const fs::path a = write_our_session(dir / "message_capture", 3, "127.0.0.1:18444", 1795313274000000);
    write_our_session(dir / "message_capture", 4, "[::1]:18445", 1795313275000000);
    const json all = run_json({(dir / "message_capture").string()});
    ASSERT_EQ(all.size(), 20u);
    auto by_id = [](int id) { return [id](const json& e) { return e["peer"]["id"] == id; }; };
    EXPECT_EQ(run_json({"--peer", "3", (dir / "message_capture").string()}), select(all, by_id(3)));
    EXPECT_EQ(run_json({"--peer", "::1", (dir / "message_capture").string()}), select(all, by_id(4)));
    EXPECT_EQ(run_json({"--peer", "[::1]:18445", (dir / "message_capture").string()}), select(all, by_id(4)));
    EXPECT_EQ(run_json({"--peer", a.filename().string(), (dir / "message_capture").string()}), select(all, by_id(3)));
    EXPECT_EQ(run_json({"--peer", a.string(), (dir / "message_capture").string()}), select(all, by_id(3)));
}

TEST(Analysis, StatsCountsEqualTheCountsOfTheFullOutput) {
    for (const std::vector<std::string>& filter : std::vector<std::vector<std::string>>{{}, {"--direction", "sent"}, {"--type", "inv,tx"}}) {
        std::vector<std::string> args = filter;
        args.push_back(core_capture().string());
        const json all = run_json(args);
        std::vector<std::string> stats_args = {"--stats", "--format", "json"};
        stats_args.insert(stats_args.end(), args.begin(), args.end());
        const json stats = run_json(stats_args);
        std::map<std::pair<std::string, std::string>, std::pair<uint64_t, uint64_t>> counts;
        uint64_t bytes = 0;
        std::set<std::string> peers;
        for (const json& e : all) {
            auto& c = counts[{e["msgtype"], e["direction"]}];
            ++c.first;
            c.second += e["size"].get<uint64_t>();
            bytes += e["size"].get<uint64_t>();
            peers.insert(e["peer"]["address"].get<std::string>());
        }
        EXPECT_EQ(stats["messages"], all.size());
        EXPECT_EQ(stats["bytes"], bytes);
        EXPECT_EQ(stats["peers"], peers.size());
        EXPECT_EQ(stats["first_time"], all.front()["time"]);
        EXPECT_EQ(stats["last_time"], all.back()["time"]);
        ASSERT_EQ(stats["types"].size(), counts.size());
        for (const json& t : stats["types"]) {
            const auto& c = counts.at({t["msgtype"], t["direction"]});
            EXPECT_EQ(t["messages"], c.first);
            EXPECT_EQ(t["bytes"], c.second);
        }
    }
    // Text for people, with the same totals.
    ProcessResult text = run_process({parser_binary(), "--stats", core_capture().string()});
    ASSERT_EQ(text.exit_code, 0) << text.err;
    EXPECT_NE(text.out.find("Messages:             625\n"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("First message:        2026-11-22T02:07:54.322264Z"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("Files:                8 (4 sessions, 4 peers known by address)"), std::string::npos) << text.out;
}

// A hostile file's times may span all of int64: the duration is 2^64 - 1 µs,
// not an overflow (the CLI fuzzer found it under UBSan).
TEST(Analysis, StatsOfTimesAsFarApartAsInt64AllowsDoNotOverflow) {
    TempDir dir;
    msgcapture::Bytes data;
    msgcapture::append_record(data, std::numeric_limits<int64_t>::min(), "ping", msgcapture::Bytes(8, 1));
    msgcapture::append_record(data, std::numeric_limits<int64_t>::max(), "pong", msgcapture::Bytes(8, 1));
    write_file(dir / "msgs_recv.dat", data);
    const json stats = run_json({"--stats", "--format", "json", dir.path().string()});
    EXPECT_EQ(stats["duration_us"].get<uint64_t>(), std::numeric_limits<uint64_t>::max());
    ProcessResult text = run_process({parser_binary(), "--stats", dir.path().string()});
    ASSERT_EQ(text.exit_code, 0) << text.err;
    EXPECT_NE(text.out.find("Duration:             18446744073709."), std::string::npos) << text.out;  // as a double
}

// Every transaction's wtxid, from --annotate, is a hash that some inv or
// getdata of the same capture names (peers announce and ask by wtxid), or its
// txid is one a merkleblock matched (those follow it unasked).
TEST(Analysis, AnnotatedWtxidsAreTheOnesInvAndGetdataName) {
    const json all = run_json({"--annotate", core_capture().string()});
    std::set<std::string> announced;  // wire order
    for (const json& e : all) {
        if (e["msgtype"] == "inv" || e["msgtype"] == "getdata") {
            for (const json& item : e["body"]["inv"]) announced.insert(item["hash"]);
        }
        if (e["msgtype"] == "merkleblock") {
            for (const json& hash : e["body"]["merkleblock"]["txn"]["vHash"]) announced.insert(hash);
        }
    }
    size_t checked = 0;
    for (const json& e : all) {
        ASSERT_TRUE(e.contains("annotation"));
        EXPECT_EQ(e["annotation"]["time"], msgcapture::iso_time(e["time"]));
        EXPECT_EQ(e["annotation"]["peer"], e["peer"]["address"]);
        if (e["msgtype"] != "tx") continue;
        auto wire = [](const std::string& display) {
            std::string out;
            for (size_t i = display.size(); i >= 2; i -= 2) out += display.substr(i - 2, 2);
            return out;
        };
        const json& hashes = e["annotation"]["hashes"];
        EXPECT_TRUE(announced.count(wire(hashes["tx.wtxid"])) || announced.count(wire(hashes["tx.txid"]))) << hashes;
        ++checked;
    }
    EXPECT_EQ(checked, 49u);
    // Display order sits next to the wire order: inv[0].hash reversed.
    for (const json& e : all) {
        if (e["msgtype"] != "inv") continue;
        const std::string wire = e["body"]["inv"][0]["hash"], display = e["annotation"]["hashes"]["inv[0].hash"];
        EXPECT_EQ(std::string(display.rbegin(), display.rend()).size(), wire.size());
        for (size_t i = 0; i < 64; i += 2) EXPECT_EQ(display.substr(i, 2), wire.substr(62 - i, 2));
        break;
    }
    // Without --annotate, nothing outside the contract.
    for (const json& e : run_json({core_capture().string()})) EXPECT_FALSE(e.contains("annotation"));
}

TEST(Analysis, DashReadsStandardInputAndWritesStandardOutput) {
    const fs::path file = core_capture() / "127.0.0.1_50732" / "msgs_sent.dat";
    const json expected = run_json({file.string()});
    ProcessResult res = run_process({"/bin/sh", "-c", "cat '" + file.string() + "' | '" + parser_binary() + "' --stdin-direction sent - -o -"});
    ASSERT_EQ(res.exit_code, 0) << res.err;
    json got = json::parse(res.out);
    ASSERT_EQ(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i) {
        json e = expected[i];
        e.erase("peer");  // standard input has no directory to name the peer
        EXPECT_EQ(got[i], e);
    }
    ProcessResult recv = run_process({"/bin/sh", "-c", "'" + parser_binary() + "' -f ndjson - < '" + file.string() + "'"});
    ASSERT_EQ(recv.exit_code, 0) << recv.err;
    EXPECT_EQ(json::parse(recv.out.substr(0, recv.out.find('\n')))["direction"], "recv");
}

TEST(Analysis, VersionPrintsTheProjectVersion) {
    for (const char* flag : {"--version", "-V"}) {
        ProcessResult res = run_process({parser_binary(), flag});
        EXPECT_EQ(res.exit_code, 0);
        EXPECT_EQ(res.out, "message-capture-parser 0.1.0\n");
    }
}

TEST(Analysis, BadFilterValuesAreUsageErrors) {
    const std::vector<std::vector<std::string>> bad = {
        {"--direction", "in"},       {"--since", "yesterday"},       {"--until", "2026-13-01"},
        {"--since", "2026-02-30"},   {"--since", "2026-11-22T25:00:00Z"}, {"--since", "2026-11-22T02:07:54+01:00"},
        {"--type", "inv,,tx"},       {"--limit", "-1"},              {"--format", "xml"},
        {"--since", "5", "--until", "5"}, {"--stats", "--format", "ndjson"}, {"--stats", "--annotate"},
        {"--stdin-direction", "both"},
        // Following: what cannot be followed, and options that only go with it.
        {"--follow", "--stats"},     {"--follow", "--grace", "0.5"}, {"--follow", "--grace", "61"},
        {"--poll", "--limit", "1"},  {"--grace", "3"},
    };
    for (const auto& args : bad) {
        std::vector<std::string> argv = {parser_binary()};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.push_back(core_capture().string());
        ProcessResult res = run_process(argv);
        EXPECT_EQ(res.exit_code, 2) << args[0] << " " << args[1];
        EXPECT_TRUE(res.out.empty());
        EXPECT_NE(res.err.find("error"), std::string::npos);
    }
}

TEST(Analysis, FollowDoesNotReadStandardInput) {
    ProcessResult res = run_process({parser_binary(), "--follow", "-"});
    EXPECT_EQ(res.exit_code, 2);
    EXPECT_NE(res.err.find("not standard input"), std::string::npos) << res.err;
}

// The progress bar never lands in the terminal that shows the output.
TEST(Analysis, NoProgressBarOnTheTerminalThatShowsTheOutput) {
    const std::string to_terminal = parser_binary() + " -f ndjson " + core_capture().string();
    ProcessResult tty = run_process({MSGCAPTURE_SCRIPT_BINARY, "-qec", to_terminal, "/dev/null"});
    EXPECT_EQ(tty.exit_code, 0);
    EXPECT_NE(tty.out.find("\"msgtype\""), std::string::npos);
    EXPECT_EQ(tty.out.find("%"), std::string::npos) << "a progress bar among the entries";
}

// Every corpus file is the fuzz target's input for one message of the
// capture: exactly the set made from the records themselves, each of which
// decodes (where the parser decoded it) back to the same message.
TEST(Analysis, CorpusHoldsEachMessageOnceAsTheFuzzTargetsInput) {
    TempDir dir;
    const fs::path capture = core_capture();
    ProcessResult res = run_process({parser_binary(), "--format", "corpus", "-o", (dir / "corpus").string(), capture.string()});
    ASSERT_EQ(res.exit_code, 0) << res.err;
    std::map<std::string, msgcapture::Bytes> expected;  // by SHA-1
    size_t left_out = 0, records = 0;
    for (const auto& entry : fs::recursive_directory_iterator(capture)) {
        if (!entry.is_regular_file()) continue;
        for (const OwnedRecord& r : read_records(entry.path())) {  // the capture has no torn records
            ++records;
            const auto type = msgcapture::find_message_type(r.msgtype);
            if (!type) {
                ++left_out;
                continue;
            }
            const msgcapture::Bytes input = msgcapture::message_fuzz_input(*type, r.payload);
            expected[msgcapture::sha1_hex(input)] = input;
        }
    }
    ASSERT_EQ(records, 625u);
    std::map<std::string, msgcapture::Bytes> got;
    for (const auto& entry : fs::directory_iterator(dir / "corpus")) got[entry.path().filename().string()] = read_file(entry.path());
    EXPECT_TRUE(got == expected) << got.size() << " files, " << expected.size() << " expected";
    size_t decoded = 0;
    for (const auto& [name, input] : got) {
        ASSERT_FALSE(input.empty());
        EXPECT_EQ(msgcapture::sha1_hex(input), name);
        try {
            const msgcapture::Message m = msgcapture::decode_message(input[0], msgcapture::ByteSpan(input).subspan(1));
            EXPECT_EQ(msgcapture::message_type(m), msgcapture::KnownMessages::types[input[0]]);
            ++decoded;
        } catch (const msgcapture::DecodeError&) {
            // the capture's deliberately short ping: a seed all the same
        }
    }
    EXPECT_GE(decoded, got.size() - 1);
    EXPECT_NE(res.err.find(std::to_string(got.size()) + " files written"), std::string::npos) << res.err;
    EXPECT_NE(res.err.find(std::to_string(left_out) + " records left out"), std::string::npos) << res.err;
    // Run again: nothing new, everything a duplicate.
    ProcessResult again = run_process({parser_binary(), "-f", "corpus", "-o", (dir / "corpus").string(), capture.string()});
    EXPECT_NE(again.err.find(" 0 files written"), std::string::npos) << again.err;
    // Without -o it is a usage error; into a file, an error.
    EXPECT_EQ(run_process({parser_binary(), "-f", "corpus", capture.string()}).exit_code, 2);
    write_file(dir / "file", {});
    EXPECT_EQ(run_process({parser_binary(), "-f", "corpus", "-o", (dir / "file").string(), capture.string()}).exit_code, 1);
}
