// The USDT tracepoints against what the node really did: Bitcoin Core's own
// bpftrace scripts (test/functional/data/core_tracing, only the binary path
// changed) run with Debian's bpftrace while two of our nodes talk, and every
// line they print must match the capture files; a second test checks every
// argument of every tracepoint, ours included.
//
// Tracing needs root and a kernel with uprobes. Without uprobes the tests say
// so and skip; without root they fail, because CI has it.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "background_process.h"
#include "msgcapture/protocol/codec.h"
#include "msgcapture/protocol/messages.h"
#include "msgcapture/protocol/v1_framing.h"
#include "node_process.h"

using namespace functional;
using nlohmann::json;

namespace {


// Why this machine cannot trace user programs, or "" when it can.
std::string tracing_unavailable() {
    if (!testsupport::fs::exists("/sys/bus/event_source/devices/uprobe") &&
        !testsupport::fs::exists("/sys/kernel/tracing/uprobe_events") &&
        !testsupport::fs::exists("/sys/kernel/debug/tracing/uprobe_events")) {
        return "this kernel has no uprobes (no /sys/bus/event_source/devices/uprobe and no uprobe_events in tracefs)";
    }
    return "";
}

#define REQUIRE_TRACING()                                                                                       \
    do {                                                                                                        \
        if (const std::string why = tracing_unavailable(); !why.empty()) {                                     \
            std::fprintf(stderr, "\n*** NOT RUN: USDT tracing is impossible here: %s ***\n\n", why.c_str());   \
            GTEST_SKIP() << "NOT RUN: " << why;                                                                \
        }                                                                                                       \
        ASSERT_EQ(geteuid(), 0u) << "bpftrace needs root; run this test as root (CI does)";                    \
    } while (0)

// One of Core's scripts with our binary in every usdt: line.
std::string core_script(const std::string& name) {
    std::string text = testsupport::read_text(testsupport::fs::path(MSGCAPTURE_CORE_TRACING_DIR) / name);
    return std::regex_replace(text, std::regex("usdt:[^:]+:"), "usdt:" + bitcoind_binary() + ":");
}

std::string write_script(const testsupport::TempDir& dir, const std::string& name, const std::string& text) {
    const auto path = dir / name;
    std::ofstream(path.string()) << text;
    return path.string();
}

// bpftrace running a script; ready once its BEGIN block has printed `ready`.
std::unique_ptr<BackgroundProcess> start_bpftrace(const std::string& script, const std::string& ready) {
    auto p = std::make_unique<BackgroundProcess>(std::vector<std::string>{MSGCAPTURE_BPFTRACE_BINARY, script});
    if (!p->wait_for_output(ready, std::chrono::seconds(60))) {
        p->stop(SIGKILL);
        ADD_FAILURE() << "bpftrace did not start: " << p->err() << p->out();
    }
    return p;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

struct Traced {
    std::string type;
    uint64_t size;
    bool operator==(const Traced&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Traced& t) { return os << t.type << "/" << t.size; }

std::vector<Traced> captured(const testsupport::fs::path& file) {
    std::vector<Traced> out;
    for (const auto& r : testsupport::read_records(file)) out.push_back({r.msgtype, r.payload.size()});
    return out;
}

std::string local_address(int fd) {
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    return "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
}

// True once the other end closes `fd` (what it sends first is read and dropped).
bool closed_by_peer(int fd) {
    timeval timeout{20, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n == 0) return true;
        if (n < 0) return errno == ECONNRESET;
    }
}

}  // namespace

TEST(Tracing, CoreScriptsSeeExactlyWhatTheCaptureHolds) {
    REQUIRE_TRACING();
    testsupport::TempDir dir;
    NodeProcess a({"-connect=0", "-capturemessages"});
    a.start();
    auto traffic = start_bpftrace(write_script(dir, "log_p2p_traffic.bt", core_script("log_p2p_traffic.bt")), "Logging P2P traffic");
    auto connections = start_bpftrace(write_script(dir, "log_p2p_connections.bt", core_script("log_p2p_connections.bt")),
                                      "Logging opened, closed");
    NodeProcess b({"-connect=" + a.address(), "-capturemessages"});
    b.start();
    ASSERT_TRUE(wait_until([&] { return b.rpc("getconnectioncount") == 1 && b.rpc("getpeerinfo")[0].contains("pingtime"); }));
    const int64_t a_conntime = a.rpc("getpeerinfo")[0]["conntime"];
    const std::string b_as_seen_by_a = a.rpc("getpeerinfo")[0]["addr"];
    a.generate(3);
    ASSERT_TRUE(wait_until([&] { return b.rpc("getblockcount") == 3; }));
    std::this_thread::sleep_for(std::chrono::seconds(1));
    b.stop();
    ASSERT_TRUE(wait_until([&] { return a.rpc("getconnectioncount") == 0; }));
    a.stop();
    traffic->stop(SIGINT);
    connections->stop(SIGINT);

    // "inbound 'version' msg from peer 0 (inbound, 127.0.0.1:59986) with 104 bytes"
    const std::regex message(R"(^(inbound|outbound) '([^']*)' msg (?:from|to) peer (-?\d+) \(([^,]+), ([^)]+)\) with (\d+) bytes$)");
    std::map<std::string, std::vector<Traced>> seen;  // "a in", "a out", "b in", "b out"
    for (const auto& line : lines(traffic->out())) {
        std::smatch m;
        if (!std::regex_match(line, m, message)) continue;
        // b's only peer is a; a's only peer is b, at the port b dialed from.
        // The probes fire in every process of this binary: other tests' nodes are not ours.
        if (m[5] != a.address() && m[5] != b_as_seen_by_a) continue;
        const bool at_b = m[5] == a.address();
        EXPECT_EQ(m[3], "0") << line;
        EXPECT_EQ(m[4], at_b ? "manual" : "inbound") << line;
        seen[std::string(at_b ? "b " : "a ") + (m[1] == "inbound" ? "in" : "out")].push_back({m[2], std::stoull(m[6])});
    }
    const auto a_sessions = sessions(a.capture_dir()), b_sessions = sessions(b.capture_dir());
    ASSERT_EQ(a_sessions.size(), 1u);
    ASSERT_EQ(b_sessions.size(), 1u);
    EXPECT_GT(seen["a in"].size(), 10u);
    EXPECT_EQ(seen["a in"], captured(a_sessions[0] / "msgs_recv.dat"));
    EXPECT_EQ(seen["a out"], captured(a_sessions[0] / "msgs_sent.dat"));
    EXPECT_EQ(seen["b in"], captured(b_sessions[0] / "msgs_recv.dat"));
    EXPECT_EQ(seen["b out"], captured(b_sessions[0] / "msgs_sent.dat"));

    const std::string log = connections->out();
    if (::testing::Test::HasFailure()) std::fprintf(stderr, "traffic:\n%s\n%s\nconnections:\n%s\n%s\n", traffic->out().c_str(), traffic->err().c_str(), log.c_str(), connections->err().c_str());
    EXPECT_NE(log.find("OUTBOUND conn to " + a.address() + ": id=0, type=manual, network=1, total=1"), std::string::npos) << log;
    EXPECT_NE(log.find("INBOUND conn from " + b_as_seen_by_a + ": id=0, type=inbound, network=1, total=1"), std::string::npos) << log;
    EXPECT_NE(log.find("CLOSED conn to " + a.address() + ": id=0, type=manual, network=1"), std::string::npos) << log;
    EXPECT_NE(log.find("CLOSED conn to " + b_as_seen_by_a + ": id=0, type=inbound, network=1, established=" + std::to_string(a_conntime)),
              std::string::npos) << log;
}

// Every argument of all eleven tracepoints, in a session made to reach each:
// raw peers that handshake, ping, misbehave and crowd the node until it
// evicts one; an outbound connection; and a message that uses up the capture
// budget, after which capture drops what it wanted.
TEST(Tracing, EveryArgumentOfEveryTracepoint) {
    REQUIRE_TRACING();
    testsupport::TempDir dir;
    // Node a runs from a copy of the binary, so that the probes see only it:
    // other tests' nodes run beside this one, and a pid filter would not do,
    // since bpftrace's pid is the host's and CI runs the tests in a PID namespace.
    const std::string bin = (dir / "bitcoind-traced").string();
    testsupport::fs::copy_file(bitcoind_binary(), bin);
    testsupport::fs::permissions(bin, testsupport::fs::perms::owner_all);
    const std::string original = bitcoind_binary();
    ::setenv("MSGCAPTURE_BITCOIND", bin.c_str(), 1);
    NodeProcess a({"-connect=0", "-capturemessages", "-capturemaxsize=1", "-maxconnections=2"});
    a.start();
    ::setenv("MSGCAPTURE_BITCOIND", original.c_str(), 1);
    NodeProcess b({"-connect=0"});
    b.start();
    // Each line starts with the tracepoint's name.
    const std::string script = "BEGIN { printf(\"ready\\n\"); }\n"
        "usdt:" + bin + ":net:inbound_message { printf(\"inbound_message|%ld|%s|%s|%s|%lu|%lx\\n\", (int64)arg0, str(arg1, 48), str(arg2, 24), str(arg3, 16), (uint64)arg4, arg4 >= 8 ? *(uint64*)arg5 : 0); }\n"
        "usdt:" + bin + ":net:outbound_message { printf(\"outbound_message|%ld|%s|%s|%s|%lu|%lx\\n\", (int64)arg0, str(arg1, 48), str(arg2, 24), str(arg3, 16), (uint64)arg4, arg4 >= 8 ? *(uint64*)arg5 : 0); }\n"
        "usdt:" + bin + ":net:inbound_connection { printf(\"inbound_connection|%ld|%s|%s|%u|%lu\\n\", (int64)arg0, str(arg1, 48), str(arg2, 24), (uint32)arg3, (uint64)arg4); }\n"
        "usdt:" + bin + ":net:outbound_connection { printf(\"outbound_connection|%ld|%s|%s|%u|%lu\\n\", (int64)arg0, str(arg1, 48), str(arg2, 24), (uint32)arg3, (uint64)arg4); }\n"
        "usdt:" + bin + ":net:closed_connection { printf(\"closed_connection|%ld|%s|%s|%u|%lu\\n\", (int64)arg0, str(arg1, 48), str(arg2, 24), (uint32)arg3, (uint64)arg4); }\n"
        "usdt:" + bin + ":net:evicted_inbound_connection { printf(\"evicted_inbound_connection|%ld|%s|%s|%u|%lu\\n\", (int64)arg0, str(arg1, 48), str(arg2, 24), (uint32)arg3, (uint64)arg4); }\n"
        "usdt:" + bin + ":net:misbehaving_connection { printf(\"misbehaving_connection|%ld|%s\\n\", (int64)arg0, str(arg1, 100)); }\n"
        "usdt:" + bin + ":msgcapture:capture_session_opened { printf(\"capture_session_opened|%ld|%s\\n\", (int64)arg0, str(arg1, 48)); }\n"
        "usdt:" + bin + ":msgcapture:capture_session_closed { printf(\"capture_session_closed|%ld|%s|%lu\\n\", (int64)arg0, str(arg1, 48), (uint64)arg2); }\n"
        "usdt:" + bin + ":msgcapture:capture_disabled { printf(\"capture_disabled|%s\\n\", str(arg0, 200)); }\n"
        "usdt:" + bin + ":msgcapture:capture_records_dropped { printf(\"capture_records_dropped|%ld|%s|%s|%lu\\n\", (int64)arg0, str(arg1, 16), str(arg2, 24), (uint64)arg3); }\n";
    auto trace = start_bpftrace(write_script(dir, "all.bt", script), "ready");
    // Session paths are longer than bpftrace's default 64-byte strings; longer
    // strings do not fit the BPF stack beside the others, so this one has its own run.
    const std::string paths = "BEGIN { printf(\"ready\\n\"); }\n"
        "usdt:" + bin + ":msgcapture:capture_session_opened { printf(\"capture_session_path|%ld|%s\\n\", (int64)arg0, str(arg2)); }\n";
    ::setenv("BPFTRACE_STRLEN", "200", 1);
    auto trace_paths = start_bpftrace(write_script(dir, "paths.bt", paths), "ready");
    ::unsetenv("BPFTRACE_STRLEN");
    const int64_t started = static_cast<int64_t>(std::time(nullptr));

    // Peer 0: a handshake and a ping with a nonce we know.
    const int p0 = handshaken_peer(a.port());
    ASSERT_GE(p0, 0);
    const std::string p0_address = local_address(p0);
    send_all(p0, msgcapture::frame_message(REGTEST, "ping", msgcapture::encode_payload(msgcapture::MsgPing{0x0102030405060708})));
    ASSERT_TRUE(wait_until([&] { return a.rpc("getpeerinfo")[0]["bytesrecv_per_msg"].contains("ping"); }));
    // Peer 1 breaks the handshake rule and is dropped.
    const int p1 = connect_loopback(a.port());
    const std::string p1_address = local_address(p1);
    send_all(p1, msgcapture::frame_message(REGTEST, "verack", {}));
    ASSERT_TRUE(closed_by_peer(p1));
    ASSERT_TRUE(wait_until([&] { return a.rpc("getconnectioncount") == 1; }));
    // Peers 2 and 3 fill both slots: 3 makes the node evict 2, the younger of
    // the unprotected half.
    const int p2 = handshaken_peer(a.port());
    const std::string p2_address = local_address(p2);
    ASSERT_TRUE(wait_until([&] { return a.rpc("getconnectioncount") == 2; }));
    const int p3 = handshaken_peer(a.port());
    ASSERT_TRUE(wait_until([&] {
        const json peers = a.rpc("getpeerinfo");
        return peers.size() == 2 && peers[0]["id"] == 0 && peers[1]["id"] == 3;
    })) << a.rpc("getpeerinfo").dump() << "\n" << a.debug_log_tail(3000);
    // Peer 4: an outbound connection.
    a.rpc("addnode", {b.address(), "onetry"});
    ASSERT_TRUE(wait_until([&] { return a.rpc("getconnectioncount") == 3; }));
    // Peer 0 uses up the 1 MiB budget; the ping after it and the pong answering it are dropped.
    send_all(p0, msgcapture::frame_message(REGTEST, "zzbig", msgcapture::Bytes(1100 * 1000, 7)));
    send_all(p0, msgcapture::frame_message(REGTEST, "ping", msgcapture::encode_payload(msgcapture::MsgPing{42})));
    ASSERT_TRUE(wait_until([&] { return a.rpc("getcaptureinfo")["records_dropped"]["disabled"] == 3; }))
        << a.rpc("getcaptureinfo").dump() << "\n" << a.debug_log_tail(3000);
    a.stop();
    for (int fd : {p0, p1, p2, p3}) ::close(fd);
    trace->stop(SIGINT);
    trace_paths->stop(SIGINT);

    std::map<std::string, std::vector<std::vector<std::string>>> seen;
    for (const auto& line : lines(trace->out() + trace_paths->out())) {
        std::vector<std::string> fields;
        std::stringstream in(line);
        for (std::string f; std::getline(in, f, '|');) fields.push_back(f);
        if (fields.size() > 1) seen[fields[0]].push_back(std::vector<std::string>(fields.begin() + 1, fields.end()));
    }
    auto find = [&](const std::string& point, const std::function<bool(const std::vector<std::string>&)>& match) {
        for (const auto& f : seen[point]) {
            if (match(f)) return f;
        }
        return std::vector<std::string>{};
    };
    auto recent = [&](const std::string& seconds) { return std::stoll(seconds) >= started - 2 && std::stoll(seconds) <= started + 120; };

    // Messages: id, address, connection type, type, size, the payload's first 8 bytes.
    EXPECT_EQ(find("inbound_message", [](auto& f) { return f[3] == "ping" && f[5] == "102030405060708"; }),
              (std::vector<std::string>{"0", p0_address, "inbound", "ping", "8", "102030405060708"}));
    EXPECT_EQ(find("outbound_message", [](auto& f) { return f[3] == "pong" && f[5] == "102030405060708"; }),
              (std::vector<std::string>{"0", p0_address, "inbound", "pong", "8", "102030405060708"}));
    EXPECT_FALSE(find("inbound_message", [](auto& f) { return f[3] == "zzbig" && f[4] == "1100000"; }).empty());
    // Connections: id, address, type, network (1: IPv4), connections of that direction with this one.
    EXPECT_EQ(find("inbound_connection", [](auto& f) { return f[0] == "0"; }),
              (std::vector<std::string>{"0", p0_address, "inbound", "1", "1"}));
    EXPECT_EQ(find("inbound_connection", [](auto& f) { return f[0] == "2"; }),
              (std::vector<std::string>{"2", p2_address, "inbound", "1", "2"}));
    EXPECT_EQ(find("outbound_connection", [](auto&) { return true; }),
              (std::vector<std::string>{"4", b.address(), "manual", "1", "1"}));
    EXPECT_EQ(find("misbehaving_connection", [](auto&) { return true; }),
              (std::vector<std::string>{"1", "non-version message before version handshake (verack)"}));
    // Closed and evicted: id, address, type, network, connection start in seconds.
    const auto closed1 = find("closed_connection", [](auto& f) { return f[0] == "1"; });
    ASSERT_EQ(closed1.size(), 5u) << trace->out();
    EXPECT_EQ(std::vector<std::string>(closed1.begin(), closed1.begin() + 4), (std::vector<std::string>{"1", p1_address, "inbound", "1"}));
    EXPECT_TRUE(recent(closed1[4])) << closed1[4];
    const auto evicted = find("evicted_inbound_connection", [](auto&) { return true; });
    ASSERT_EQ(evicted.size(), 5u) << trace->out();
    EXPECT_EQ(std::vector<std::string>(evicted.begin(), evicted.begin() + 4), (std::vector<std::string>{"2", p2_address, "inbound", "1"}));
    EXPECT_TRUE(recent(evicted[4]));
    EXPECT_EQ(seen["closed_connection"].size(), 5u) << "every connection closes once: " << trace->out();

    // Ours: the session directory on disk, the bytes written, the reason, the drop count.
    EXPECT_EQ(find("capture_session_opened", [](auto& f) { return f[0] == "0"; }), (std::vector<std::string>{"0", p0_address}));
    const auto path = find("capture_session_path", [](auto& f) { return f[0] == "0"; });
    ASSERT_EQ(path.size(), 2u) << trace_paths->out();
    EXPECT_TRUE(testsupport::fs::exists(testsupport::fs::path(path[1]) / "session.json")) << path[1];
    EXPECT_EQ(path[1].rfind(a.capture_dir().string(), 0), 0u) << path[1];
    const auto session_closed = find("capture_session_closed", [](auto& f) { return f[0] == "1"; });
    ASSERT_EQ(session_closed.size(), 3u) << trace->out();
    EXPECT_EQ(session_closed[1], p1_address);
    EXPECT_GT(std::stoull(session_closed[2]), 0u);
    EXPECT_EQ(seen["capture_disabled"], (std::vector<std::vector<std::string>>{{"the -capturemaxsize budget of 1048576 bytes is used up"}}));
    EXPECT_EQ(seen["capture_records_dropped"],
              (std::vector<std::vector<std::string>>{{"0", "zzbig", "disabled", "1"}, {"0", "ping", "disabled", "2"}, {"0", "pong", "disabled", "3"}}));
}
