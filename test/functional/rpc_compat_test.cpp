// What Bitcoin Core's bitcoin-cli asks of a node, answered by ours. No test
// can run Core's bitcoin-cli (Debian does not package it), so these send the
// exact requests its -getinfo, -netinfo and -generate send (bitcoin-cli.cpp:
// JSON-RPC 2.0 batches with ids 0..n and null params) and check every field
// it reads, with its type. Then mining to every address type, checked byte
// for byte in the block, and help as bitcoin-cli prints it.
#include <gtest/gtest.h>

#include "msgcapture/protocol/codec.h"
#include "msgcapture/protocol/hash.h"
#include "msgcapture/protocol/messages.h"
#include "node_process.h"

using namespace functional;
using nlohmann::json;

namespace {

// A batch as bitcoin-cli builds it; the replies indexed by their ids.
std::vector<json> batch(NodeProcess& node, const std::vector<std::string>& methods) {
    json request = json::array();
    for (size_t i = 0; i < methods.size(); ++i) {
        request.push_back({{"method", methods[i]}, {"params", nullptr}, {"id", i}, {"jsonrpc", "2.0"}});
    }
    HttpReply reply = node.rpc_raw(request.dump() + "\n", node.credentials());
    EXPECT_EQ(reply.status, 200) << reply.body;
    json replies = json::parse(reply.body);
    EXPECT_TRUE(replies.is_array());
    std::vector<json> by_id(methods.size());
    for (const json& r : replies) {
        EXPECT_TRUE(r.is_object() && r["id"].is_number_integer()) << r.dump();
        by_id.at(r["id"].get<size_t>()) = r;
    }
    return by_id;
}

// The coinbase's first output script of a block, decoded from its raw bytes.
std::string coinbase_script(NodeProcess& node, const std::string& hash) {
    const auto raw = msgcapture::from_hex(node.rpc("getblock", {hash, 0}).get<std::string>());
    msgcapture::MsgBlock block;
    msgcapture::decode_payload(*raw, block);
    return msgcapture::to_hex(block.block.vtx.at(0).vout.at(0).scriptPubKey);
}

json rpc_error(NodeProcess& node, const std::string& method, const json& params) {
    json reply = json::parse(node.rpc_raw(json{{"method", method}, {"params", params}, {"id", 1}}.dump(), node.credentials()).body);
    return reply["error"];
}

}  // namespace

TEST(BitcoinCli, GetinfoBatchHasEveryFieldItReads) {
    NodeProcess node;
    node.start();
    auto r = batch(node, {"getnetworkinfo", "getblockchaininfo", "getwalletinfo", "getbalances"});
    ASSERT_TRUE(r[0]["error"].is_null()) << r[0].dump();
    ASSERT_TRUE(r[1]["error"].is_null()) << r[1].dump();
    const json& net = r[0]["result"];
    const json& chain = r[1]["result"];
    EXPECT_TRUE(net["version"].is_number_integer());
    EXPECT_TRUE(net["timeoffset"].is_number_integer());
    EXPECT_TRUE(net["connections"].is_number_integer());
    EXPECT_TRUE(net["connections_in"].is_number_integer());
    EXPECT_TRUE(net["connections_out"].is_number_integer());
    EXPECT_TRUE(net["networks"][0]["proxy"].is_string());
    EXPECT_TRUE(net["relayfee"].is_number());
    EXPECT_TRUE(net["warnings"].is_array());  // Core 28+: an array (bitcoin-cli 29 iterates it)
    EXPECT_TRUE(chain["blocks"].is_number_integer());
    EXPECT_TRUE(chain["headers"].is_number_integer());
    EXPECT_TRUE(chain["verificationprogress"].is_number());
    EXPECT_TRUE(chain["difficulty"].is_number());
    EXPECT_EQ(chain["chain"], "regtest");
    // The wallet calls may fail (bitcoin-cli then leaves the wallet fields out), but must answer with their ids.
    EXPECT_EQ(r[2]["id"], 2);
    EXPECT_EQ(r[3]["id"], 3);
    EXPECT_EQ(node.stop(), 0);
}

