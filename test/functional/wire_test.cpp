// The capture against the wire: tshark (Wireshark's Bitcoin dissector, an
// independent reading of the protocol) records the loopback traffic between
// two of our nodes; every message on the wire must be in the capture files
// with the same type, length and payload checksum, in the same order, and the
// files must hold nothing else.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <sstream>
#include <thread>

#include "msgcapture/protocol/hash.h"
#include "background_process.h"
#include "node_process.h"

using namespace functional;
using nlohmann::json;

namespace {

struct WireMessage {
    std::string type;
    uint64_t length;
    std::string checksum;  // the header's 4 checksum bytes, as hex
    bool operator==(const WireMessage&) const = default;
};

std::ostream& operator<<(std::ostream& os, const WireMessage& m) { return os << m.type << "/" << m.length << "/" << m.checksum; }

std::vector<WireMessage> from_capture(const testsupport::fs::path& file) {
    std::vector<WireMessage> out;
    for (const auto& r : testsupport::read_records(file)) {
        auto h = msgcapture::sha256d(r.payload);
        out.push_back({r.msgtype, r.payload.size(), msgcapture::to_hex(msgcapture::ByteSpan(h.bytes).first(4))});
    }
    return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, sep)) out.push_back(item);
    return out;
}

}  // namespace

TEST(Wire, EveryMessageOnTheWireIsInTheCaptureAndNothingElse) {
    NodeProcess a({"-connect=0", "-capturemessages"});
    testsupport::TempDir dir;
    const std::string pcap = (dir / "wire.pcap").string();
    const std::string filter = "tcp port " + std::to_string(a.port());
    BackgroundProcess tshark({MSGCAPTURE_TSHARK_BINARY, "-i", "lo", "-f", filter, "-w", pcap, "-q"});
    if (!tshark.wait_for_output("Capturing on", std::chrono::seconds(20))) {
        const std::string why = tshark.err();
        tshark.stop(SIGKILL);
        if (geteuid() == 0) FAIL() << "tshark cannot capture on lo, even as root: " << why;
        GTEST_SKIP() << "NOT RUN: capturing on lo needs root, and this user cannot: " << why;
    }

    a.start();
    NodeProcess b({"-connect=" + a.address(), "-capturemessages"});
    b.start();
    ASSERT_TRUE(wait_until([&] { return b.rpc("getconnectioncount") == 1 && b.rpc("getpeerinfo")[0].contains("pingtime"); }));
    a.generate(5);
    ASSERT_TRUE(wait_until([&] { return b.rpc("getblockcount") == 5; }));
    std::this_thread::sleep_for(std::chrono::seconds(1));  // let the last replies cross
    b.stop();
    a.stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    tshark.stop(SIGINT);

    auto decoded = testsupport::run_process({MSGCAPTURE_TSHARK_BINARY, "-r", pcap, "-d", "tcp.port==" + std::to_string(a.port()) + ",bitcoin",
                                             "-T", "fields", "-E", "separator=|", "-e", "tcp.srcport", "-e", "bitcoin.command",
                                             "-e", "bitcoin.length", "-e", "bitcoin.checksum"});
    ASSERT_EQ(decoded.exit_code, 0) << decoded.err;
    std::vector<WireMessage> a_to_b, b_to_a;
    for (const auto& line : split(decoded.out, '\n')) {
        auto f = split(line, '|');
        if (f.size() < 4 || f[1].empty()) continue;  // frames without a Bitcoin message (TCP handshake, acks)
        auto commands = split(f[1], ','), lengths = split(f[2], ','), checksums = split(f[3], ',');
        ASSERT_EQ(commands.size(), lengths.size());
        ASSERT_EQ(commands.size(), checksums.size());
        for (size_t i = 0; i < commands.size(); ++i) {
            std::string sum = checksums[i].substr(2);  // "0x5df6e0e2": the four bytes in wire order
            sum.insert(0, 8 - sum.size(), '0');
            (f[0] == std::to_string(a.port()) ? a_to_b : b_to_a).push_back({commands[i], std::stoull(lengths[i]), sum});
        }
    }
    ASSERT_GT(a_to_b.size(), 10u);
    ASSERT_GT(b_to_a.size(), 10u);

    const auto a_sessions = sessions(a.capture_dir()), b_sessions = sessions(b.capture_dir());
    ASSERT_EQ(a_sessions.size(), 1u);
    ASSERT_EQ(b_sessions.size(), 1u);
    const auto& a_session = a_sessions[0];
    const auto& b_session = b_sessions[0];
    EXPECT_EQ(from_capture(a_session / "msgs_sent.dat"), a_to_b);
    EXPECT_EQ(from_capture(b_session / "msgs_recv.dat"), a_to_b);
    EXPECT_EQ(from_capture(b_session / "msgs_sent.dat"), b_to_a);
    EXPECT_EQ(from_capture(a_session / "msgs_recv.dat"), b_to_a);
}
