// The tap's subscribers on their own: metrics counting and rendering,
// getpeerinfo's counters, and capture's peer selection by id and address.
#include <gtest/gtest.h>

#include "chain/chainparams.h"
#include "msgcapture/protocol/message.h"
#include "net/connman.h"
#include "node/capture_control.h"
#include "node/message_counters.h"
#include "node/metrics.h"
#include "node/net_events.h"
#include "node/node_context.h"
#include "test_support.h"

using namespace node;

namespace {

Peer make_peer(int64_t id, const std::string& address, ConnectionType type = ConnectionType::Inbound) {
    return Peer(id, address, address.starts_with("[") ? Network::IPv6 : Network::IPv4, type, 1'000'000, "");
}

}  // namespace

TEST(NetEvents, EverySubscriberSeesEveryEventInOrder) {
    struct Recorder : NetObserver {
        std::vector<std::string> seen;
        void on_message(const MessageEvent& e) override { seen.push_back(std::string(e.type)); }
        void on_connection(const ConnectionEvent& e) override { seen.push_back("conn" + std::to_string(static_cast<int>(e.kind))); }
    };
    auto first = std::make_shared<Recorder>(), second = std::make_shared<Recorder>();
    NetEvents events;
    events.subscribe(first);
    events.subscribe(second);
    const Peer p = make_peer(1, "127.0.0.1:1");
    events.connection({ConnectionEventKind::Opened, p, 1, {}, 1});
    events.message({p, msgcapture::Direction::Received, 2, "ping", msgcapture::message_index<msgcapture::MsgPing>, {}});
    events.connection({ConnectionEventKind::Closed, p, 3, "connection closed by peer"});
    EXPECT_EQ(first->seen, (std::vector<std::string>{"conn0", "ping", "conn1"}));
    EXPECT_EQ(second->seen, first->seen);
}

TEST(MessageCounters, CountWireBytesPerTypeUntilThePeerIsGone) {
    MessageCounters counters;
    const Peer p = make_peer(4, "127.0.0.1:1");
    const msgcapture::Bytes eight(8, 0);
    counters.on_message({p, msgcapture::Direction::Received, 1, "ping", msgcapture::message_index<msgcapture::MsgPing>, eight});
    counters.on_message({p, msgcapture::Direction::Received, 2, "ping", msgcapture::message_index<msgcapture::MsgPing>, eight});
    counters.on_message({p, msgcapture::Direction::Sent, 3, "zz", std::nullopt, {}});
    EXPECT_EQ(counters.of(4).received.at("ping"), 64u);  // (8 + 24) twice
    EXPECT_EQ(counters.of(4).sent.at("zz"), 24u);
    counters.on_connection({ConnectionEventKind::Closed, p, 4, "shutting down"});
    EXPECT_TRUE(counters.of(4).received.empty());
}

TEST(CaptureSelection, MatchesIdsAndAddressesWithOrWithoutAPort) {
    CaptureSelection s;
    s.all_peers = false;
    s.peer_ids = {7};
    s.addresses = {"10.0.0.1", "[::1]:18444"};
    EXPECT_TRUE(s.wants_peer(make_peer(7, "192.168.1.1:8333")));
    EXPECT_TRUE(s.wants_peer(make_peer(8, "10.0.0.1:5555")));
    EXPECT_FALSE(s.wants_peer(make_peer(9, "10.0.0.2:5555")));
    EXPECT_TRUE(s.wants_peer(make_peer(10, "[::1]:18444")));
    EXPECT_FALSE(s.wants_peer(make_peer(11, "[::1]:18445")));
}

TEST(Metrics, CountsFromTheTapAndBoundedCloseReasons) {
    MetricsObserver metrics;
    const Peer a = make_peer(1, "127.0.0.1:1"), b = make_peer(2, "127.0.0.1:2"), c = make_peer(3, "127.0.0.1:3", ConnectionType::Manual);
    metrics.on_connection({ConnectionEventKind::Opened, a, 0, {}, 1});
    metrics.on_connection({ConnectionEventKind::Opened, c, 0, {}, 1});
    metrics.on_message({a, msgcapture::Direction::Received, 1, "ping", msgcapture::message_index<msgcapture::MsgPing>, msgcapture::Bytes(8, 0)});
    metrics.on_message({a, msgcapture::Direction::Received, 1, "zzz", std::nullopt, msgcapture::Bytes(5, 0)});
    metrics.on_connection({ConnectionEventKind::Misbehaving, a, 1, "ping timeout"});
    metrics.on_connection({ConnectionEventKind::Closed, a, 2, "ping timeout"});
    metrics.on_connection({ConnectionEventKind::Closed, b, 3, "Connection reset by peer"});
    metrics.on_connection({ConnectionEventKind::Closed, c, 4, "evicted: inbound slots full"});

    Connman connman({}, [] {});
    ChainState chain(*chain_params("regtest"));
    testsupport::TempDir dir;
    msgcapture::CaptureOptions options;
    options.root = (dir / "capture").string();
    CaptureControl capture(options, "regtest");
    const std::string text = metrics.render({connman, chain, capture, 0});
    for (const char* line : {"bitcoind_p2p_messages_total{direction=\"in\",msgtype=\"ping\"} 1\n",
                             "bitcoind_p2p_message_bytes_total{direction=\"in\",msgtype=\"ping\"} 8\n",
                             "bitcoind_p2p_messages_total{direction=\"in\",msgtype=\"other\"} 1\n",
                             "bitcoind_p2p_message_bytes_total{direction=\"in\",msgtype=\"other\"} 5\n",
                             "bitcoind_p2p_messages_total{direction=\"out\",msgtype=\"ping\"} 0\n",
                             "bitcoind_connections_opened_total{direction=\"inbound\"} 1\n",
                             "bitcoind_connections_opened_total{direction=\"outbound\"} 1\n",
                             "bitcoind_connections_closed_total{reason=\"misbehaving\"} 1\n",
                             "bitcoind_connections_closed_total{reason=\"network_error\"} 1\n",
                             "bitcoind_connections_closed_total{reason=\"evicted\"} 1\n",
                             "bitcoind_capture_enabled 0\n", "bitcoind_header_height 0\n",
                             "# TYPE bitcoind_p2p_messages_total counter\n", "# TYPE bitcoind_peers gauge\n"}) {
        EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
    }
    EXPECT_EQ(text.find("reset by peer"), std::string::npos) << "free text never becomes a label";
}