TEST(BitcoinCli, NetinfoBatchHasEveryFieldItReadsWithTrueValues) {
    NodeProcess a, b;
    a.start();
    b.start();
    b.rpc("addnode", {a.address(), "onetry"});
    ASSERT_TRUE(wait_until([&] { return a.rpc("getconnectioncount") == 1 && b.rpc("getpeerinfo").size() == 1 &&
                                        b.rpc("getpeerinfo")[0]["version"] != 0; }));
    a.generate(1);  // a new block from a: b's last_block for it
    ASSERT_TRUE(wait_until([&] { return b.rpc("getpeerinfo")[0]["last_block"] != 0; }));
    auto r = batch(b, {"getpeerinfo", "getnetworkinfo"});
    const json& net = r[1]["result"];
    EXPECT_GE(net["version"].get<int>(), 209900);  // -netinfo's minimum
    EXPECT_TRUE(net["protocolversion"].is_number_integer());
    EXPECT_EQ(net["subversion"], "/msgcapture:0.1.0/");
    EXPECT_TRUE(net["localservicesnames"].is_array());
    for (const json& n : net["networks"]) {
        EXPECT_TRUE(n["name"].is_string());
        EXPECT_TRUE(n["reachable"].is_boolean());
    }
    EXPECT_TRUE(net["localaddresses"].is_array());
    for (const json& l : net["localaddresses"]) {
        EXPECT_TRUE(l["address"].is_string() && l["port"].is_number_integer() && l["score"].is_number_integer());
    }
    ASSERT_EQ(r[0]["result"].size(), 1u);
    const json& peer = r[0]["result"][0];
    EXPECT_EQ(peer["network"], "not_publicly_routable");  // loopback, as Core names it
    EXPECT_EQ(peer["inbound"], false);
    EXPECT_EQ(peer["relaytxes"], true);
    EXPECT_EQ(peer["connection_type"], "manual");
    EXPECT_TRUE(peer["id"].is_number_integer());
    EXPECT_EQ(peer["version"], 70016);
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    for (const char* field : {"conntime", "last_block", "lastrecv", "lastsend"}) {
        ASSERT_TRUE(peer[field].is_number_integer()) << field;
        EXPECT_NEAR(peer[field].get<int64_t>(), now, 60) << field;
    }
    EXPECT_EQ(peer["last_transaction"], 0);  // a sent no transaction
    EXPECT_EQ(peer["addr"], a.address());
    EXPECT_EQ(peer["servicesnames"], json::array({"NETWORK", "WITNESS"}));  // a holds its whole chain
    EXPECT_EQ(peer["subver"], "/msgcapture:0.1.0/");
    EXPECT_EQ(peer["transport_protocol_type"], "v1");
    EXPECT_TRUE(peer["addr_relay_enabled"].is_boolean());
    EXPECT_TRUE(peer["bip152_hb_from"].is_boolean());
    EXPECT_TRUE(peer["bip152_hb_to"].is_boolean());
    EXPECT_TRUE(peer["addr_processed"].is_number_integer());
    EXPECT_TRUE(peer["addr_rate_limited"].is_number_integer());
    EXPECT_TRUE(!peer.contains("minping") || peer["minping"].is_number());
    EXPECT_TRUE(!peer.contains("pingtime") || peer["pingtime"].is_number());
    // Traffic totals cover at least what the one peer saw.
    const json totals = b.rpc("getnettotals");
    EXPECT_GE(totals["totalbytesrecv"].get<uint64_t>(), peer["bytesrecv"].get<uint64_t>());
    EXPECT_GE(totals["totalbytessent"].get<uint64_t>(), peer["bytessent"].get<uint64_t>());
    EXPECT_EQ(a.stop(), 0);
    EXPECT_EQ(b.stop(), 0);
}

TEST(BitcoinCli, GenerateMinesToANewAddressWhoseKeyIsKept) {
    NodeProcess node;
    node.start();
    // bitcoin-cli -generate: getnewaddress with no arguments, then generatetoaddress nblocks address.
    const std::string address = node.rpc("getnewaddress", json::array()).get<std::string>();
    const json blocks = node.rpc("generatetoaddress", {1, address});
    ASSERT_EQ(blocks.size(), 1u);
    EXPECT_EQ(node.rpc("validateaddress", {address})["scriptPubKey"], coinbase_script(node, blocks[0]));
    const std::string keys = testsupport::read_text(node.chain_dir() / "keys.txt");
    EXPECT_TRUE(keys.starts_with(address + " c")) << "a regtest WIF key (prefix 239: 'c') follows the address";
    EXPECT_EQ(node.stop(), 0);
}

