#include "node_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "common/time.h"
#include "msgcapture/protocol/codec.h"
#include "msgcapture/protocol/messages.h"
#include "msgcapture/protocol/v1_framing.h"
#include <thread>

extern char** environ;

namespace functional {

// MSGCAPTURE_BITCOIND in the environment runs another build (an older one, to
// show that a test fails without the fix it checks).
std::string bitcoind_binary() {
    const char* other = std::getenv("MSGCAPTURE_BITCOIND");
    return other && *other ? other : MSGCAPTURE_BITCOIND_BINARY;
}

std::vector<testsupport::fs::path> sessions(const testsupport::fs::path& capture_root) {
    std::vector<testsupport::fs::path> out;
    if (!testsupport::fs::exists(capture_root)) return out;
    for (const auto& peer : testsupport::fs::directory_iterator(capture_root)) {
        for (const auto& s : testsupport::fs::directory_iterator(peer.path())) out.push_back(s.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

namespace {

// True when nothing on this machine holds `port` on loopback right now.
bool bindable(uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

// Claims `port` for this process against the other test processes ctest runs
// beside it: an flock on a file named after the port, held until exit.
bool claim(uint16_t port) {
    const std::string dir = "/tmp/msgcapture-test-ports";
    ::mkdir(dir.c_str(), 01777);
    const std::string path = dir + "/" + std::to_string(port);
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) return false;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        return false;
    }
    return true;  // the descriptor stays open, so the claim lasts as long as the process
}

}  // namespace

// Ports come from below the kernel's ephemeral range (32768 and up on Linux),
// so an outgoing connection of another test can never be given one between
// our check and the node's bind; that race failed a CI run with "Address
// already in use".
uint16_t free_port() {
    static std::mutex mutex;
    static uint32_t next = 20000 + static_cast<uint32_t>(::getpid()) % 12000;
    std::lock_guard lock(mutex);
    for (int tries = 0; tries < 12000; ++tries) {
        const auto port = static_cast<uint16_t>(next);
        next = next + 1 >= 32000 ? 20000 : next + 1;
        if (claim(port) && bindable(port)) return port;
    }
    throw std::runtime_error("no free loopback port between 20000 and 32000");
}

int connect_loopback(uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

void send_all(int fd, const std::vector<uint8_t>& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

int handshaken_peer(uint16_t port) {
    const int fd = connect_loopback(port);
    msgcapture::MsgVersion v;
    v.nVersion = 70016;
    v.nTime = node::now_seconds();
    v.nNonce = 42;
    v.strSubVer = "/test-peer/";
    v.relay = false;
    send_all(fd, msgcapture::frame_message(REGTEST, "version", msgcapture::encode_payload(v)));
    send_all(fd, msgcapture::frame_message(REGTEST, "verack", {}));
    return fd;
}

HttpReply http_post(uint16_t port, const std::string& body, const std::string& credentials) {
    const int fd = connect_loopback(port);
    if (fd < 0) return {};
    timeval timeout{15, 0};  // a node that accepts nothing must fail the test, not hang it
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string request = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n";
    if (!credentials.empty()) {
        std::string encoded(4 * ((credentials.size() + 2) / 3) + 1, '\0');
        int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                reinterpret_cast<const unsigned char*>(credentials.data()), static_cast<int>(credentials.size()));
        encoded.resize(static_cast<size_t>(n));
        request += "Authorization: Basic " + encoded + "\r\n";
    }
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string response;
    char buf[65536];
    for (;;) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        response.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    HttpReply reply;
    if (response.size() > 12) reply.status = std::stoi(response.substr(9, 3));
    auto end = response.find("\r\n\r\n");
    if (end != std::string::npos) reply.body = response.substr(end + 4);
    return reply;
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return condition();
}

std::string op_true_spend_hex(const std::string& prev_txid, int64_t value) {
    msgcapture::MsgTx m;
    m.tx.version = 2;
    msgcapture::TxIn in;
    auto bytes = *msgcapture::from_hex(prev_txid);
    std::reverse(bytes.begin(), bytes.end());  // RPC prints ids reversed
    std::copy(bytes.begin(), bytes.end(), in.prevout.hash.bytes.begin());
    in.nSequence = 0xffffffff;
    m.tx.vin.push_back(in);
    m.tx.vout.push_back({value, msgcapture::Bytes{0x51}});
    return msgcapture::to_hex(msgcapture::encode_payload(m));
}

NodeProcess::NodeProcess(std::vector<std::string> extra) : extra_(std::move(extra)), port_(free_port()), rpc_port_(free_port()) {}

NodeProcess::~NodeProcess() {
    if (pid_ > 0) signal_and_wait(SIGKILL);
}

void NodeProcess::start() {
    std::vector<std::string> argv = {bitcoind_binary(), "-regtest", "-datadir=" + datadir().string(),
                                     "-port=" + std::to_string(port_), "-bind=127.0.0.1",
                                     "-rpcport=" + std::to_string(rpc_port_), "-rpcbind=127.0.0.1",
                                     "-dnsseed=0", "-listen=1", "-printtoconsole=0"};
    if (debug_net_) argv.push_back("-debug=net");
    std::erase_if(argv, [&](const std::string& a) {
        return std::any_of(omitted_.begin(), omitted_.end(), [&](const std::string& o) { return a == o || a.starts_with(o + "="); });
    });
    argv.insert(argv.end(), extra_.begin(), extra_.end());
    if (open_file_limit_ > 0) {
        const std::string n = std::to_string(open_file_limit_);
        argv.insert(argv.begin(), {MSGCAPTURE_PRLIMIT_BINARY, "--nofile=" + n + ":" + n});
    }
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, (datadir() / "stdout.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, (datadir() / "stderr.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) throw std::runtime_error("cannot start bitcoind");
    posix_spawn_file_actions_destroy(&actions);
    const bool up = wait_until([&] {
        if (credentials_.empty() && !testsupport::fs::exists(chain_dir() / ".cookie")) return false;
        return rpc_raw(R"({"method":"getblockcount","params":[],"id":1})", credentials()).status == 200;
    });
    if (!up) throw std::runtime_error("bitcoind did not start: " + testsupport::read_text(datadir() / "stderr.txt"));
}

int NodeProcess::stop() {
    rpc("stop");
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int NodeProcess::signal_and_wait(int sig) {
    ::kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string NodeProcess::cookie() const { return testsupport::read_text(chain_dir() / ".cookie"); }

HttpReply NodeProcess::rpc_raw(const std::string& body, const std::string& credentials) {
    return http_post(rpc_port_, body, credentials);
}

nlohmann::json NodeProcess::rpc(const std::string& method, const nlohmann::json& params) {
    nlohmann::json request = {{"jsonrpc", "1.0"}, {"id", "test"}, {"method", method}, {"params", params}};
    HttpReply reply = rpc_raw(request.dump(), credentials());
    auto j = nlohmann::json::parse(reply.body, nullptr, false);
    if (j.is_discarded() || !j.contains("result")) throw std::runtime_error("RPC " + method + " failed: HTTP " + std::to_string(reply.status) + " " + reply.body);
    if (!j["error"].is_null()) throw std::runtime_error("RPC " + method + " error: " + j["error"].dump());
    return j["result"];
}

namespace {

// /proc files report no size: read them as streams.
std::string read_proc(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

uint64_t NodeProcess::rss_bytes() const {
    const std::string status = read_proc("/proc/" + std::to_string(pid_) + "/status");
    const size_t at = status.find("VmRSS:");
    return at == std::string::npos ? 0 : std::stoull(status.substr(at + 6)) * 1024;
}

std::chrono::milliseconds NodeProcess::cpu_time() const {
    // /proc/<pid>/stat: fields 14 and 15 (utime, stime) in clock ticks, after the ")" that ends the name.
    const std::string stat = read_proc("/proc/" + std::to_string(pid_) + "/stat");
    std::istringstream in(stat.substr(stat.rfind(')') + 2));
    std::string field;
    uint64_t utime = 0, stime = 0;
    for (int i = 3; i <= 15 && in >> field; ++i) {
        if (i == 14) utime = std::stoull(field);
        if (i == 15) stime = std::stoull(field);
    }
    return std::chrono::milliseconds((utime + stime) * 1000 / static_cast<uint64_t>(sysconf(_SC_CLK_TCK)));
}

std::string NodeProcess::debug_log() const { return testsupport::read_text(chain_dir() / "debug.log"); }

std::string NodeProcess::debug_log_tail(size_t bytes) const {
    const std::string log = debug_log();
    return log.substr(log.size() > bytes ? log.size() - bytes : 0);
}

}  // namespace functional
