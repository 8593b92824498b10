// Interop with an independent implementation: bcoin (JavaScript) mines on
// regtest; our node, dialing it on loopback, follows its headers and fetches
// its blocks; what our capture holds, as our parser decodes it, agrees with
// what bcoin says it mined.
#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <fcntl.h>

#include <set>

#include "node_process.h"

extern char** environ;

using namespace functional;
using nlohmann::json;

namespace {

// bcoin's regtest base58 prefix for pay-to-pubkey-hash is 0x3c; any hash will do.
constexpr const char* BCOIN_REGTEST_ADDRESS = "R9HC5WtHbpoa51NCUAz86XLCmGTbkf45NT";

class Bcoin {
public:
    // `peer`: the one node bcoin dials; by default a loopback port nobody
    // listens on, which keeps bcoin from dialing anything else.
    explicit Bcoin(std::string peer = "") : port_(free_port()), http_port_(free_port()), peer_(std::move(peer)) {
        if (peer_.empty()) peer_ = "127.0.0.1:" + std::to_string(free_port());
    }
    ~Bcoin() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            waitpid(pid_, nullptr, 0);
        }
    }

    bool start() {
        const std::string dir = MSGCAPTURE_BCOIN_DIR;
        std::vector<std::string> argv = {MSGCAPTURE_NODEJS_BINARY, "-r", MSGCAPTURE_BCOIN_PRELOAD, dir + "/node_modules/bcoin/bin/node",
                                         "--network=regtest", "--memory=true", "--no-wallet", "--workers=false",
                                         "--prefix=" + dir_.path().string(), "--host=127.0.0.1", "--port=" + std::to_string(port_),
                                         "--http-host=127.0.0.1", "--http-port=" + std::to_string(http_port_),
                                         "--api-key=interop", "--listen=true", "--only=" + peer_,
                                         "--log-level=debug"};
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        const std::string log = (dir_.path() / "bcoin.log").string();
        posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        const int rc = posix_spawn(&pid_, MSGCAPTURE_NODEJS_BINARY, &actions, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) return false;
        return wait_until([&] { return rpc("getblockcount", json::array()).is_number(); }, std::chrono::seconds(60));
    }

    json rpc(const std::string& method, const json& params) {
        HttpReply r = http_post(http_port_, json{{"method", method}, {"params", params}, {"id", 1}}.dump(), "x:interop");
        auto j = json::parse(r.body, nullptr, false);
        return j.is_object() && j.contains("result") ? j["result"] : json();
    }

    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    std::string log() const { return testsupport::read_text(dir_.path() / "bcoin.log"); }

private:
    testsupport::TempDir dir_;
    uint16_t port_, http_port_;
    std::string peer_;
    pid_t pid_ = -1;
};

}  // namespace

TEST(Interop, OurNodeFollowsBcoinAndTheCaptureAgreesWithIt) {
    // contrib/test.sh installs bcoin; a test run without it fails rather than skips.
    ASSERT_TRUE(testsupport::fs::exists(MSGCAPTURE_BCOIN_DIR "/node_modules/bcoin/bin/node"))
        << "bcoin is not installed in " MSGCAPTURE_BCOIN_DIR ": run contrib/install-bcoin.sh";
    Bcoin bcoin;
    ASSERT_TRUE(bcoin.start()) << "bcoin did not start: " << bcoin.log();
    NodeProcess ours({"-connect=" + bcoin.address(), "-listen=0", "-capturemessages"});
    ours.start();
    ASSERT_TRUE(wait_until([&] {
        json peers = ours.rpc("getpeerinfo");
        return peers.size() == 1 && peers[0]["subver"].get<std::string>().find("bcoin") != std::string::npos;
    }, std::chrono::seconds(30))) << bcoin.log();

    json mined = bcoin.rpc("generatetoaddress", {5, BCOIN_REGTEST_ADDRESS});
    ASSERT_EQ(mined.size(), 5u) << bcoin.log();
    ASSERT_TRUE(wait_until([&] { return ours.rpc("getblockcount") == 5; }, std::chrono::seconds(30)));
    EXPECT_EQ(ours.rpc("getbestblockhash"), mined.back());
    // Every block was fetched and matched its header (merkle root, witness commitment).
    for (const auto& hash : mined) {
        ASSERT_TRUE(wait_until([&] {
            try {
                return ours.rpc("getblock", json::array({hash}))["nTx"] == 1;
            } catch (const std::exception&) {
                return false;
            }
        }));
        json theirs = bcoin.rpc("getblock", json::array({hash}));
        json mine = ours.rpc("getblock", json::array({hash}));
        EXPECT_EQ(mine["merkleroot"], theirs["merkleroot"]);
        EXPECT_EQ(mine["time"], theirs["time"]);
        EXPECT_EQ(mine["tx"][0], theirs["tx"][0]);
    }
    EXPECT_EQ(ours.stop(), 0);

    // The capture, as our parser decodes it: nothing it cannot read, bcoin's
    // version, and bcoin's five blocks with the hashes bcoin reported.
    auto parsed = testsupport::run_process({testsupport::parser_binary(), "-n", ours.capture_dir().string()});
    ASSERT_EQ(parsed.exit_code, 0) << parsed.err;
    json entries = json::parse(parsed.out);
    std::set<std::string> blocks;
    bool saw_version = false;
    for (const auto& e : entries) {
        if (e["msgtype"] == "sendaddrv2" && e["direction"] == "sent") continue;
        EXPECT_FALSE(e.contains("error")) << e.dump();
        if (e["direction"] == "recv" && e["msgtype"] == "version") {
            saw_version = e["body"]["strSubVer"].get<std::string>().find("bcoin") != std::string::npos;
        }
        if (e["direction"] == "recv" && e["msgtype"] == "block") blocks.insert(e["body"]["block"]["hash"]);
    }
    EXPECT_TRUE(saw_version);
    EXPECT_EQ(blocks, std::set<std::string>(mined.begin(), mined.end()));
    EXPECT_EQ(bcoin.log().find("opendns.com") , bcoin.log().npos) << "bcoin tried to reach a public DNS name";
}

