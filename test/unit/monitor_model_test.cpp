// The monitor's model and text, without a terminal: rows and counts per
// session, bounded memory, closed sessions, summaries and the table layout.
#include <gtest/gtest.h>

#include "describe.h"
#include "monitor_model.h"
#include "screen.h"
#include "sample_messages.h"
#include "test_support.h"

using namespace monitor;
using msgcapture::CaptureFile;
using msgcapture::Direction;

namespace {

CaptureFile file(const std::string& dir, Direction direction, std::optional<msgcapture::SessionInfo> session = std::nullopt) {
    return {dir + (direction == Direction::Received ? "/msgs_recv.dat" : "/msgs_sent.dat"), direction, session, "", session ? session->address : ""};
}

msgcapture::Record record(int64_t time, std::string_view type, const msgcapture::Bytes& payload) {
    msgcapture::Record r;
    msgcapture::Bytes header;
    msgcapture::append_record(header, time, type, {});
    r.header = msgcapture::parse_record_header(header.data());
    r.header.length = static_cast<uint32_t>(payload.size());
    r.payload = msgcapture::ByteSpan(payload);
    return r;
}

}  // namespace

TEST(MonitorModel, OneRowPerSessionWithCountsBothWaysAndClosedOnceBothFilesAre) {
    Model model;
    const msgcapture::SessionInfo info{7, "127.0.0.1:18444", "inbound", 1000, "regtest", "", 70016, {}, {}};
    const CaptureFile recv = file("/c/127.0.0.1_18444/s7", Direction::Received, info);
    const CaptureFile sent = file("/c/127.0.0.1_18444/s7", Direction::Sent, info);
    const CaptureFile core = file("/c/[__1]_8333", Direction::Received);
    model.add_file(recv);
    model.add_file(sent);
    model.add_file(core);
    const msgcapture::Bytes ping(8, 1);
    model.add(0, record(2000, "ping", ping));
    model.add(1, record(2001, "pong", ping));
    model.add(1, record(2002, "verack", {}));
    model.add(2, record(2003, "ping", ping));

    auto rows = model.peers();
    ASSERT_EQ(rows.size(), 2u);
    const PeerRow& ours = rows[1].id == "7" ? rows[1] : rows[0];
    EXPECT_EQ(ours.address, "127.0.0.1:18444");
    EXPECT_EQ(ours.connection_type, "inbound");
    EXPECT_EQ(ours.start_us, 1000);
    EXPECT_EQ(ours.messages_in, 1u);
    EXPECT_EQ(ours.messages_out, 2u);
    EXPECT_EQ(ours.bytes_in, 8u);
    EXPECT_EQ(ours.bytes_out, 8u);
    EXPECT_EQ(ours.last_type, "verack");
    EXPECT_EQ(ours.last_us, 2002);
    const PeerRow& theirs = rows[1].id == "7" ? rows[0] : rows[1];
    EXPECT_EQ(theirs.id, "-");
    EXPECT_EQ(theirs.start_us, 2003);  // no session.json: its first message

    model.file_final(recv);
    EXPECT_FALSE(model.peers()[ours.key == model.peers()[0].key ? 0 : 1].closed);
    model.file_final(sent);
    for (const PeerRow& r : model.peers()) EXPECT_EQ(r.closed, r.id == "7") << r.key;

    const auto recent = model.recent(ours.key);
    ASSERT_EQ(recent.size(), 3u);
    EXPECT_EQ(recent[0].seq, 0u);
    EXPECT_EQ(recent[2].header.msgtype_text(), "verack");
}

