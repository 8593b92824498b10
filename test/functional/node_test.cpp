// The node as a user runs it: real processes on loopback, real sockets, real
// capture files. Every node runs with -dnsseed=0 and either -connect=<loopback>
// or -connect=0, so nothing dials anywhere else.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

extern char** environ;

#include "msgcapture/format/capture_files.h"
#include "msgcapture/format/record_reader.h"
#include "msgcapture/format/session.h"
#include "msgcapture/protocol/codec.h"
#include "msgcapture/protocol/messages.h"
#include "node_process.h"

using namespace functional;
using nlohmann::json;
using testsupport::fs::path;

namespace {

struct Message {
    std::string type;
    msgcapture::Bytes payload;
    bool operator==(const Message&) const = default;
};

std::vector<Message> read_messages(const path& file) {
    std::vector<Message> out;
    if (!testsupport::fs::exists(file)) return out;
    for (auto& r : testsupport::read_records(file)) out.push_back({r.msgtype, r.payload});
    return out;
}

json peer_info(NodeProcess& node) { return node.rpc("getpeerinfo"); }

bool handshake_done(NodeProcess& node) {
    json peers = peer_info(node);
    return peers.size() == 1 && peers[0]["version"] == 70016;
}

// Sends raw bytes to a node as a fresh peer and reports whether the node then
// closed the connection.
bool node_closes_after(uint16_t port, const std::vector<uint8_t>& bytes) {
    const int fd = connect_loopback(port);
    if (fd < 0) return false;
    ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    char buf[16];
    const bool closed = ::recv(fd, buf, sizeof buf, 0) == 0;
    ::close(fd);
    return closed;
}

}  // namespace

// Two nodes: handshake, pings, addresses, a mined chain followed, and each
// side's capture of the connection equal to the other side's, byte for byte.
TEST(TwoNodes, HandshakePingAddressesHeaderSyncAndMatchingCaptures) {
    NodeProcess a({"-connect=0", "-capturemessages"});
    a.start();
    NodeProcess b({"-connect=" + a.address(), "-capturemessages"});
    b.start();

    ASSERT_TRUE(wait_until([&] { return handshake_done(a) && handshake_done(b); }));
    EXPECT_EQ(peer_info(a)[0]["inbound"], true);
    EXPECT_EQ(peer_info(b)[0]["connection_type"], "manual");
    EXPECT_EQ(peer_info(a)[0]["subver"], "/msgcapture:0.1.0/");
    // Pings go both ways right after the handshake; the RPC ping sends more.
    b.rpc("ping");
    ASSERT_TRUE(wait_until([&] { return peer_info(b)[0].contains("pingtime") && peer_info(a)[0].contains("pingtime"); }));
    // Addresses: B tells A where it listens and asks for addresses; A answers.
    ASSERT_TRUE(wait_until([&] {
        json bi = peer_info(b)[0]["bytesrecv_per_msg"];
        return bi.contains("addrv2");
    }));
    EXPECT_TRUE(peer_info(a)[0]["bytesrecv_per_msg"].contains("getaddr"));

    json hashes = a.generate(12);
    ASSERT_EQ(hashes.size(), 12u);
    ASSERT_TRUE(wait_until([&] { return b.rpc("getblockcount") == 12; }));
    EXPECT_EQ(b.rpc("getbestblockhash"), hashes.back());
    EXPECT_EQ(b.rpc("getblockhash", {5}), hashes[4]);
    json header = b.rpc("getblockheader", json::array({hashes[4]}));
    EXPECT_EQ(header["height"], 5);
    EXPECT_EQ(header["previousblockhash"], hashes[3]);
    EXPECT_EQ(header["nextblockhash"], hashes[5]);

    // B mines on top of what it learned; A follows B now.
    json more = b.generate(3);
    ASSERT_TRUE(wait_until([&] { return a.rpc("getblockcount") == 15; }));
    EXPECT_EQ(a.rpc("getbestblockhash"), more.back());

    EXPECT_EQ(b.stop(), 0);
    EXPECT_EQ(a.stop(), 0);

    auto a_sessions = sessions(a.capture_dir()), b_sessions = sessions(b.capture_dir());
    ASSERT_EQ(a_sessions.size(), 1u);
    ASSERT_EQ(b_sessions.size(), 1u);
    auto a_sent = read_messages(a_sessions[0] / "msgs_sent.dat"), a_recv = read_messages(a_sessions[0] / "msgs_recv.dat");
    auto b_sent = read_messages(b_sessions[0] / "msgs_sent.dat"), b_recv = read_messages(b_sessions[0] / "msgs_recv.dat");
    EXPECT_GT(a_sent.size(), 10u);
    EXPECT_GT(b_sent.size(), 10u);
    // What one side sent is what the other received, in order. The sender may
    // have queued a last message the receiver never took (the connection closed
    // first), so the receiver's list is a prefix of the sender's.
    ASSERT_LE(b_recv.size(), a_sent.size());
    EXPECT_TRUE(std::equal(b_recv.begin(), b_recv.end(), a_sent.begin()));
    ASSERT_LE(a_recv.size(), b_sent.size());
    EXPECT_TRUE(std::equal(a_recv.begin(), a_recv.end(), b_sent.begin()));
    EXPECT_GE(b_recv.size() + 2, a_sent.size());

    // The handshake in the capture, from B's side.
    std::vector<std::string> b_first;
    for (size_t i = 0; i < 4 && i < b_sent.size(); ++i) b_first.push_back(b_sent[i].type);
    EXPECT_EQ(b_first, (std::vector<std::string>{"version", "wtxidrelay", "sendaddrv2", "verack"}));

    auto info = msgcapture::session_from_json(testsupport::read_text(b_sessions[0] / "session.json"));
    ASSERT_TRUE(info);
    EXPECT_EQ(info->address, a.address());
    EXPECT_EQ(info->connection_type, "manual");
    EXPECT_EQ(info->network, "regtest");
    EXPECT_EQ(b_sessions[0].parent_path().filename(), "127.0.0.1_" + std::to_string(a.port()));

    EXPECT_NE(b.debug_log().find("received: ping (8 bytes) peer=0"), std::string::npos);
}

