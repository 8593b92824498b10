#pragma once
// Runs a real bitcoind process for a test, on loopback only, and talks to its
// RPC with a plain HTTP client.
#include <sys/types.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_support.h"

namespace functional {

// A loopback TCP port nothing holds now and no other test process will be
// given: outside the ephemeral range, claimed for this process.
uint16_t free_port();

// Regtest's network magic, which frames every message a test peer sends.
inline constexpr std::array<uint8_t, 4> REGTEST = {0xfa, 0xbf, 0xb5, 0xda};

// A TCP connection to 127.0.0.1:port; -1 when refused.
int connect_loopback(uint16_t port);

// Writes all of `bytes` to a socket.
void send_all(int fd, const std::vector<uint8_t>& bytes);

// A raw regtest peer on 127.0.0.1:port that has sent version and verack.
int handshaken_peer(uint16_t port);

struct HttpReply {
    int status = 0;
    std::string body;
};

// One POST to 127.0.0.1:port with optional basic-auth credentials "user:password".
HttpReply http_post(uint16_t port, const std::string& body, const std::string& credentials);

// Polls `condition` until it holds or `timeout` passes.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout = std::chrono::seconds(20));

// A raw transaction (hex) spending output 0 of `prev_txid` (display hex, as
// RPC prints it) to one OP_TRUE output of `value` satoshis: with no signature,
// it spends the coinbases NodeProcess::generate mines.
std::string op_true_spend_hex(const std::string& prev_txid, int64_t value);

class NodeProcess {
public:
    // `extra` options are added to -regtest, the data directory, ports on
    // loopback, -dnsseed=0 and -debug=net.
    explicit NodeProcess(std::vector<std::string> extra = {});
    ~NodeProcess();

    void start();
    // RPC `stop`, then waits for the exit code.
    int stop();
    // SIGTERM or SIGKILL, then the exit code (128 + signal when killed).
    int signal_and_wait(int sig);

    nlohmann::json rpc(const std::string& method, const nlohmann::json& params = nlohmann::json::array());
    // Mines `blocks` blocks paying OP_TRUE (generatetodescriptor "raw(51)"), so
    // that tests can spend the coinbases without keys; returns their hashes.
    nlohmann::json generate(int blocks) { return rpc("generatetodescriptor", {blocks, "raw(51)"}); }
    HttpReply rpc_raw(const std::string& body, const std::string& credentials);
    std::string cookie() const;
    // Runs in `dir` instead of a fresh temporary directory (call before start()).
    void use_datadir(const testsupport::fs::path& dir) { datadir_override_ = dir; }
    // Leaves out -debug=net (for benchmarks: a log line per message costs time).
    void without_debug_log() { debug_net_ = false; }
    // -rpcuser/-rpcpassword instead of the cookie.
    void use_credentials(std::string user_colon_password) { credentials_ = std::move(user_colon_password); }
    std::string credentials() const { return credentials_.empty() ? cookie() : credentials_; }
    // Leaves out one of the options start() adds by default ("-listen",
    // "-printtoconsole", ...), so that the node's own default applies.
    void omit_default(const std::string& option) { omitted_.push_back(option); }
    // Runs the node under `prlimit --nofile=N:N` (call before start()).
    void limit_open_files(int n) { open_file_limit_ = n; }

    pid_t pid() const { return pid_; }
    // The process's resident memory (VmRSS) and its CPU time so far (user + system).
    uint64_t rss_bytes() const;
    std::chrono::milliseconds cpu_time() const;

    uint16_t port() const { return port_; }
    uint16_t rpc_port() const { return rpc_port_; }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    testsupport::fs::path datadir() const { return datadir_override_.empty() ? dir_.path() : datadir_override_; }
    testsupport::fs::path chain_dir() const { return datadir() / "regtest"; }
    testsupport::fs::path capture_dir() const { return chain_dir() / "message_capture"; }
    std::string debug_log() const;
    // The last `bytes` of debug.log, for a failing assertion's message.
    std::string debug_log_tail(size_t bytes = 4000) const;

private:
    testsupport::TempDir dir_;
    std::vector<std::string> extra_;
    uint16_t port_, rpc_port_;
    pid_t pid_ = -1;
    std::string credentials_;
    testsupport::fs::path datadir_override_;
    bool debug_net_ = true;
    int open_file_limit_ = 0;
    std::vector<std::string> omitted_;
};

std::string bitcoind_binary();

// The session directories below a node's capture root (<root>/<peer>/<session>), sorted.
std::vector<testsupport::fs::path> sessions(const testsupport::fs::path& capture_root);

}  // namespace functional