TEST(MonitorModel, KeepsTheLastMessagesPerPeerAndPayloadsWithinTheBudget) {
    Model model;
    const CaptureFile a = file("/c/a", Direction::Received);  // the model points to it
    model.add_file(a);
    const msgcapture::Bytes big(1 << 20, 0);
    for (int i = 0; i < 100; ++i) model.add(0, record(i, "block", big));
    EXPECT_LE(model.payload_bytes(), PAYLOAD_BUDGET);
    auto recent = model.recent("/c/a");
    ASSERT_EQ(recent.size(), 100u);
    EXPECT_FALSE(recent.front().payload) << "the oldest payloads go first";
    EXPECT_TRUE(recent.back().payload);
    EXPECT_NE(summary_line(recent.front()).find("no longer held"), std::string::npos);

    const msgcapture::Bytes ping(8, 2);
    for (int i = 0; i < 1000; ++i) model.add(0, record(1000 + i, "ping", ping));
    recent = model.recent("/c/a");
    EXPECT_EQ(recent.size(), RECENT_PER_PEER);
    EXPECT_EQ(recent.back().seq, 1099u);
    EXPECT_EQ(model.payload_bytes(), RECENT_PER_PEER * 8);
    EXPECT_EQ(model.total_messages(), 1100u);
}

TEST(MonitorText, SummariesSayWhatTheMessageSays) {
    Model model;
    const CaptureFile a = file("/c/a", Direction::Received);  // the model points to it
    model.add_file(a);
    for (const auto& sample : testsupport::sample_messages()) {
        const msgcapture::Bytes payload = msgcapture::encode_message(sample);
        model.add(0, record(1, msgcapture::message_type(sample), payload));
    }
    for (const Message& m : model.recent("/c/a")) {
        const std::string type(m.header.msgtype_text());
        const std::string line = summary_line(m, 120);
        EXPECT_LE(line.size(), 120u);
        if (type == "ping") {
            EXPECT_EQ(line.rfind("nonce ", 0), 0u) << line;
        }
        if (type == "inv") {
            EXPECT_NE(line.find("item"), std::string::npos) << line;
        }
        if (type == "version") {
            EXPECT_NE(line.find(" height "), std::string::npos) << line;
        }
        if (type == "tx") {
            EXPECT_EQ(line.rfind("txid ", 0), 0u) << line;
        }
        if (type == "block") {
            EXPECT_NE(line.find("transaction"), std::string::npos) << line;
        }
        const auto json = entry_json(m);
        EXPECT_EQ(json["msgtype"], type);
    }
}

TEST(MonitorText, TheTableFitsEightyAndTwoHundredColumns) {
    std::vector<PeerRow> rows(3);
    for (size_t i = 0; i < rows.size(); ++i) {
        rows[i].key = "k" + std::to_string(i);
        rows[i].id = std::to_string(10 - i);
        rows[i].address = "[2001:db8::" + std::to_string(i) + "]:18444";
        rows[i].connection_type = "outbound-full-relay";
        rows[i].messages_in = 1000 * i;
        rows[i].bytes_in = 123456789;
        rows[i].last_us = 1;
    }
    rows[1].closed = true;
    for (size_t width : {80u, 200u}) {
        const auto t = layout_peer_table(rows, width, SortKey::Id, false, 2'000'000);
        EXPECT_LE(t.header.size(), width);
        for (const auto& r : t.rows) EXPECT_LE(r.size(), width) << r;
        EXPECT_EQ(t.keys, (std::vector<std::string>{"k2", "k1", "k0"})) << "sorted by id";
        EXPECT_NE(t.header.find("IN"), std::string::npos);
        EXPECT_NE(t.header.find("OUT"), std::string::npos);
        EXPECT_NE(t.rows[0].find(width == 80 ? "full" : "outbound-full-relay"), std::string::npos) << t.rows[0];
        EXPECT_NE(t.rows[0].find("123M"), std::string::npos) << t.rows[0];
    }
    const auto wide = layout_peer_table(rows, 200, SortKey::MessagesIn, true, 2'000'000);
    EXPECT_EQ(wide.keys[0], "k2");
    EXPECT_NE(wide.rows[1].find("closed"), std::string::npos) << wide.rows[1];
}
