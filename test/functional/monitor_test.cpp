// message-capture-monitor on a live node, in a real terminal: tmux runs it,
// send-keys drives it and capture-pane reads the screen.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <thread>

#include "background_process.h"
#include "node_process.h"
#include "test_support.h"

using namespace functional;
using nlohmann::json;
namespace fs = testsupport::fs;

namespace {

std::string monitor_binary() { return MSGCAPTURE_MONITOR_BINARY; }

// One tmux server per test, on its own socket, so that nothing else shares it.
class Tmux {
public:
    Tmux(const std::string& command, int width, int height) : socket_("msgcapture-test-" + std::to_string(::getpid())) {
        const auto r = tmux({"new-session", "-d", "-s", "monitor", "-x", std::to_string(width), "-y", std::to_string(height), command});
        if (r.exit_code != 0) throw std::runtime_error("tmux new-session failed: " + r.err);
    }
    ~Tmux() { tmux({"kill-server"}); }

    std::string screen() const { return tmux({"capture-pane", "-p", "-t", "monitor"}).out; }
    void keys(const std::vector<std::string>& keys) const {
        std::vector<std::string> args = {"send-keys", "-t", "monitor"};
        args.insert(args.end(), keys.begin(), keys.end());
        tmux(args);
    }
    void resize(int width, int height) const { tmux({"resize-window", "-t", "monitor", "-x", std::to_string(width), "-y", std::to_string(height)}); }
    bool alive() const { return tmux({"has-session", "-t", "monitor"}).exit_code == 0; }
    // Waits until the screen satisfies `check`; the last screen is kept for the message.
    bool wait_for(const std::function<bool(const std::string&)>& check, std::chrono::milliseconds timeout) {
        return wait_until([&] { return check(last_ = screen()); }, timeout);
    }
    const std::string& last() const { return last_; }

private:
    testsupport::ProcessResult tmux(std::vector<std::string> args) const {
        args.insert(args.begin(), {MSGCAPTURE_TMUX_BINARY, "-L", socket_});
        return testsupport::run_process(args);
    }
    std::string socket_;
    std::string last_;
};

std::vector<std::string> screen_lines(const std::string& screen) {
    std::vector<std::string> lines;
    std::istringstream in(screen);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    return lines;
}

// The peer table's row for `address`, split into its columns.
std::vector<std::string> row_of(const std::string& screen, const std::string& address) {
    for (const auto& line : screen_lines(screen)) {
        if (line.find(" " + address + " ") == std::string::npos) continue;
        std::istringstream in(line);
        std::vector<std::string> cells;
        for (std::string c; in >> c;) cells.push_back(c);
        return cells;
    }
    return {};
}

}  // namespace