TEST(Interop, BcoinSyncsOurWholeRegtestChainBlocksIncluded) {
    ASSERT_TRUE(testsupport::fs::exists(MSGCAPTURE_BCOIN_DIR "/node_modules/bcoin/bin/node"))
        << "bcoin is not installed in " MSGCAPTURE_BCOIN_DIR ": run contrib/install-bcoin.sh";
    // Our chain: 101 blocks to OP_TRUE, a block spending the first coinbase
    // (bcoin checks the script and the maturity), and two to a segwit address.
    NodeProcess ours({"-connect=0"});
    ours.start();
    const json hashes = ours.generate(101);
    const json first = ours.rpc("getblock", {hashes[0], 2});
    const std::string spend = op_true_spend_hex(first["tx"][0]["txid"], 4'900'000'000);
    const std::string spend_block = ours.rpc("generateblock", {"raw(51)", json::array({spend})})["hash"];
    ours.rpc("generatetoaddress", {2, "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"});
    const std::string tip = ours.rpc("getbestblockhash");
    ASSERT_EQ(ours.rpc("getblockcount"), 104);

    Bcoin bcoin(ours.address());
    ASSERT_TRUE(bcoin.start()) << "bcoin did not start: " << bcoin.log();
    ASSERT_TRUE(wait_until([&] { return bcoin.rpc("getblockcount", json::array()) == 104; }, std::chrono::seconds(60)))
        << "bcoin is at " << bcoin.rpc("getblockcount", json::array()) << "\n" << bcoin.log() << "\nour log:\n" << ours.debug_log();
    EXPECT_EQ(bcoin.rpc("getbestblockhash", json::array()), tip);
    // bcoin validated and stored the blocks themselves: the spend is in its block.
    const json theirs = bcoin.rpc("getblock", json::array({spend_block}));
    ASSERT_TRUE(theirs.is_object()) << bcoin.log();
    EXPECT_EQ(theirs["tx"].size(), 2u);
    // bcoin saw us as a full node (NODE_NETWORK), and fetched every block with getdata.
    const json peers = ours.rpc("getpeerinfo");
    ASSERT_EQ(peers.size(), 1u);
    uint64_t chain_bytes = 0;  // every block once, each with its 24-byte message header
    for (int height = 1; height <= 104; ++height) {
        chain_bytes += 24 + ours.rpc("getblock", {ours.rpc("getblockhash", {height}), 1})["size"].get<uint64_t>();
    }
    EXPECT_GE(peers[0]["bytessent_per_msg"].value("block", uint64_t{0}), chain_bytes) << peers[0].dump();
    EXPECT_EQ(ours.rpc("getnetworkinfo")["localservicesnames"], json::array({"NETWORK", "WITNESS"}));
    EXPECT_EQ(ours.stop(), 0);
    EXPECT_EQ(bcoin.log().find("opendns.com"), bcoin.log().npos) << "bcoin tried to reach a public DNS name";
}