TEST(TwoNodes, AReconnectMakesANewSessionDirectory) {
    NodeProcess a({"-connect=0", "-capturemessages"});
    a.start();
    NodeProcess b({"-connect=" + a.address(), "-capturemessages"});
    b.start();
    ASSERT_TRUE(wait_until([&] { return handshake_done(b); }));
    a.rpc("disconnectnode", {"", peer_info(a)[0]["id"]});
    // B redials its -connect peer on its own.
    ASSERT_TRUE(wait_until([&] { return sessions(b.capture_dir()).size() == 2 && handshake_done(b); }, std::chrono::seconds(30)));
    b.stop();
    a.stop();
    auto b_sessions = sessions(b.capture_dir());
    ASSERT_EQ(b_sessions.size(), 2u);
    EXPECT_EQ(b_sessions[0].parent_path(), b_sessions[1].parent_path());  // same peer, two connections
    EXPECT_LT(b_sessions[0].filename().string(), b_sessions[1].filename().string());  // chronological names
    for (const auto& s : b_sessions) {
        EXPECT_EQ(read_messages(s / "msgs_sent.dat").at(0).type, "version");
        EXPECT_TRUE(testsupport::fs::exists(s / "session.json"));
    }
    EXPECT_EQ(sessions(a.capture_dir()).size(), 2u);
}

