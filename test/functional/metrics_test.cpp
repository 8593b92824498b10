// The node's Prometheus metrics, scraped by a real Prometheus server (Debian's
// prometheus, on loopback) with contrib/prometheus/rules.yml loaded: after a
// scripted session its query API must give exactly the counts the capture
// files hold, and a ping flood must trip the alert meant for it. A metrics
// client that connects and never reads must not hold up the node.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <thread>

#include "background_process.h"
#include "msgcapture/protocol/codec.h"
#include "msgcapture/protocol/messages.h"
#include "msgcapture/protocol/v1_framing.h"
#include "node_process.h"

using namespace functional;
using nlohmann::json;

namespace {


// One GET with curl; the body, or "" when it fails.
std::string http_get(const std::string& url, const std::vector<std::string>& data = {}) {
    std::vector<std::string> argv = {MSGCAPTURE_CURL_BINARY, "-s", "-f", "--max-time", "10", "-G", url};
    for (const auto& d : data) {
        argv.push_back("--data-urlencode");
        argv.push_back(d);
    }
    auto r = testsupport::run_process(argv);
    return r.exit_code == 0 ? r.out : "";
}

class Prometheus {
public:
    explicit Prometheus(uint16_t target_port) : port_(free_port()) {
        const auto config = dir_ / "prometheus.yml";
        std::ofstream(config.string()) << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                                       << "rule_files:\n  - " << MSGCAPTURE_PROMETHEUS_RULES << "\n"
                                       << "scrape_configs:\n  - job_name: bitcoind\n    static_configs:\n"
                                       << "      - targets: [\"127.0.0.1:" << target_port << "\"]\n";
        process_ = std::make_unique<BackgroundProcess>(std::vector<std::string>{
            MSGCAPTURE_PROMETHEUS_BINARY, "--config.file=" + config.string(), "--storage.tsdb.path=" + (dir_ / "data").string(),
            "--web.listen-address=127.0.0.1:" + std::to_string(port_)});
        if (!process_->wait_for_output("Server is ready to receive web requests", std::chrono::seconds(60))) {
            throw std::runtime_error("Prometheus did not start: " + process_->err());
        }
    }
    ~Prometheus() { process_->stop(SIGTERM); }

    // GET /api/v1/<path>; the "data" member, or null.
    json api(const std::string& path, const std::vector<std::string>& data = {}) const {
        const std::string body = http_get("http://127.0.0.1:" + std::to_string(port_) + "/api/v1/" + path, data);
        const json reply = json::parse(body, nullptr, false);
        return reply.is_object() && reply.value("status", "") == "success" ? reply["data"] : json();
    }
    // An instant query's vector as {label value of `by`: sample value}.
    std::map<std::string, uint64_t> query(const std::string& promql, const std::string& by) const {
        std::map<std::string, uint64_t> out;
        const json data = api("query", {"query=" + promql});
        if (!data.is_object()) return out;
        for (const auto& sample : data["result"]) out[sample["metric"].value(by, "")] = std::stoull(sample["value"][1].get<std::string>());
        return out;
    }
    std::string log() const { return process_->err(); }

private:
    testsupport::TempDir dir_;
    uint16_t port_;
    std::unique_ptr<BackgroundProcess> process_;
};

// Messages and payload bytes per type in one capture file.
struct Totals {
    std::map<std::string, uint64_t> messages, bytes;
};
Totals totals(const testsupport::fs::path& file) {
    Totals t;
    for (const auto& r : testsupport::read_records(file)) {
        ++t.messages[r.msgtype];
        t.bytes[r.msgtype] += r.payload.size();
    }
    return t;
}

// The non-zero entries of a query result.
std::map<std::string, uint64_t> nonzero(std::map<std::string, uint64_t> m) {
    std::erase_if(m, [](const auto& e) { return e.second == 0; });
    return m;
}

}  // namespace

