// --format pcap, read back by Wireshark's own dissector (tshark): every
// message shows with its command and payload length, in order, and every
// TCP stream reassembles without a complaint from the TCP analysis.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "msgcapture/format/session.h"
#include "test_support.h"

using nlohmann::json;
using namespace testsupport;

namespace {

struct Frame {
    std::string stream, command, length, src;
    bool operator==(const Frame&) const = default;
};

std::vector<Frame> tshark_frames(const fs::path& pcap) {
    ProcessResult res = run_process({MSGCAPTURE_TSHARK_BINARY, "-r", pcap.string(), "-Y", "bitcoin", "-T", "fields",
                                     "-E", "occurrence=f", "-e", "tcp.stream", "-e", "bitcoin.command", "-e",
                                     "bitcoin.length", "-e", "ip.src", "-e", "ipv6.src"});
    EXPECT_EQ(res.exit_code, 0) << res.err;
    std::vector<Frame> out;
    std::istringstream lines(res.out);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream fields(line);
        Frame f;
        std::string ip4, ip6;
        std::getline(fields, f.stream, '\t');
        std::getline(fields, f.command, '\t');
        std::getline(fields, f.length, '\t');
        std::getline(fields, ip4, '\t');
        std::getline(fields, ip6, '\t');
        f.src = ip4.empty() ? ip6 : ip4;
        out.push_back(f);
    }
    return out;
}

// Frames tshark's TCP analysis flags (lost segments, retransmissions, bad
// sequence numbers): there must be none.
std::string tcp_complaints(const fs::path& pcap) {
    ProcessResult res = run_process({MSGCAPTURE_TSHARK_BINARY, "-r", pcap.string(), "-Y", "tcp.analysis.flags && !tcp.analysis.window_update"});
    EXPECT_EQ(res.exit_code, 0) << res.err;
    return res.out;
}

ProcessResult export_pcap(const std::vector<std::string>& args, const fs::path& out) {
    std::vector<std::string> argv = {parser_binary(), "--format", "pcap", "-o", out.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
}

// Each entry's frame, as tshark should show it.
void expect_frames_match(const std::vector<Frame>& frames, const std::vector<json>& all) {
    ASSERT_EQ(frames.size(), all.size());
    for (size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(frames[i].command, all[i]["msgtype"].get<std::string>()) << "entry " << i;
        EXPECT_EQ(frames[i].length, std::to_string(all[i]["size"].get<uint64_t>())) << "entry " << i;
    }
}

}  // namespace

TEST(Pcap, TsharkShowsEveryConformanceMessageInOrder) {
    TempDir dir;
    const std::string capture = (conformance_dir() / "core-regtest" / "message_capture").string();
    ProcessResult res = export_pcap({"--chain", "regtest", capture}, dir / "core.pcap");
    ASSERT_EQ(res.exit_code, 0) << res.err;
    const std::vector<json> all = run_parser_ndjson({capture});
    const std::vector<Frame> frames = tshark_frames(dir / "core.pcap");
    expect_frames_match(frames, all);
    // One TCP stream per peer, and each message on its peer's stream, sent by the right side.
    std::map<std::string, std::string> stream_of_peer;
    for (size_t i = 0; i < all.size() && i < frames.size(); ++i) {
        const std::string peer = all[i]["peer"]["address"];
        auto [it, added] = stream_of_peer.emplace(peer, frames[i].stream);
        EXPECT_EQ(it->second, frames[i].stream) << "entry " << i;
        const bool sent = all[i]["direction"] == "sent";
        EXPECT_EQ(frames[i].src, sent ? "192.0.2.1" : "127.0.0.1") << "entry " << i;
    }
    EXPECT_EQ(stream_of_peer.size(), 4u);
    EXPECT_EQ(tcp_complaints(dir / "core.pcap"), "");
}

// Messages larger than one segment (blocks of hundreds of kB) reassemble.
TEST(Pcap, LargeMessagesSpanSegmentsAndReassemble) {
    TempDir dir;
    ProcessResult gen = run_process({generator_binary(), "--size", "8", "--seed", "11", "--peers", "2", "-o", (dir / "cap").string()});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    const std::vector<std::string> args = {"--type", "block,headers,inv,tx", "--limit", "300", (dir / "cap").string()};
    ProcessResult res = export_pcap(args, dir / "big.pcap");
    ASSERT_EQ(res.exit_code, 0) << res.err;
    const std::vector<json> all = run_parser_ndjson(args);
    size_t large = 0;
    for (const json& e : all) large += e["size"].get<uint64_t>() > 65000;
    EXPECT_GT(large, 0u) << "no message spans segments";
    expect_frames_match(tshark_frames(dir / "big.pcap"), all);
    EXPECT_EQ(tcp_complaints(dir / "big.pcap"), "");
}

// A session with an IPv6 peer travels over IPv6, with the network's magic from session.json.
TEST(Pcap, IPv6SessionsAndOurSessionLabels) {
    TempDir dir;
    const fs::path session = dir / "message_capture" / "[__1]_18445" / "20261122T020754.322264Z_4";
    msgcapture::SessionInfo info{4, "[::1]:18445", "outbound-full-relay", 1795313274322264, "regtest", "/msgcapture:0.1.0/", 70016, {}, {}};
    write_session_json(session, info);
    msgcapture::Bytes sent, recv;
    msgcapture::append_record(sent, 1795313274322300, "ping", msgcapture::Bytes(8, 1));
    msgcapture::append_record(recv, 1795313274322400, "pong", msgcapture::Bytes(8, 1));
    msgcapture::append_record(recv, 1795313274322500, "futuremsg", msgcapture::Bytes(3, 7));
    write_file(session / "msgs_sent.dat", sent);
    write_file(session / "msgs_recv.dat", recv);
    ProcessResult res = export_pcap({(dir / "message_capture").string()}, dir / "v6.pcap");
    ASSERT_EQ(res.exit_code, 0) << res.err;
    const std::vector<Frame> frames = tshark_frames(dir / "v6.pcap");
    ASSERT_EQ(frames.size(), 3u);
    EXPECT_EQ(frames[0], (Frame{"0", "ping", "8", "2001:db8::1"}));
    EXPECT_EQ(frames[1], (Frame{"0", "pong", "8", "::1"}));
    EXPECT_EQ(frames[2], (Frame{"0", "futuremsg", "3", "::1"}));  // unknown to the dissector, still a bitcoin frame
    EXPECT_EQ(tcp_complaints(dir / "v6.pcap"), "");
    // We dialled: our side has the ephemeral port, the peer listens on its own.
    ProcessResult ports = run_process({MSGCAPTURE_TSHARK_BINARY, "-r", (dir / "v6.pcap").string(), "-c", "1", "-T", "fields",
                                       "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.flags.syn"});
    EXPECT_EQ(ports.out, "49152\t18445\t1\n");
}

TEST(Pcap, RefusesATerminalAndAnUnknownChain) {
    const std::string capture = (conformance_dir() / "edge" / "ties").string();
    ProcessResult tty = run_process({MSGCAPTURE_SCRIPT_BINARY, "-qec", parser_binary() + " -f pcap " + capture, "/dev/null"});
    EXPECT_NE(tty.exit_code, 0);
    EXPECT_NE(tty.out.find("not to a terminal"), std::string::npos) << tty.out;
    ProcessResult chain = run_process({parser_binary(), "-f", "pcap", "--chain", "mainnet", "-o", "/dev/null", capture});
    EXPECT_EQ(chain.exit_code, 2);
    EXPECT_NE(chain.err.find("--chain"), std::string::npos) << chain.err;
}