TEST(Rpc, CookieAuthenticationAndJsonRpcForms) {
    NodeProcess n({"-connect=0"});
    n.start();
    const std::string cookie = n.cookie();
    ASSERT_TRUE(cookie.starts_with("__cookie__:"));
    const std::string call = R"({"jsonrpc":"1.0","id":7,"method":"getblockcount","params":[]})";
    EXPECT_EQ(n.rpc_raw(call, "").status, 401);
    EXPECT_EQ(n.rpc_raw(call, "__cookie__:wrong").status, 401);
    HttpReply ok = n.rpc_raw(call, cookie);
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(json::parse(ok.body), json::parse(R"({"result":0,"error":null,"id":7})"));

    HttpReply v2 = n.rpc_raw(R"({"jsonrpc":"2.0","id":"x","method":"getbestblockhash"})", cookie);
    EXPECT_EQ(json::parse(v2.body)["result"], "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206");

    HttpReply missing = n.rpc_raw(R"({"id":1,"method":"nosuchmethod","params":[]})", cookie);
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(json::parse(missing.body)["error"]["code"], -32601);

    HttpReply range = n.rpc_raw(R"({"id":1,"method":"getblockhash","params":[5]})", cookie);
    EXPECT_EQ(range.status, 500);
    EXPECT_EQ(json::parse(range.body)["error"]["code"], -8);

    HttpReply batch = n.rpc_raw(R"([{"id":1,"method":"getblockcount"},{"id":2,"method":"uptime"}])", cookie);
    EXPECT_EQ(json::parse(batch.body).size(), 2u);

    // bitcoin-cli sends numbers for methods it does not know as strings.
    EXPECT_EQ(n.rpc("generatetodescriptor", {"2", "raw(51)"}).size(), 2u);
    EXPECT_EQ(n.rpc("getblockchaininfo")["blocks"], 2);
    EXPECT_EQ(n.rpc("getblockheader", {n.rpc("getbestblockhash"), false}).get<std::string>().size(), 160u);
    EXPECT_NE(n.rpc("help").get<std::string>().find("getblockcount"), std::string::npos);
    EXPECT_EQ(n.rpc("getconnectioncount"), 0);
    EXPECT_EQ(n.rpc("getnetworkinfo")["protocolversion"], 70016);
    EXPECT_EQ(n.stop(), 0);
    EXPECT_FALSE(testsupport::fs::exists(n.chain_dir() / ".cookie"));  // removed at shutdown
}

TEST(Rpc, UserAndPasswordReplaceTheCookie) {
    NodeProcess n({"-connect=0", "-rpcuser=alice", "-rpcpassword=secret"});
    n.use_credentials("alice:secret");
    n.start();
    EXPECT_FALSE(testsupport::fs::exists(n.chain_dir() / ".cookie"));
    HttpReply reply = n.rpc_raw(R"({"id":1,"method":"getblockcount","params":[]})", "alice:secret");
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(n.rpc_raw(R"({"id":1,"method":"getblockcount","params":[]})", "alice:wrong").status, 401);
    EXPECT_EQ(n.stop(), 0);
}

TEST(Shutdown, SigtermAndSigintExitCleanlyAndFlushCaptures) {
    for (int sig : {SIGTERM, SIGINT}) {
        NodeProcess a({"-connect=0", "-capturemessages"});
        a.start();
        NodeProcess b({"-connect=" + a.address()});
        b.start();
        ASSERT_TRUE(wait_until([&] { return handshake_done(a); }));
        EXPECT_EQ(a.signal_and_wait(sig), 0);
        auto s = sessions(a.capture_dir());
        ASSERT_EQ(s.size(), 1u);
        EXPECT_GE(read_messages(s[0] / "msgs_recv.dat").size(), 4u);
        EXPECT_NE(a.debug_log().find("Shutdown: done"), std::string::npos);
        b.stop();
    }
}

TEST(Options, BadOptionsGiveClearErrors) {
    testsupport::TempDir dir;
    auto run = [&](std::vector<std::string> args) {
        std::vector<std::string> argv = {bitcoind_binary()};
        argv.insert(argv.end(), args.begin(), args.end());
        return testsupport::run_process(argv);
    };
    auto unknown = run({"-datadir=" + dir.path().string(), "-bogus=1"});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_NE(unknown.err.find("Invalid parameter -bogus"), std::string::npos) << unknown.err;

    auto stray = run({"regtest"});
    EXPECT_EQ(stray.exit_code, 1);
    EXPECT_NE(stray.err.find("unexpected token 'regtest'"), std::string::npos) << stray.err;

    auto two_chains = run({"-datadir=" + dir.path().string(), "-regtest", "-testnet"});
    EXPECT_EQ(two_chains.exit_code, 1);
    EXPECT_NE(two_chains.err.find("Invalid combination"), std::string::npos) << two_chains.err;

    auto no_dir = run({"-datadir=/nonexistent/dir"});
    EXPECT_EQ(no_dir.exit_code, 1);
    EXPECT_NE(no_dir.err.find("does not exist"), std::string::npos) << no_dir.err;

    auto bad_chain = run({"-datadir=" + dir.path().string(), "-chain=moon"});
    EXPECT_EQ(bad_chain.exit_code, 1);
    EXPECT_NE(bad_chain.err.find("Unknown chain 'moon'"), std::string::npos) << bad_chain.err;

    // A line that is no option at all is an error, as in Core (an unknown key is not: see Config tests).
    testsupport::write_file(dir / "bitcoin.conf", msgcapture::Bytes{'r', 'e', 'g', 't', 'e', 's', 't', '\n'});
    auto bad_conf = run({"-datadir=" + dir.path().string()});
    EXPECT_EQ(bad_conf.exit_code, 1);
    EXPECT_NE(bad_conf.err.find("parse error on line 1"), std::string::npos) << bad_conf.err;

    auto help = run({"-help"});
    EXPECT_EQ(help.exit_code, 0);
    for (const char* option : {"-capturemessages", "-capturemaxsize=<MiB>", "-capturecompress", "-connect=<ip>", "-rpcport=<port>",
                               "-datadir=<dir>", "-debug=<category>", "(default: 125)"}) {
        EXPECT_NE(help.out.find(option), std::string::npos) << option;
    }
}

