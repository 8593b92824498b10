// The node as an operator of Bitcoin Core runs it: one node per data
// directory, -daemon and -pid, SIGHUP for logrotate, the log options, and
// bitcoin.conf read by Core's rules. Real processes on loopback.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "node_process.h"

using namespace functional;
using nlohmann::json;
namespace fs = testsupport::fs;

namespace {

void write_text(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path.string(), std::ios::binary) << text;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A bitcoind run that must end by itself (a refused start): `timeout` keeps a
// regression from hanging the test.
testsupport::ProcessResult run_bitcoind(std::vector<std::string> args) {
    args.insert(args.begin(), {"timeout", "30", bitcoind_binary()});
    return testsupport::run_process(args);
}

// Regtest options for a node the test starts by hand, on loopback ports.
std::vector<std::string> regtest_args(const fs::path& datadir, uint16_t rpc_port = free_port()) {
    return {"-regtest", "-datadir=" + datadir.string(), "-port=" + std::to_string(free_port()), "-bind=127.0.0.1",
            "-rpcport=" + std::to_string(rpc_port), "-rpcbind=127.0.0.1", "-connect=0", "-dnsseed=0"};
}

}  // namespace

TEST(DataDirectory, ASecondNodeIsRefusedAndTouchesNothing) {
    NodeProcess first;
    first.start();
    const std::string cookie = first.cookie();
    const std::string log_before = first.debug_log();
    auto second = run_bitcoind(regtest_args(first.datadir()));
    EXPECT_EQ(second.exit_code, 1);
    EXPECT_TRUE(contains(second.err, "Cannot obtain a lock on directory " + first.chain_dir().string())) << second.err;
    EXPECT_TRUE(contains(second.err, "probably already running")) << second.err;
    // The first node's cookie and log are as they were, and it still answers.
    EXPECT_EQ(first.cookie(), cookie);
    EXPECT_EQ(first.debug_log().substr(0, log_before.size()), log_before);
    EXPECT_FALSE(contains(first.debug_log(), "Cannot obtain a lock"));
    EXPECT_EQ(first.rpc("getblockcount"), 0);
    EXPECT_EQ(first.stop(), 0);
    // Once it is gone, the directory can be used again.
    NodeProcess again;
    again.use_datadir(first.datadir());
    again.start();
    EXPECT_EQ(again.stop(), 0);
}

TEST(Signals, SighupReopensTheLogForLogrotate) {
    NodeProcess node;
    node.start();
    const fs::path log = node.chain_dir() / "debug.log", rotated = node.chain_dir() / "debug.log.1";
    fs::rename(log, rotated);
    ASSERT_EQ(::kill(node.pid(), SIGHUP), 0);
    // The reopen happens on the signal thread; a line logged after it lands in a new debug.log.
    ASSERT_TRUE(wait_until([&] {
        node.generate(1);
        return fs::exists(log) && contains(testsupport::read_text(log), "mined 1 blocks");
    }));
    EXPECT_TRUE(contains(testsupport::read_text(rotated), "Node started"));
    EXPECT_FALSE(contains(testsupport::read_text(log), "Node started"));
    EXPECT_EQ(node.stop(), 0);  // alive, and it shuts down cleanly
    EXPECT_TRUE(contains(testsupport::read_text(log), "Shutdown: done"));
}

TEST(Daemon, DetachesWritesThePidFileAndRemovesItAtShutdown) {
    testsupport::TempDir dir;
    const uint16_t rpc_port = free_port();
    auto args = regtest_args(dir.path(), rpc_port);
    args.push_back("-daemonwait");  // returns once the node has started, with its status
    args.push_back("-pid=node.pid");
    auto started = run_bitcoind(args);
    ASSERT_EQ(started.exit_code, 0) << started.err;
    EXPECT_EQ(started.out, "msgcapture bitcoind starting\n");  // the log goes to debug.log only
    const fs::path chain = dir.path() / "regtest";
    const std::string pid_text = testsupport::read_text(chain / "node.pid");
    const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
    EXPECT_EQ(pid_text, std::to_string(pid) + "\n");
    EXPECT_EQ(::kill(pid, 0), 0);
    const std::string cookie = testsupport::read_text(chain / ".cookie");
    auto reply = http_post(rpc_port, R"({"method":"getblockcount","params":[],"id":1})", cookie);
    EXPECT_EQ(reply.status, 200) << reply.body;
    // A second daemon on the same directory fails in the foreground, where its error can be read.
    auto second = regtest_args(dir.path());
    second.push_back("-daemon");
    auto refused = run_bitcoind(second);
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_TRUE(contains(refused.err, "Cannot obtain a lock")) << refused.err;

    http_post(rpc_port, R"({"method":"stop","params":[],"id":1})", cookie);
    EXPECT_TRUE(wait_until([&] { return !fs::exists(chain / "node.pid") && !fs::exists(chain / ".cookie"); }));
    // Gone, or a zombie waiting for whoever adopted it.
    EXPECT_TRUE(wait_until([&] {
        std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
        std::string line;
        return !std::getline(stat, line) || contains(line, ") Z ");
    }));
}