TEST(Metrics, PrometheusSeesExactlyWhatTheCaptureHolds) {
    const uint16_t metrics_port = free_port();
    NodeProcess a({"-connect=0", "-capturemessages", "-metricsbind=127.0.0.1:" + std::to_string(metrics_port)});
    a.start();
    Prometheus prometheus(metrics_port);
    ASSERT_TRUE(wait_until([&] { return !prometheus.query("bitcoind_uptime_seconds", "job").empty(); }, std::chrono::seconds(30)))
        << prometheus.log();

    NodeProcess b({"-connect=" + a.address()});
    b.start();
    ASSERT_TRUE(wait_until([&] { return b.rpc("getconnectioncount") == 1 && b.rpc("getpeerinfo")[0].contains("pingtime"); }));
    a.generate(5);
    ASSERT_TRUE(wait_until([&] { return b.rpc("getblockcount") == 5; }));
    EXPECT_TRUE(wait_until([&] { return prometheus.query("bitcoind_peers", "connection_type") == std::map<std::string, uint64_t>{{"inbound", 1}}; }));
    b.stop();
    ASSERT_TRUE(wait_until([&] { return a.rpc("getconnectioncount") == 0; }));

    const auto session = sessions(a.capture_dir());
    ASSERT_EQ(session.size(), 1u);
    const Totals in = totals(session[0] / "msgs_recv.dat"), out = totals(session[0] / "msgs_sent.dat");
    ASSERT_GT(in.messages.size(), 5u);
    // The node is quiet now: once Prometheus has scraped, every series stays put.
    auto series = [&](const char* name, const char* direction) {
        return nonzero(prometheus.query(std::string(name) + "{direction=\"" + direction + "\"}", "msgtype"));
    };
    EXPECT_TRUE(wait_until([&] { return series("bitcoind_p2p_messages_total", "in") == in.messages; }, std::chrono::seconds(30)));
    EXPECT_EQ(series("bitcoind_p2p_messages_total", "in"), in.messages);
    EXPECT_EQ(series("bitcoind_p2p_messages_total", "out"), out.messages);
    EXPECT_EQ(series("bitcoind_p2p_message_bytes_total", "in"), nonzero(in.bytes));
    EXPECT_EQ(series("bitcoind_p2p_message_bytes_total", "out"), nonzero(out.bytes));
    EXPECT_EQ(prometheus.query("bitcoind_connections_opened_total", "direction"),
              (std::map<std::string, uint64_t>{{"inbound", 1}, {"outbound", 0}}));
    EXPECT_TRUE(wait_until([&] { return !nonzero(prometheus.query("bitcoind_connections_closed_total", "reason")).empty(); }));
    EXPECT_EQ(nonzero(prometheus.query("bitcoind_connections_closed_total", "reason")), (std::map<std::string, uint64_t>{{"peer_closed", 1}}));
    EXPECT_EQ(prometheus.query("bitcoind_header_height", "job"), (std::map<std::string, uint64_t>{{"bitcoind", 5}}));
    EXPECT_EQ(prometheus.query("bitcoind_block_height", "job"), (std::map<std::string, uint64_t>{{"bitcoind", 5}}));
    EXPECT_EQ(prometheus.query("bitcoind_capture_enabled", "job"), (std::map<std::string, uint64_t>{{"bitcoind", 1}}));
    uint64_t captured_bytes = 0;
    for (const auto* t : {&in, &out}) {
        for (const auto& [type, n] : t->messages) captured_bytes += n * 24 + t->bytes.at(type);  // record header + payload
    }
    EXPECT_EQ(prometheus.query("bitcoind_capture_bytes_written_total", "job"), (std::map<std::string, uint64_t>{{"bitcoind", captured_bytes}}));

    // A ping flood trips the alert in contrib/prometheus/rules.yml (pending
    // at once; firing after its `for`).
    const int flooder = handshaken_peer(a.port());
    for (int i = 0; i < 200; ++i) send_all(flooder, msgcapture::frame_message(REGTEST, "ping", msgcapture::encode_payload(msgcapture::MsgPing{uint64_t(i)})));
    EXPECT_TRUE(wait_until([&] {
        const json alerts = prometheus.api("alerts");
        if (!alerts.is_object()) return false;
        for (const auto& alert : alerts["alerts"]) {
            if (alert["labels"]["alertname"] == "BitcoindPingFlood") return true;
        }
        return false;
    }, std::chrono::seconds(30))) << prometheus.api("alerts").dump();
    ::close(flooder);
    // Every rule loaded and evaluated without error.
    const json groups = prometheus.api("rules")["groups"];
    ASSERT_EQ(groups.size(), 2u);
    for (const auto& g : groups) {
        for (const auto& rule : g["rules"]) EXPECT_EQ(rule["health"], "ok") << rule.dump();
    }
}

TEST(Metrics, ClientsThatNeverReadHoldNothingUp) {
    const uint16_t metrics_port = free_port();
    NodeProcess a({"-connect=0", "-metricsbind=127.0.0.1:" + std::to_string(metrics_port)});
    a.start();
    // Forty clients each ask for the metrics a thousand times over and never
    // read a byte of the answers.
    std::string requests;
    for (int i = 0; i < 1000; ++i) requests += "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    std::vector<int> stalled;
    for (int i = 0; i < 40; ++i) {
        const int fd = connect_loopback(metrics_port);
        ASSERT_GE(fd, 0);
        timeval timeout{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        ::send(fd, requests.data(), requests.size(), MSG_NOSIGNAL);  // as much as the socket takes
        stalled.push_back(fd);
    }
    // The node goes on: a peer handshakes and syncs, RPC answers, and a new
    // metrics client is served.
    NodeProcess b({"-connect=" + a.address()});
    b.start();
    a.generate(3);
    EXPECT_TRUE(wait_until([&] { return b.rpc("getblockcount") == 3; }, std::chrono::seconds(20)));
    const auto started = std::chrono::steady_clock::now();
    std::string body;
    EXPECT_TRUE(wait_until([&] {
        body = http_get("http://127.0.0.1:" + std::to_string(metrics_port) + "/metrics");
        return !body.empty();
    }, std::chrono::seconds(20)));
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(15)) << "a new client waited for the stalled ones' timeout";
    EXPECT_NE(body.find("bitcoind_header_height 3"), std::string::npos);
    // Answers nobody reads are not piled up in memory.
    EXPECT_MEMORY_BELOW(a.rss_bytes(), 200u << 20);
    for (int fd : stalled) ::close(fd);
}

TEST(Metrics, OnlyLoopbackUnlessAllowedAndAPortIsNeeded) {
    testsupport::TempDir dir;
    auto start_error = [&](const std::string& option) {
        const auto r = testsupport::run_process({bitcoind_binary(), "-regtest", "-datadir=" + dir.path().string(), "-connect=0",
                                                 "-dnsseed=0", "-listen=0", "-server=0", "-printtoconsole=0", option});
        EXPECT_EQ(r.exit_code, 1) << option;
        return r.err;
    };
    EXPECT_NE(start_error("-metricsbind=0.0.0.0:" + std::to_string(free_port())).find("is not a loopback address: give -metricsallowip too"),
              std::string::npos);
    EXPECT_NE(start_error("-metricsbind=127.0.0.1").find("give an IP address and a port"), std::string::npos);
}