// bitcoin.conf with a [regtest] section sets the ports; the command line still wins.
TEST(Options, ConfigFileSectionsApplyToTheirChain) {
    testsupport::TempDir dir;
    const uint16_t rpc_port = free_port();
    const std::string conf = "regtest=1\n[regtest]\nrpcport=" + std::to_string(rpc_port) + "\nconnect=0\ndnsseed=0\nlisten=0\n[main]\nrpcport=1\n";
    testsupport::write_file(dir / "bitcoin.conf", msgcapture::Bytes(conf.begin(), conf.end()));
    std::vector<std::string> argv = {bitcoind_binary(), "-datadir=" + dir.path().string()};
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    pid_t pid;
    ASSERT_EQ(posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ), 0);
    const auto cookie_path = dir / "regtest" / ".cookie";
    bool up = wait_until([&] {
        return testsupport::fs::exists(cookie_path) &&
               http_post(rpc_port, R"({"id":1,"method":"getblockcount"})", testsupport::read_text(cookie_path)).status == 200;
    });
    EXPECT_TRUE(up);
    if (up) http_post(rpc_port, R"({"id":1,"method":"stop"})", testsupport::read_text(cookie_path));
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

// A peer speaking the wrong network's magic is dropped and never captured.
TEST(Transport, WrongMagicDisconnectsAndIsNotCaptured) {
    NodeProcess a({"-connect=0", "-capturemessages"});
    a.start();
    // A mainnet-magic ping header and payload.
    EXPECT_TRUE(node_closes_after(a.port(), {0xf9, 0xbe, 0xb4, 0xd9, 'p', 'i', 'n', 'g', 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0,
                                             0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
    EXPECT_TRUE(wait_until([&] { return a.rpc("getconnectioncount") == 0; }));
    EXPECT_NE(a.debug_log().find("wrong network magic"), std::string::npos);
    a.stop();
    for (const auto& s : sessions(a.capture_dir())) EXPECT_TRUE(read_messages(s / "msgs_recv.dat").empty());
}

// Connections past -maxconnections are turned away; the node stays up.
TEST(Transport, ConnectionsPastMaxConnectionsAreRefused) {
    NodeProcess a({"-connect=0", "-maxconnections=1"});
    a.start();
    NodeProcess b({"-connect=" + a.address()});
    b.start();
    ASSERT_TRUE(wait_until([&] { return handshake_done(a); }));
    NodeProcess c({"-connect=" + a.address()});
    c.start();
    ASSERT_TRUE(wait_until([&] { return a.debug_log().find("-maxconnections=1") != std::string::npos; }));
    EXPECT_EQ(a.rpc("getconnectioncount"), 1);
    EXPECT_EQ(c.rpc("getconnectioncount"), 0);
    c.stop();
    b.stop();
    EXPECT_EQ(a.stop(), 0);
}

// A message with a bad checksum ends the connection; it is logged, not captured.
TEST(Transport, BadChecksumDisconnects) {
    NodeProcess a({"-connect=0", "-capturemessages"});
    a.start();
    // Regtest magic, "ping", 8 bytes, a checksum that does not match.
    EXPECT_TRUE(node_closes_after(a.port(), {0xfa, 0xbf, 0xb5, 0xda, 'p', 'i', 'n', 'g', 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0,
                                             1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0}));
    EXPECT_NE(a.debug_log().find("bad checksum on ping message"), std::string::npos);
    a.stop();
    for (const auto& s : sessions(a.capture_dir())) EXPECT_TRUE(read_messages(s / "msgs_recv.dat").empty());
}

// Capture with compression: the parser reads the .dat.zst files the node wrote.
TEST(TwoNodes, CompressedCaptureIsReadable) {
    NodeProcess a({"-connect=0", "-capturemessages", "-capturecompress"});
    a.start();
    NodeProcess b({"-connect=" + a.address()});
    b.start();
    ASSERT_TRUE(wait_until([&] { return handshake_done(a); }));
    a.generate(3);
    ASSERT_TRUE(wait_until([&] { return b.rpc("getblockcount") == 3; }));
    b.stop();
    a.stop();
    auto s = sessions(a.capture_dir());
    ASSERT_EQ(s.size(), 1u);
    ASSERT_TRUE(testsupport::fs::exists(s[0] / "msgs_sent.dat.zst"));
    auto res = testsupport::run_process({testsupport::parser_binary(), "-n", s[0].string()});
    ASSERT_EQ(res.exit_code, 0) << res.err;
    EXPECT_TRUE(res.err.empty()) << res.err;  // complete frames: no warning
    json entries = json::parse(res.out);
    size_t headers = 0;
    for (const auto& e : entries) headers += e["msgtype"] == "headers" && e["direction"] == "sent" ? 1 : 0;
    EXPECT_GE(headers, 1u);
}

namespace {

size_t index_of(const std::vector<Message>& messages, const std::string& type, size_t from = 0) {
    for (size_t i = from; i < messages.size(); ++i) {
        if (messages[i].type == type) return i;
    }
    return messages.size();
}

}  // namespace

// A chain past coinbase maturity, a transaction relayed across three nodes
// and mined by another, blocks downloaded and checked by every node.
TEST(ThreeNodes, TransactionRelaysAndIsMinedAndBlocksTravel) {
    NodeProcess a({"-connect=0", "-capturemessages"});
    a.start();
    NodeProcess b({"-connect=" + a.address(), "-capturemessages"});
    b.start();
    NodeProcess c({"-connect=" + b.address(), "-capturemessages"});
    c.start();
    ASSERT_TRUE(wait_until([&] { return b.rpc("getconnectioncount") == 2 && handshake_done(c); }));

    json hashes = a.generate(101);
    ASSERT_TRUE(wait_until([&] { return c.rpc("getblockcount") == 101; }));
    // The recent blocks travel too: c can show the tip's transactions.
    ASSERT_TRUE(wait_until([&] {
        try {
            return c.rpc("getblock", json::array({hashes.back()}))["nTx"] == 1;
        } catch (const std::exception&) {
            return false;
        }
    }));

    const std::string coinbase = a.rpc("getblock", json::array({hashes[0]}))["tx"][0];
    const std::string txid = c.rpc("sendrawtransaction", {op_true_spend_hex(coinbase, 4'999'990'000)});
    ASSERT_TRUE(wait_until([&] { return a.rpc("getrawmempool") == json::array({txid}); }));
    EXPECT_EQ(b.rpc("getrawmempool"), json::array({txid}));

    json mined = a.generate(1);
    ASSERT_TRUE(wait_until([&] {
        try {
            return c.rpc("getblock", json::array({mined[0]}))["tx"].size() == 2;
        } catch (const std::exception&) {
            return false;
        }
    }));
    EXPECT_EQ(c.rpc("getblock", json::array({mined[0]}))["tx"][1], txid);
    ASSERT_TRUE(wait_until([&] { return c.rpc("getrawmempool").empty() && b.rpc("getrawmempool").empty(); }));

    c.stop();
    b.stop();
    a.stop();
    // In c's capture: c announced the transaction, b asked for it, c sent it;
    // later b announced the block, c asked for it, b sent it.
    auto s = sessions(c.capture_dir());
    ASSERT_EQ(s.size(), 1u);
    auto sent = read_messages(s[0] / "msgs_sent.dat"), recv = read_messages(s[0] / "msgs_recv.dat");
    EXPECT_LT(index_of(sent, "inv"), sent.size());
    EXPECT_LT(index_of(sent, "tx"), sent.size());
    EXPECT_LT(index_of(recv, "getdata"), recv.size());
    EXPECT_LT(index_of(recv, "block"), recv.size());
    EXPECT_LT(index_of(sent, "getdata"), sent.size());
}