TEST(Logging, ConsoleByDefaultAndTheLogOptions) {
    NodeProcess console;
    console.omit_default("-printtoconsole");
    console.start();
    EXPECT_EQ(console.stop(), 0);
    EXPECT_TRUE(contains(testsupport::read_text(console.datadir() / "stdout.txt"), "Node started"));

    NodeProcess plain({"-logtimestamps=0", "-debuglogfile=node.log"});
    plain.start();
    EXPECT_EQ(plain.stop(), 0);
    EXPECT_FALSE(fs::exists(plain.chain_dir() / "debug.log"));
    const std::string log = testsupport::read_text(plain.chain_dir() / "node.log");
    EXPECT_TRUE(log.starts_with("msgcapture bitcoind ")) << log.substr(0, 80);

    NodeProcess none({"-nodebuglogfile"});
    none.start();
    EXPECT_EQ(none.stop(), 0);
    EXPECT_FALSE(fs::exists(none.chain_dir() / "debug.log"));
}

TEST(Logging, PeerAddressesOnlyWithLogips) {
    NodeProcess hidden, shown({"-logips"});
    hidden.start();
    shown.start();
    hidden.rpc("addnode", {shown.address(), "onetry"});
    ASSERT_TRUE(wait_until([&] { return shown.rpc("getconnectioncount") == 1 && hidden.rpc("getconnectioncount") == 1; }));
    EXPECT_EQ(hidden.stop(), 0);
    EXPECT_EQ(shown.stop(), 0);
    EXPECT_TRUE(contains(shown.debug_log(), "peeraddr=127.0.0.1:"));
    EXPECT_FALSE(contains(hidden.debug_log(), "peeraddr="));
}

TEST(Logging, ShrinksALargeLogAtStartToItsLast10MB) {
    NodeProcess node;
    node.without_debug_log();  // -shrinkdebugfile's default is off with -debug
    std::string old;
    for (int i = 0; old.size() < 12'000'000; ++i) old += "old line " + std::to_string(i) + "\n";
    write_text(node.chain_dir() / "debug.log", old);
    node.start();
    EXPECT_EQ(node.stop(), 0);
    const std::string log = node.debug_log();
    EXPECT_LT(log.size(), 10'100'000u);
    EXPECT_GT(log.size(), 9'900'000u);
    EXPECT_TRUE(log.starts_with("old line ")) << log.substr(0, 40);  // cut at a line start
    EXPECT_TRUE(contains(log, old.substr(old.size() - 1000)));       // the newest old lines are kept
    EXPECT_TRUE(contains(log, "Shutdown: done"));
}

TEST(Config, UnknownKeysAreIgnoredIncludesAreReadAndSectionsRespected) {
    NodeProcess node;
    write_text(node.datadir() / "bitcoin.conf", "txindex=1\nincludeconf=extra.conf\n[moon]\nx=1\n[regtest]\nincludeconf=regtest.conf\n");
    write_text(node.datadir() / "extra.conf", "includeconf=nested.conf\n[regtest]\npid=from-extra.pid\n");
    write_text(node.datadir() / "regtest.conf", "capturemessages=1\n");
    node.start();
    EXPECT_TRUE(fs::exists(node.chain_dir() / "from-extra.pid"));
    EXPECT_EQ(node.stop(), 0);
    const std::string log = node.debug_log();
    EXPECT_TRUE(contains(log, "Capturing messages to"));  // regtest.conf's capturemessages=1
    EXPECT_TRUE(contains(log, "Ignoring unknown configuration value txindex"));
    EXPECT_TRUE(contains(log, "Section [moon] is not recognized"));
    EXPECT_TRUE(contains(log, "-includeconf cannot be used from included files; ignoring -includeconf=nested.conf"));
}

TEST(Config, NetworkOnlyOptionsAtTheTopAreRefusedAndCommandLineIncludesToo) {
    testsupport::TempDir dir;
    write_text(dir.path() / "bitcoin.conf", "regtest=1\nrpcport=19999\n");
    auto refused = run_bitcoind({"-datadir=" + dir.path().string(), "-connect=0", "-dnsseed=0"});
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_TRUE(contains(refused.err, "Config setting for -rpcport only applied on regtest network when in [regtest] section.")) << refused.err;
    auto include = run_bitcoind({"-regtest", "-datadir=" + dir.path().string(), "-includeconf=x.conf"});
    EXPECT_EQ(include.exit_code, 1);
    EXPECT_TRUE(contains(include.err, "-includeconf cannot be used from commandline")) << include.err;
    write_text(dir.path() / "bitcoin.conf", "[regtest]\nincludeconf=missing.conf\n");
    auto missing = run_bitcoind({"-regtest", "-datadir=" + dir.path().string()});
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_TRUE(contains(missing.err, "Failed to include configuration file missing.conf")) << missing.err;
    EXPECT_FALSE(fs::exists(dir.path() / "regtest" / "debug.log"));  // refused before anything was written
}

TEST(Config, BindListensEvenWithConnect) {
    NodeProcess node({"-connect=0"});
    node.omit_default("-listen");  // -bind=127.0.0.1 stays
    node.start();
    const int fd = connect_loopback(node.port());
    EXPECT_GE(fd, 0);
    if (fd >= 0) ::close(fd);
    EXPECT_EQ(node.stop(), 0);
}