TEST(Mining, EveryAddressTypeAndDescriptorPaysTheExactScript) {
    NodeProcess node;
    node.start();
    const std::string op_true_hash = msgcapture::sha256(msgcapture::Bytes{0x51}).wire_hex();
    const std::pair<std::string, std::string> cases[] = {
        {"mo9ncXisMeAoXwqcV5EWuyncbmCcQN4rVs", "76a91453c0307d6851aa0ce7825ba883c6bd9ad242b48688ac"},  // base58 P2PKH
        {"2N2JD6wb56AfK4tfmM6PwdVmoYk2dCKf4Br", "a9146349a418fc4578d10a372b54b45c280cc8c4382f87"},    // base58 P2SH
        {"bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080", "0014751e76e8199196d454941c45d1b3a323f1433bd6"},  // P2WPKH
        {"bcrt1qft5p2uhsdcdc3l2ua4ap5qqfg4pjaqlp250x7us7a8qqhrxrxfsqseac85", "0020" + op_true_hash},      // P2WSH(OP_TRUE)
        {"BCRT1P0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQC8GMA6",  // taproot (bech32m), upper case
         "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
    };
    for (const auto& [address, script] : cases) {
        const json mined = node.rpc("generatetoaddress", {1, address});
        ASSERT_EQ(mined.size(), 1u) << address;
        EXPECT_EQ(coinbase_script(node, mined[0]), script) << address;
        // The same through a descriptor, with and without its checksum.
        const std::string descriptor = "addr(" + address + ")";
        const json info = node.rpc("getdescriptorinfo", {descriptor});
        EXPECT_EQ(coinbase_script(node, node.rpc("generatetodescriptor", {1, info["descriptor"]})[0]), script) << address;
    }
    EXPECT_EQ(coinbase_script(node, node.rpc("generatetodescriptor", {1, "raw(6a0568656c6c6f)"})[0]), "6a0568656c6c6f");
    EXPECT_EQ(rpc_error(node, "generatetoaddress", {1, "1AGNa15ZQXAZUgFiqJ2i7Z2DPU2J6hW62i"})["code"], -5);  // mainnet's
    EXPECT_EQ(rpc_error(node, "generatetodescriptor", {1, "raw(51)#00000000"})["code"], -5);
    // generateblock: exactly the given transaction, spending the first coinbase.
    const json hashes = node.generate(101);
    const json first = node.rpc("getblock", {hashes[0], 2});
    const std::string raw_tx = op_true_spend_hex(first["tx"][0]["txid"], 49'0000'0000);
    const json block = node.rpc("generateblock", {"raw(51)", json::array({raw_tx})});
    const json got = node.rpc("getblock", {block["hash"], 2});
    ASSERT_EQ(got["tx"].size(), 2u);
    EXPECT_EQ(got["tx"][1]["hex"], raw_tx);
    EXPECT_EQ(got["tx"][0]["vout"][0]["value"], 51.0);  // the subsidy and the 1 BTC fee
    EXPECT_EQ(node.stop(), 0);
}

TEST(Help, AsBitcoinCliPrintsItAndUsageErrorsCarryIt) {
    NodeProcess node;
    node.start();
    const std::string all = node.rpc("help").get<std::string>();
    for (const char* category : {"== Blockchain ==", "== Control ==", "== Generating ==", "== Network =="}) {
        const size_t first = all.find(category);
        EXPECT_NE(first, std::string::npos) << category;
        EXPECT_EQ(all.find(category, first + 1), std::string::npos) << category << " listed twice";
    }
    EXPECT_EQ(all.find("\ngenerate\n"), std::string::npos);  // retired, as in Core
    const std::string getblock = node.rpc("help", {"getblock"}).get<std::string>();
    EXPECT_TRUE(getblock.starts_with("getblock \"blockhash\" ( verbosity )\n"));
    for (const char* section : {"\nArguments:\n1. blockhash", "\nResult (for verbosity = 2):\n", "\nExamples:\n> bitcoin-cli getblock "}) {
        EXPECT_NE(getblock.find(section), std::string::npos) << section;
    }
    const json missing = rpc_error(node, "getblock", json::array());
    EXPECT_EQ(missing["code"], -1);
    EXPECT_EQ(missing["message"], getblock);
    const json named = rpc_error(node, "getblockhash", json{{"height", 0}, {"heigth", 1}});
    EXPECT_EQ(named["code"], -8);
    EXPECT_EQ(named["message"], "Unknown named parameter heigth");
    EXPECT_EQ(node.rpc("getblockhash", json{{"height", 0}}), node.rpc("getblockhash", {0}));
    EXPECT_EQ(rpc_error(node, "generate", {1})["code"], -32601);
    EXPECT_EQ(node.stop(), 0);
}

TEST(Chain, TipsMempoolAndServices) {
    NodeProcess node;
    node.start();
    node.generate(3);
    const json tips = node.rpc("getchaintips");
    ASSERT_EQ(tips.size(), 1u);
    EXPECT_EQ(tips[0]["status"], "active");
    EXPECT_EQ(tips[0]["height"], 3);
    EXPECT_EQ(tips[0]["branchlen"], 0);
    const json pool = node.rpc("getmempoolinfo");
    EXPECT_EQ(pool["size"], 0);
    EXPECT_EQ(pool["loaded"], true);
    EXPECT_EQ(node.rpc("getnetworkinfo")["localservicesnames"], json::array({"NETWORK", "WITNESS"}));
    EXPECT_EQ(node.stop(), 0);
}
