// Capture controlled at run time: setcapture and getcaptureinfo on a node
// started without -capturemessages, peer and type selections, pauses that
// session.json records and the parser reports, and capture turned on again
// after it stopped itself.
#include <gtest/gtest.h>

#include <unistd.h>

#include "msgcapture/format/session.h"
#include "msgcapture/protocol/codec.h"
#include "msgcapture/protocol/messages.h"
#include "msgcapture/protocol/v1_framing.h"
#include "node_process.h"

using namespace functional;
using nlohmann::json;

namespace {


std::vector<std::string> types(const testsupport::fs::path& file) {
    std::vector<std::string> out;
    if (!testsupport::fs::exists(file)) return out;
    for (const auto& r : testsupport::read_records(file)) out.push_back(r.msgtype);
    return out;
}

// Pings every peer and waits until `peer` has answered.
void ping_round(NodeProcess& node) {
    const auto before = node.rpc("getpeerinfo")[0]["bytesrecv_per_msg"].value("pong", 0);
    node.rpc("ping");
    ASSERT_TRUE(wait_until([&] { return node.rpc("getpeerinfo")[0]["bytesrecv_per_msg"].value("pong", 0) > before; }));
}

}  // namespace

TEST(CaptureRpc, StartsSelectsPausesAndResumesWithoutRestart) {
    NodeProcess a({"-connect=0"});
    a.start();
    json info = a.rpc("getcaptureinfo");
    EXPECT_EQ(info["enabled"], false);
    EXPECT_EQ(info["sessions_open"], 0);
    NodeProcess b({"-connect=" + a.address()});
    b.start();
    ASSERT_TRUE(wait_until([&] { return a.rpc("getconnectioncount") == 1 && a.rpc("getpeerinfo")[0].contains("pingtime"); }));
    EXPECT_FALSE(testsupport::fs::exists(a.capture_dir()));

    // Only peer 0's pings and pongs, with the arguments as bitcoin-cli sends them (strings).
    info = a.rpc("setcapture", {"true", "[0]", R"(["ping","pong"])"});
    EXPECT_EQ(info["enabled"], true);
    EXPECT_EQ(info["peers"], json::array({0}));
    EXPECT_EQ(info["msgtypes"], json::array({"ping", "pong"}));
    EXPECT_EQ(info["sessions_open"], 1);
    ping_round(a);
    a.generate(1);  // a block announcement: not a selected type
    ASSERT_TRUE(wait_until([&] { return b.rpc("getblockcount") == 1; }));
    info = a.rpc("setcapture", {false});
    EXPECT_EQ(info["enabled"], false);
    EXPECT_EQ(info["sessions_paused"], 1);
    ping_round(a);  // while off: not captured
    info = a.rpc("setcapture", json::array({true}));  // everything again
    EXPECT_EQ(info["peers"], "all");
    ping_round(a);
    b.stop();
    ASSERT_TRUE(wait_until([&] { return a.rpc("getconnectioncount") == 0; }));

    const auto s = sessions(a.capture_dir());
    ASSERT_EQ(s.size(), 1u);
    // Sent: ping (first interval), then after the pause ping and whatever else
    // came; received: the pong answers. The ping sent while off is absent.
    const auto sent = types(s[0] / "msgs_sent.dat"), received = types(s[0] / "msgs_recv.dat");
    ASSERT_GE(sent.size(), 2u);
    EXPECT_EQ(sent[0], "ping");
    EXPECT_EQ(std::count(sent.begin(), sent.end(), "ping"), 2) << testing::PrintToString(sent);
    EXPECT_EQ(std::count(sent.begin(), sent.end(), "inv") + std::count(sent.begin(), sent.end(), "headers"), 0)
        << "the block announcement was made while only pings and pongs were selected";
    EXPECT_EQ(std::count(received.begin(), received.end(), "pong"), 2) << testing::PrintToString(received);
    const auto session = msgcapture::session_from_json(testsupport::read_text(s[0] / "session.json"));
    ASSERT_TRUE(session);
    ASSERT_EQ(session->capture_intervals.size(), 2u);
    EXPECT_TRUE(session->capture_intervals[0].end_us);
    EXPECT_TRUE(session->capture_intervals[1].end_us) << "the interval ends when the session does";
    EXPECT_LT(*session->capture_intervals[0].end_us, session->capture_intervals[1].start_us);

    // The parser reads it all and says where the gap is.
    auto parsed = testsupport::run_process({testsupport::parser_binary(), s[0].string()});
    ASSERT_EQ(parsed.exit_code, 0) << parsed.err;
    EXPECT_NE(parsed.err.find("warning: " + s[0].string() + ": capture was off for part of this session, so its files miss the messages of 1 gap: "),
              std::string::npos)
        << parsed.err;
    EXPECT_EQ(json::parse(parsed.out).size(), sent.size() + received.size());
}

TEST(CaptureRpc, AddressesSelectPeersThatConnectLater) {
    NodeProcess a({"-connect=0"});
    a.start();
    a.rpc("setcapture", {true, json::array({"127.0.0.1"})});
    const int peer = handshaken_peer(a.port());
    ASSERT_TRUE(wait_until([&] { return a.rpc("getcaptureinfo")["sessions_open"] == 1; }));
    ::close(peer);
    ASSERT_TRUE(wait_until([&] { return a.rpc("getconnectioncount") == 0; }));
    a.rpc("setcapture", {true, json::array({"127.0.0.2:8333"})});  // matches nobody here
    const int other = handshaken_peer(a.port());
    ASSERT_TRUE(wait_until([&] { return a.rpc("getconnectioncount") == 1; }));
    EXPECT_EQ(a.rpc("getcaptureinfo")["sessions_open"], 0);
    ::close(other);
    EXPECT_EQ(sessions(a.capture_dir()).size(), 1u);
}

TEST(CaptureRpc, AfterItStoppedItselfCaptureCanBeTurnedOnAgain) {
    NodeProcess a({"-connect=0", "-capturemessages", "-capturemaxsize=1"});
    a.start();
    const int peer = handshaken_peer(a.port());
    send_all(peer, msgcapture::frame_message(REGTEST, "zzbig", msgcapture::Bytes(1100 * 1000, 7)));
    ASSERT_TRUE(wait_until([&] { return a.rpc("getcaptureinfo").contains("disabled_reason"); }));
    json info = a.rpc("getcaptureinfo");
    EXPECT_EQ(info["enabled"], false);
    EXPECT_EQ(info["requested"], true);
    EXPECT_EQ(info["disabled_reason"], "the -capturemaxsize budget of 1048576 bytes is used up");
    EXPECT_GE(info["records_dropped"]["disabled"], 1);

    info = a.rpc("setcapture", {true});
    EXPECT_EQ(info["enabled"], true);
    EXPECT_EQ(info["budget_used"], 0);
    EXPECT_EQ(info["sessions_open"], 1) << "the connected peer's session continues";
    EXPECT_FALSE(info.contains("disabled_reason"));
    send_all(peer, msgcapture::frame_message(REGTEST, "ping", msgcapture::encode_payload(msgcapture::MsgPing{5})));
    ASSERT_TRUE(wait_until([&] { return a.rpc("getcaptureinfo")["budget_used"] > 0; }));
    EXPECT_NE(a.debug_log().find("message capture turned on again by RPC (it had stopped: the -capturemaxsize budget"), std::string::npos);
    ::close(peer);
    // Bad arguments are refused with Core's codes.
    EXPECT_EQ(a.rpc_raw(R"({"method":"setcapture","params":[true,[-1]]})", a.credentials()).status, 500);
}