// Two peers talk to a node; within 3 s of the traffic, the monitor's table
// shows both with the counts its files hold. Then every screen is driven
// from the keyboard, on a 200x50 terminal and an 80x24 one.
TEST(Monitor, ShowsEveryPeerWithTheRightCountsWithinThreeSecondsAndEveryScreenWorks) {
    NodeProcess a({"-connect=0", "-capturemessages"});
    fs::create_directories(a.capture_dir());
    Tmux tmux(monitor_binary() + " " + a.datadir().string(), 200, 50);
    ASSERT_TRUE(tmux.wait_for([](const std::string& s) { return s.find("waiting for capture files") != std::string::npos; }, std::chrono::seconds(10)))
        << tmux.last();
    a.start();
    NodeProcess b({"-connect=" + a.address(), "-capturemessages"});
    b.start();
    NodeProcess c({"-connect=" + a.address(), "-capturemessages"});
    c.start();
    ASSERT_TRUE(wait_until([&] { return a.rpc("getpeerinfo").size() == 2; }));
    b.generate(3);
    ASSERT_TRUE(wait_until([&] { return a.rpc("getblockcount") == 3 && c.rpc("getblockcount") == 3; }));
    // The last of the traffic: C pings A and A answers.
    auto pong_bytes_sent = [&] {
        int64_t sum = 0;
        for (const json& p : a.rpc("getpeerinfo")) sum += p["bytessent_per_msg"].value("pong", 0);
        return sum;
    };
    const int64_t pongs_before = pong_bytes_sent();
    c.rpc("ping");
    ASSERT_TRUE(wait_until([&] { return pong_bytes_sent() > pongs_before; }));
    std::vector<std::string> addresses;
    for (const json& p : a.rpc("getpeerinfo")) addresses.push_back(p["addr"]);

    // The table must show both peers with the counts that a parse of the
    // files gives, within 3 s of the newest message in them. (The nodes may
    // still be talking: a block download retried after a second.)
    auto now_us = [] { return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count(); };
    std::string expected;
    int64_t latency_us = -1;
    const bool shown = wait_until(
        [&] {
            std::map<std::string, std::pair<size_t, size_t>> counts;
            int64_t newest = 0;
            for (const json& e : testsupport::run_parser_ndjson({a.capture_dir().string()})) {
                auto& c = counts[e["peer"]["address"].get<std::string>()];
                (e["direction"] == "recv" ? c.first : c.second)++;
                newest = std::max(newest, e["time"].get<int64_t>());
            }
            expected.clear();
            for (const auto& [address, c] : counts) expected += address + " in " + std::to_string(c.first) + " out " + std::to_string(c.second) + "\n";
            const std::string screen = tmux.screen();
            for (const auto& address : addresses) {
                const auto row = row_of(screen, address);
                auto it = counts.find(address);
                if (row.size() < 11 || it == counts.end()) return false;
                // ID ADDRESS TYPE START MSGS-IN BYTES-IN MSGS-OUT BYTES-OUT LAST AGE STATE
                if (row[2] != "inbound" || row[4] != std::to_string(it->second.first) || row[6] != std::to_string(it->second.second)) return false;
                if (row[10] != "open") return false;
            }
            latency_us = now_us() - newest;
            return true;
        },
        std::chrono::seconds(20));
    ASSERT_TRUE(shown) << "expecting\n" << expected << tmux.screen();
    EXPECT_LE(latency_us, 3'000'000) << "the newest message took " << latency_us / 1000 << " ms to show";
    std::printf("the table showed the newest message %lld ms after its capture time\n", static_cast<long long>(latency_us / 1000));
    ASSERT_TRUE(tmux.wait_for([](const std::string&) { return true; }, std::chrono::seconds(1)));
    EXPECT_NE(tmux.last().find("peers 2 (2 open)"), std::string::npos) << tmux.last();
    EXPECT_NE(tmux.last().find("Enter peer"), std::string::npos) << "the footer lists the keys:\n" << tmux.last();

    // The peer view: that peer's messages, decoded on one line each.
    tmux.keys({"Enter"});
    ASSERT_TRUE(tmux.wait_for([](const std::string& s) { return s.find("SUMMARY") != std::string::npos && s.find(" version ") != std::string::npos; },
                              std::chrono::seconds(3)))
        << tmux.last();
    EXPECT_NE(tmux.last().find("/msgcapture:0.1.0/ height"), std::string::npos) << tmux.last();
    // Up to the first message (version) and decode it.
    for (int i = 0; i < 3; ++i) tmux.keys({"PageUp"});
    tmux.keys({"Enter"});
    ASSERT_TRUE(tmux.wait_for([](const std::string& s) { return s.find("\"strSubVer\": \"/msgcapture:0.1.0/\"") != std::string::npos; },
                              std::chrono::seconds(3)))
        << tmux.last();
    tmux.keys({"Escape"});
    // The type filter: only pings and pongs.
    tmux.keys({"t"});
    tmux.keys({"ping,pong", "Enter"});
    ASSERT_TRUE(tmux.wait_for([](const std::string& s) { return s.find("types: ping,pong") != std::string::npos; }, std::chrono::seconds(3)))
        << tmux.last();
    for (const auto& line : screen_lines(tmux.last())) {
        if (line.size() > 13 && (line.find(" in ") == 12 || line.find(" out ") == 12)) {
            EXPECT_TRUE(line.find(" ping ") != std::string::npos || line.find(" pong ") != std::string::npos) << line;
        }
    }
    // Pause, and resume.
    tmux.keys({"Space"});
    ASSERT_TRUE(tmux.wait_for([](const std::string& s) { return s.find("[PAUSED]") != std::string::npos; }, std::chrono::seconds(3))) << tmux.last();
    tmux.keys({"Space"});
    ASSERT_TRUE(tmux.wait_for([](const std::string& s) { return s.find("[LIVE]") != std::string::npos; }, std::chrono::seconds(3))) << tmux.last();
    tmux.keys({"Escape"});

    // 80x24: the table still fits, with the columns that matter.
    tmux.resize(80, 24);
    ASSERT_TRUE(tmux.wait_for([&](const std::string& s) { return row_of(s, addresses[0]).size() >= 7 && s.find("B IN") != std::string::npos; },
                              std::chrono::seconds(3)))
        << tmux.last();
    for (const auto& line : screen_lines(tmux.last())) EXPECT_LE(line.size(), 80u) << line;
    EXPECT_NE(tmux.last().find("q quit"), std::string::npos) << tmux.last();

    // A session that closes is marked.
    EXPECT_EQ(c.stop(), 0);
    tmux.resize(200, 50);
    ASSERT_TRUE(tmux.wait_for([](const std::string& s) { return s.find("peers 2 (1 open)") != std::string::npos; }, std::chrono::seconds(5)))
        << tmux.last();

    tmux.keys({"q"});
    EXPECT_TRUE(wait_until([&] { return !tmux.alive(); }, std::chrono::seconds(5)));
}

// The monitor refuses to run without a terminal, and says what to use instead.
TEST(Monitor, WithoutATerminalPointsToTheFollowingParser) {
    testsupport::TempDir dir;
    const auto r = testsupport::run_process({monitor_binary(), dir.path().string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("message-capture-parser --follow"), std::string::npos) << r.err;
}

// Bitcoin Core's capture directories (no session.json, no peer id): one row
// per peer directory, with the counts a parse of the files gives.
TEST(Monitor, ShowsBitcoinCoresCaptures) {
    const fs::path core = testsupport::conformance_dir() / "core-regtest" / "message_capture";
    std::map<std::string, std::pair<size_t, size_t>> counts;
    for (const json& e : testsupport::run_parser_ndjson({core.string()})) {
        auto& c = counts[e["peer"]["address"].get<std::string>()];
        (e["direction"] == "recv" ? c.first : c.second)++;
    }
    ASSERT_EQ(counts.size(), 4u);
    Tmux tmux(monitor_binary() + " " + core.string(), 200, 50);
    ASSERT_TRUE(tmux.wait_for(
                    [&](const std::string& screen) {
                        for (const auto& [address, c] : counts) {
                            const auto row = row_of(screen, address);
                            if (row.size() < 11 || row[0] != "-" || row[4] != std::to_string(c.first) || row[6] != std::to_string(c.second)) return false;
                        }
                        return screen.find("peers 4 (4 open)") != std::string::npos;
                    },
                    std::chrono::seconds(10)))
        << tmux.last();
}
