// bitcoind: a header-chain P2P node that can capture every message it sends
// and receives (-capturemessages). Options follow Bitcoin Core's.
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <boost/filesystem.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <asio/ip/address.hpp>

#include "chain/chainparams.h"
#include "common/args.h"
#include "common/logging.h"
#include "common/process.h"
#include "common/system.h"
#include "common/time.h"
#include "msgcapture/format/capture_writer.h"
#include "net/connection_policy.h"
#include "node/capture_control.h"
#include "node/message_counters.h"
#include "node/metrics_server.h"
#include "node/net_events.h"
#include "node/net_log_observer.h"
#include "node/trace_observer.h"
#include "node/tracing.h"
#include "net/addrman.h"
#include "net/connman.h"
#include "net/netaddress.h"
#include "net/subnet.h"
#include "node/node_context.h"
#include "node/peer_manager.h"
#include "common/http.h"
#include "rpc/methods.h"
#include "rpc/rpc_server.h"

namespace fs = boost::filesystem;
using namespace node;

namespace {

std::vector<OptionSpec> option_specs() {
    return {
        {"?", "Print this help message and exit", "", ""},
        {"h", "Print this help message and exit", "", ""},
        {"help", "Print this help message and exit", "", ""},
        {"version", "Print version and exit", "", ""},
        {"datadir", "Specify data directory", "<dir>", "~/.bitcoin"},
        {"conf", "Specify path to the configuration file (relative paths are taken from the data directory)", "<file>", "bitcoin.conf"},
        {"includeconf", "In bitcoin.conf only: read more options from this file, relative to the data directory; repeatable", "<file>", ""},
        {"daemon", "Run in the background as a daemon and accept commands", "", "0"},
        {"daemonwait", "Like -daemon, but the starting process waits until the node has started, and exits with its status", "", "0"},
        {"pid", "Specify the pid file; relative paths are taken from the chain's data directory", "<file>", "bitcoind.pid"},
        {"debuglogfile", "Specify the location of the debug log; relative paths are taken from the chain's data directory; -nodebuglogfile writes no log file", "<file>", "debug.log"},
        {"logtimestamps", "Prepend debug output with a timestamp", "", "1"},
        {"logips", "Include IP addresses in debug output", "", "0"},
        {"shrinkdebugfile", "Shrink debug.log on startup to its last 10 MB when it is larger than 11 MB", "", "1 when no -debug"},
        {"chain", "Use the chain <chain>: main, test, testnet4, signet, regtest", "<chain>", "main"},
        {"regtest", "Use the regression test chain (same as -chain=regtest)", "", ""},
        {"testnet", "Use the testnet3 chain (same as -chain=test)", "", ""},
        {"testnet4", "Use the testnet4 chain (same as -chain=testnet4)", "", ""},
        {"signet", "Use the signet chain (same as -chain=signet)", "", ""},
        {"listen", "Accept connections from outside", "", "1 (0 if -connect is given and -bind is not)"},
        {"bind", "Bind to the given address and listen on it; repeatable", "<addr>[:<port>]", "all interfaces", true},
        {"port", "Listen for connections on <port>", "<port>", "8333, testnet3: 18333, testnet4: 48333, signet: 38333, regtest: 18444", true},
        {"connect", "Connect only to the specified node(s); -connect=0 disables automatic connections; repeatable", "<ip>", "", true},
        {"addnode", "Add a node to connect to and attempt to keep the connection open; repeatable", "<ip>", "", true},
        {"seednode", "Connect to a node to retrieve peer addresses, and disconnect; repeatable", "<ip>", ""},
        {"dnsseed", "Query for peer addresses via DNS lookup if the address table is empty", "", "1 unless -connect is given"},
        {"maxconnections", "Maintain at most <n> connections to peers (fewer when file descriptors are short)", "<n>", "125"},
        {"maxreceivebuffer", "Maximum per-connection receive buffer, <n>*1000 bytes", "<n>", "5000"},
        {"maxsendbuffer", "Maximum per-connection memory usage for the send buffer, <n>*1000 bytes", "<n>", "1000"},
        {"rpcport", "Listen for JSON-RPC connections on <port>", "<port>", "8332, testnet3: 18332, testnet4: 48332, signet: 38332, regtest: 18443", true},
        {"rpcbind", "Bind the RPC server to this address; repeatable", "<addr>[:port]", "127.0.0.1 and ::1", true},
        {"rpcallowip", "Allow JSON-RPC connections from this source: an IP or a subnet; repeatable", "<ip>", "localhost"},
        {"rpcuser", "Username for JSON-RPC connections", "<user>", ""},
        {"rpcpassword", "Password for JSON-RPC connections", "<pw>", ""},
        {"rpcthreads", "Set the number of threads to service RPC calls", "<n>", "16"},
        {"rpcworkqueue", "Set the depth of the work queue to service RPC calls", "<n>", "64"},
        {"rpcservertimeout", "Timeout during HTTP requests, in seconds", "<n>", "30"},
        {"server", "Accept JSON-RPC commands", "", "1"},
        {"printtoconsole", "Send trace/debug info to the console as well as debug.log", "", "1 when not -daemon"},
        {"debug", "Output debug logging for a category (net, or 1 for all); repeatable", "<category>", ""},
        {"capturemessages", "Capture all P2P messages to disk, per peer and per connection", "", "0"},
        {"capturemaxsize", "Stop capturing once this many MiB of records are written (0: no limit)", "<MiB>", "0"},
        {"capturecompress", "Write capture files compressed with zstd (msgs_*.dat.zst)", "", "0"},
        {"metricsbind", "Serve Prometheus metrics at http://<addr>:<port>/metrics; repeatable", "<addr>:<port>", "off", true},
        {"metricsallowip", "Allow metrics scrapes from this source (an IP or a subnet) besides loopback; needed to bind -metricsbind to other than loopback; repeatable", "<ip>", "localhost"},
        {"capturesessionrate", "Capture at most <n> new connections per peer IP per minute (and 300 in all); 0: no per-IP limit", "<n>", "10"},
    };
}

std::string default_datadir() {
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + "/.bitcoin";
}

std::string expand_home(const std::string& path) {
    if (path.starts_with("~/")) {
        const char* home = std::getenv("HOME");
        return std::string(home ? home : ".") + path.substr(1);
    }
    return path;
}

// An error that stops the start: on the terminal and, once it is open, in debug.log.
int init_error(const std::string& message) {
    std::fprintf(stderr, "Error: %s\n", message.c_str());
    log_info("Error: " + message);
    return 1;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// bitcoin.conf, then the files its includeconf lines name (for the chosen
// chain), relative to the data directory; selects the chain. Throws ArgsError.
void load_config(Args& args, const std::string& datadir) {
    std::string conf = expand_home(args.get("conf", "bitcoin.conf"));
    if (!fs::path(conf).is_absolute()) conf = datadir + "/" + conf;
    if (fs::exists(conf)) {
        args.read_config_text(read_text(conf), conf);
    } else if (args.is_set("conf")) {
        throw ArgsError("Specified config file \"" + conf + "\" could not be opened.");
    }
    args.select_chain(args.chain());
    for (const std::string& name : args.include_files()) {
        const std::string path = fs::path(name).is_absolute() ? name : datadir + "/" + name;
        if (!fs::is_regular_file(path)) throw ArgsError("Failed to include configuration file " + name);
        args.read_config_text(read_text(path), path, /*included=*/true);
    }
    args.select_chain(args.chain());
    for (const std::string& option : args.top_level_network_only_options()) {
        const std::string& section = args.chain_section();
        throw ArgsError("Config setting for " + option + " only applied on " + section + " network when in [" + section + "] section.");
    }
}

// A path option relative to the chain's data directory; empty when negated.
std::string chain_path(const Args& args, const std::string& name, const std::string& fallback, const std::string& chain_dir) {
    if (args.is_set(name) && args.get(name, "") == "0") return "";  // -nodebuglogfile, -nopid
    const std::string value = expand_home(args.get(name, fallback));
    return fs::path(value).is_absolute() ? value : chain_dir + "/" + value;
}

int run(int argc, char** argv) {
    Args args(option_specs());
    try {
        args.parse_command_line(argc, argv);
    } catch (const ArgsError& e) {
        std::fprintf(stderr, "Error: %s\n", e.what());
        return 1;
    }
    if (args.is_set("?") || args.is_set("h") || args.is_set("help")) {
        std::printf("msgcapture bitcoind %s\n\nUsage: bitcoind [options]\n\n%s", USER_AGENT, args.help_text().c_str());
        return 0;
    }
    if (args.is_set("version")) {
        std::printf("msgcapture bitcoind %s (protocol %d)\n", USER_AGENT, PROTOCOL_VERSION);
        return 0;
    }

    const std::string datadir = expand_home(args.get("datadir", default_datadir()));
    if (args.is_set("datadir") && !fs::is_directory(datadir)) {
        std::fprintf(stderr, "Error: Specified data directory \"%s\" does not exist.\n", datadir.c_str());
        return 1;
    }
    fs::create_directories(datadir);
    try {
        load_config(args, datadir);
    } catch (const ArgsError& e) {
        std::fprintf(stderr, "Error: %s\n", e.what());
        return 1;
    }

    auto params_or = chain_params(args.chain());
    if (!params_or) {
        std::fprintf(stderr, "Error: Unknown chain '%s'. Valid values: main, test, testnet4, signet, regtest\n", args.chain().c_str());
        return 1;
    }
    NodeConfig config;
    config.params = *params_or;
    config.data_dir = config.params.data_subdir.empty() ? datadir : datadir + "/" + config.params.data_subdir;
    fs::create_directories(config.data_dir);

    uint16_t rpc_port = 0;
    HttpServerOptions http_options;
    std::vector<Subnet> allowed;
    std::vector<std::string> rpc_binds;
    MetricsServerOptions metrics_options;
    try {
        config.connect = args.get_all("connect");
        config.addnode = args.get_all("addnode");
        config.seednode = args.get_all("seednode");
        config.dns_seed = args.get_bool("dnsseed", config.connect.empty());
        // -bind means listening there, even with -connect (as in Core).
        config.listen = args.get_bool("listen", !args.get_all("bind").empty() || config.connect.empty());
        config.max_connections = static_cast<int>(args.get_int("maxconnections", 125));
        if (config.max_connections < 0) throw ArgsError("-maxconnections must not be negative");
        const int64_t receive_kb = args.get_int("maxreceivebuffer", 5000), send_kb = args.get_int("maxsendbuffer", 1000);
        if (receive_kb < 1 || send_kb < 1 || receive_kb > 1'000'000 || send_kb > 1'000'000) {
            throw ArgsError("-maxreceivebuffer and -maxsendbuffer must be between 1 and 1000000");
        }
        config.max_receive_buffer = static_cast<size_t>(receive_kb) * 1000;
        config.max_send_buffer = static_cast<size_t>(send_kb) * 1000;
        const int64_t threads = args.get_int("rpcthreads", 16), queue = args.get_int("rpcworkqueue", 64);
        const int64_t timeout = args.get_int("rpcservertimeout", 30);
        if (threads < 1 || threads > 1024 || queue < 1 || queue > 100'000 || timeout < 1 || timeout > 86'400) {
            throw ArgsError("-rpcthreads (1 to 1024), -rpcworkqueue (1 to 100000) and -rpcservertimeout (1 to 86400 s) are out of range");
        }
        http_options.threads = static_cast<size_t>(threads);
        http_options.work_queue = static_cast<size_t>(queue);
        http_options.timeout = std::chrono::seconds(timeout);
        http_options.max_connections = http_options.threads + http_options.work_queue;
        const int64_t port = args.get_int("port", config.params.default_port);
        const int64_t rport = args.get_int("rpcport", config.params.rpc_port);
        if (port < 0 || port > 65535 || rport < 0 || rport > 65535) throw ArgsError("Invalid port specified in -port or -rpcport");
        config.port = static_cast<uint16_t>(port);
        rpc_port = static_cast<uint16_t>(rport);
        config.capture = args.get_bool("capturemessages", false);
        const int64_t max_mib = args.get_int("capturemaxsize", 0);
        if (max_mib < 0) throw ArgsError("-capturemaxsize must not be negative");
        config.capture_max_bytes = static_cast<uint64_t>(max_mib) * 1024 * 1024;
        config.capture_compress = args.get_bool("capturecompress", false);
        const int64_t session_rate = args.get_int("capturesessionrate", 10);
        if (session_rate < 0) throw ArgsError("-capturesessionrate must not be negative");
        config.capture_sessions_per_ip_per_minute = session_rate == 0 ? SIZE_MAX : static_cast<size_t>(session_rate);
        for (const auto& a : args.get_all("rpcallowip")) allowed.push_back(parse_subnet(a));
        rpc_binds = args.get_all("rpcbind");
        metrics_options.binds = args.get_all("metricsbind");
        metrics_options.allow_ips = args.get_all("metricsallowip");
    } catch (const ArgsError& e) {
        std::fprintf(stderr, "Error: %s\n", e.what());
        return 1;
    }

    // One node per data directory. With -daemon the lock is tried here too,
    // so that a refusal reaches the terminal before the detach hides it.
    const bool daemon = args.get_bool("daemon", false), daemon_wait = args.get_bool("daemonwait", false);
    std::string lock_error;
    DaemonParent starter;
    if (daemon || daemon_wait) {
        if (!DirectoryLock::take(config.data_dir, lock_error)) return init_error(lock_error);
        std::printf("msgcapture bitcoind starting\n");
        starter = DaemonParent::detach(daemon_wait);
    }
    auto data_lock = DirectoryLock::take(config.data_dir, lock_error);
    if (!data_lock) return init_error(lock_error);

    Logger& logger = Logger::instance();
    Logger::Options log_options;
    log_options.path = chain_path(args, "debuglogfile", "debug.log", config.data_dir);
    log_options.print_to_console = args.get_bool("printtoconsole", !(daemon || daemon_wait));
    log_options.timestamps = args.get_bool("logtimestamps", true);
    log_options.ips = args.get_bool("logips", false);
    if (!log_options.path.empty() && args.get_bool("shrinkdebugfile", args.get_all("debug").empty())) {
        shrink_log_file(log_options.path);
    }
    if (!logger.open(log_options)) return init_error("Could not open debug log file " + log_options.path);
    for (const auto& c : args.get_all("debug")) logger.enable_category(c);
    log_info("msgcapture bitcoind " + std::string(USER_AGENT) + " starting; chain=" + config.params.name + " datadir=" + config.data_dir);
    for (const auto& w : args.warnings()) log_info(w);
    const std::string pid_path = chain_path(args, "pid", "bitcoind.pid", config.data_dir);
    if (!pid_path.empty()) {
        if (auto error = write_pid_file(pid_path)) return init_error("Unable to create the PID file '" + pid_path + "': " + *error);
    }
    // Whatever ends the start from here on, the pid file goes with it.
    struct PidFileRemover {
        std::string path;
        ~PidFileRemover() {
            if (!path.empty()) fs::remove(path);
        }
    } pid_remover{pid_path};

    // File descriptors: the node's own files (logs, capture, cookie) keep a
    // reserve, RPC connections are capped, and peers get what is left, each
    // with its two capture files when capturing. Nothing is accepted past
    // that, so the node never runs out in the middle of its work.
    const int fd_limit = raise_open_file_limit();
    const int per_peer = 3;  // the socket and, should capture be on now or later (setcapture), two capture files
    const int rpc_fds = static_cast<int>(http_options.max_connections) + 4;  // and listeners
    const int peer_fds = fd_limit - RESERVED_FILE_DESCRIPTORS - rpc_fds - 4;
    if (peer_fds < per_peer * 8) {
        return init_error("Not enough file descriptors available: " + std::to_string(fd_limit) + ", and " +
                          std::to_string(RESERVED_FILE_DESCRIPTORS + rpc_fds + 4 + per_peer * 8) + " needed.");
    }
    if (config.max_connections > peer_fds / per_peer) {
        log_info("Reducing -maxconnections from " + std::to_string(config.max_connections) + " to " + std::to_string(peer_fds / per_peer) +
                 ", because of system limitations (" + std::to_string(fd_limit) + " file descriptors)");
        config.max_connections = peer_fds / per_peer;
    }

    // Signals are taken by one thread with sigwait; every other thread blocks them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    signal(SIGPIPE, SIG_IGN);

    ShutdownSignal shutdown;
    ChainState chain(config.params);
    AddrMan addrman(config.params.local_network);

    // The tap's subscribers (node/net_events.h). Capture is always one, so
    // that setcapture can turn it on at any time.
    msgcapture::CaptureOptions capture_options;
    capture_options.root = config.data_dir + "/message_capture";
    capture_options.max_bytes = config.capture_max_bytes;
    capture_options.compress = config.capture_compress;
    capture_options.max_sessions_per_ip_per_minute = config.capture_sessions_per_ip_per_minute;
    auto capture = std::make_shared<CaptureControl>(capture_options, config.params.name);
    if (config.capture) capture->set(true);  // -capturemessages
    auto counters = std::make_shared<MessageCounters>();
    NetEvents events;
    events.subscribe(capture);
    events.subscribe(std::make_shared<NetLogObserver>());
    events.subscribe(counters);
    if (MSGCAPTURE_TRACING_BUILT) events.subscribe(std::make_shared<TraceObserver>());
    auto metrics = std::make_shared<MetricsObserver>();
    if (!metrics_options.binds.empty()) events.subscribe(metrics);

    PeerManager* handler = nullptr;
    Connman::Options net_options;
    net_options.magic = config.params.magic;
    net_options.default_port = config.port;
    net_options.listen = config.listen;
    net_options.max_connections = config.max_connections;
    net_options.max_send_buffer = config.max_send_buffer;
    net_options.max_receive_buffer = config.max_receive_buffer;
    for (const auto& b : args.get_all("bind")) net_options.binds.push_back(b);
    Connman connman(net_options, [&handler] {
        if (handler) handler->wake();
    });
    PeerManager peers(config, chain, addrman, connman, events);
    handler = &peers;
    ConnectionPolicyOptions policy_options;
    policy_options.connect = config.connect;
    policy_options.addnode = config.addnode;
    policy_options.seednode = config.seednode;
    if (config.dns_seed) policy_options.dns_seeds = config.params.dns_seeds;
    policy_options.default_port = config.params.default_port;
    ConnectionPolicy policy(policy_options, connman, addrman);

    // RPC: credentials first, so that no request is ever served without them.
    std::map<std::string, std::string> users;
    const std::string cookie_path = config.data_dir + "/.cookie";
    bool wrote_cookie = false;
    const bool rpc_enabled = args.get_bool("server", true);
    if (args.is_set("rpcpassword")) {
        users[args.get("rpcuser", "")] = args.get("rpcpassword", "");
    } else if (rpc_enabled) {
        const std::string cookie = make_cookie();
        if (auto error = write_private_file(cookie_path, cookie)) {
            return init_error("Unable to write the RPC cookie " + cookie_path + ": " + *error);
        }
        wrote_cookie = true;
        users["__cookie__"] = cookie.substr(cookie.find(':') + 1);
    }
    RpcContext rpc_ctx{config, chain, connman, peers, policy, *counters, *capture, shutdown, now_seconds()};
    RpcServer rpc_server(users, node_rpc_methods(rpc_ctx));
    rpc_ctx.server = &rpc_server;
    if (allowed.empty()) allowed = loopback_subnets();
    HttpServer http([&rpc_server](const HttpRequest& r) { return rpc_server.handle(r); },
                    [&allowed](const asio::ip::address& a) { return contains_any(allowed, a); },
                    [&rpc_server](const HttpRequest& r) { return rpc_server.authorized(r); }, http_options);

    int exit_code = 0;
    std::unique_ptr<MetricsServer> metrics_server;
    try {
        metrics_server = std::make_unique<MetricsServer>(metrics_options, *metrics,
                                                         MetricsObserver::Sources{connman, chain, *capture, rpc_ctx.start_time});
        if (rpc_enabled) {
            const bool defaults = rpc_binds.empty();
            if (defaults) rpc_binds = {"127.0.0.1", "::1"};
            for (const auto& b : rpc_binds) {
                const auto endpoint = parse_ip_endpoint(b, rpc_port);
                if (!endpoint) throw std::runtime_error("Invalid -rpcbind address '" + b + "'");
                http.bind(*endpoint, !(defaults && endpoint->address().is_v6()));
            }
        }
        connman.start();
        peers.start();
        policy.start();
        if (rpc_enabled) http.start();
        metrics_server->start();
        log_info("Node started; listening on " + std::to_string(connman.listening_on().size()) + " address(es)");
    } catch (const std::exception& e) {
        exit_code = init_error(e.what());
        shutdown.request();
    }
    starter.report(exit_code == 0);

    std::thread signal_thread([&] {
        for (;;) {
            int sig = 0;
            sigwait(&signals, &sig);
            if (shutdown.requested()) return;  // woken at the end of a shutdown
            if (sig == SIGHUP) {
                // logrotate has moved debug.log away: go on in a new file of that name.
                if (!logger.reopen()) log_info("SIGHUP: could not reopen the debug log; still writing to the old file");
                continue;
            }
            log_info(std::string("Received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ", shutting down");
            shutdown.request();
            return;
        }
    });
    shutdown.wait();
    log_info("Shutdown: in progress...");
    http.stop();
    if (metrics_server) metrics_server->stop();
    policy.stop();
    peers.stop();  // every peer's Closed event ends its capture session
    capture->close_all();  // flushes and closes every capture file
    connman.stop();
    if (wrote_cookie) fs::remove(cookie_path);
    log_info("Shutdown: done");
    logger.close();
    // The signal thread may still wait for a signal that will not come.
    pthread_kill(signal_thread.native_handle(), SIGTERM);
    signal_thread.join();
    return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "Error: %s\n", e.what());
        return 1;
    }
}
