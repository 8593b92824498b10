// The RPC layer as bitcoin-cli users know it: help in Core's layout, usage
// errors that carry the help, named parameters, and Core's script views.
#include <gtest/gtest.h>

#include "rpc/capture_args.h"
#include "rpc/rpc_server.h"
#include "rpc/tx_json.h"

using namespace node;
using nlohmann::json;

namespace {

RpcServer make_server() {
    auto echo = [](const RpcParams& p) -> json {
        json out = json::array();
        out.push_back(p.get_int(0));
        out.push_back(p.has(1) ? json(p.get_string(1)) : json());
        return out;
    };
    return RpcServer({}, {{"zeta", "Network", "Z.", {}, "null", {}, echo},
                          {"echo", "Blockchain", "Echoes.", {{"count", "numeric", true, "", "a number"}, {"label", "string", false, "\"\"", "a label"}},
                           "[ n, \"str\" ]", {json::array({3, "x"})}, echo},
                          {"alpha", "Blockchain", "A.", {}, "null", {}, echo},
                          {"hidden", "Blockchain", "H.", {}, "null", {}, echo, /*hidden=*/true}});
}

int error_code(const RpcServer& server, const std::string& method, const json& params, std::string* message = nullptr) {
    try {
        server.call(method, params);
    } catch (const RpcError& e) {
        if (message) *message = e.what();
        return e.code;
    }
    return 0;
}

}  // namespace

TEST(RpcServer, HelpListsEachCategoryOnceSortedAndHidesRetiredMethods) {
    const RpcServer server = make_server();
    EXPECT_EQ(server.help(""), "== Blockchain ==\nalpha\necho count ( \"label\" )\n\n== Network ==\nzeta");
    EXPECT_EQ(server.help("nosuch"), "help: unknown command: nosuch");
}

TEST(RpcServer, MethodHelpHasArgumentsResultAndExamples) {
    const RpcServer server = make_server();
    EXPECT_EQ(server.help("echo"),
              "echo count ( \"label\" )\n\nEchoes.\n\nArguments:\n"
              "1. count    (numeric, required) a number\n"
              "2. label    (string, optional, default=\"\") a label\n\n"
              "Result:\n[ n, \"str\" ]\n\nExamples:\n"
              "> bitcoin-cli echo 3 \"x\"\n"
              "> curl --user myusername --data-binary '{\"jsonrpc\": \"2.0\", \"id\": \"curltest\", \"method\": \"echo\", \"params\": [3,\"x\"]}'"
              " -H 'content-type: application/json' http://127.0.0.1:8332/\n");
}

TEST(RpcServer, WrongArgumentCountsGetTheHelpAndUnknownNamesAreRefused) {
    const RpcServer server = make_server();
    std::string message;
    EXPECT_EQ(error_code(server, "echo", json::array(), &message), RPC_MISC_ERROR);
    EXPECT_EQ(message, server.help("echo"));
    EXPECT_EQ(error_code(server, "echo", json::array({1, "a", "surplus"}), &message), RPC_MISC_ERROR);
    EXPECT_EQ(message, server.help("echo"));
    EXPECT_EQ(error_code(server, "echo", json{{"count", 1}, {"colour", "red"}}, &message), RPC_INVALID_PARAMETER);
    EXPECT_EQ(message, "Unknown named parameter colour");
    EXPECT_EQ(server.call("echo", json{{"label", "b"}, {"count", 2}}), json::array({2, "b"}));
    EXPECT_EQ(server.call("echo", json::array({"7"})), json::array({7, nullptr}));  // bitcoin-cli's strings for numbers
    EXPECT_EQ(error_code(server, "echo", json::array({"x"})), RPC_TYPE_ERROR);
}

TEST(TxJson, ScriptsAsCoreShowsThem) {
    auto script = [](const char* hex) { return *msgcapture::from_hex(hex); };
    EXPECT_EQ(script_asm(script("76a91465a16059864a2fdbc7c99a4723a8395bc6f188eb88ac")),
              "OP_DUP OP_HASH160 65a16059864a2fdbc7c99a4723a8395bc6f188eb OP_EQUALVERIFY OP_CHECKSIG");
    EXPECT_EQ(script_asm(script("5200")), "2 0");             // a coinbase's BIP34 height 2, then OP_0
    EXPECT_EQ(script_asm(script("03a0860100")), "100000 0");  // height 100000 as a 3-byte push
    EXPECT_EQ(script_asm(script("0181")), "-1");
    EXPECT_EQ(script_asm(script("4c")), "[error]");
    EXPECT_EQ(script_type(script("76a91465a16059864a2fdbc7c99a4723a8395bc6f188eb88ac")), "pubkeyhash");
    EXPECT_EQ(script_type(script("a91474f209f6ea907e2ea48f74fae05782ae8a66525787")), "scripthash");
    EXPECT_EQ(script_type(script("0014751e76e8199196d454941c45d1b3a323f1433bd6")), "witness_v0_keyhash");
    EXPECT_EQ(script_type(script("512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")), "witness_v1_taproot");
    EXPECT_EQ(script_type(script("51024e73")), "anchor");
    EXPECT_EQ(script_type(script("6a0401020304")), "nulldata");
    EXPECT_EQ(script_type(script("51")), "nonstandard");
}

TEST(SetCaptureArguments, AllIdsAddressesAndTypesAsArraysOrTheirText) {
    using node::parse_capture_selection;
    const auto all = parse_capture_selection(nullptr, "all");
    EXPECT_TRUE(all.all_peers);
    EXPECT_TRUE(all.all_types);
    // bitcoin-cli sends arguments of methods it does not know as strings.
    const auto some = parse_capture_selection(R"([3, "127.0.0.1", "[::1]:18444"])", nlohmann::json::array({"ping", "pong"}));
    EXPECT_FALSE(some.all_peers);
    EXPECT_EQ(some.peer_ids, (std::set<int64_t>{3}));
    EXPECT_EQ(some.addresses, (std::vector<std::string>{"127.0.0.1", "[::1]:18444"}));
    EXPECT_TRUE(some.wants_type("ping"));
    EXPECT_FALSE(some.wants_type("tx"));
    auto code_of = [](const nlohmann::json& peers, const nlohmann::json& types) {
        try {
            parse_capture_selection(peers, types);
        } catch (const node::RpcError& e) {
            return e.code;
        }
        return 0;
    };
    EXPECT_EQ(code_of(nlohmann::json::array({-1}), "all"), node::RPC_INVALID_PARAMETER);
    EXPECT_EQ(code_of(nlohmann::json::array({"not an address"}), "all"), node::RPC_INVALID_PARAMETER);
    EXPECT_EQ(code_of("[1,", "all"), node::RPC_TYPE_ERROR);
    EXPECT_EQ(code_of(nlohmann::json::array(), "all"), node::RPC_INVALID_PARAMETER);
    EXPECT_EQ(code_of("all", nlohmann::json::array({"thirteenchars"})), node::RPC_INVALID_PARAMETER);
    EXPECT_EQ(code_of("all", nlohmann::json::array({"a b"})), node::RPC_INVALID_PARAMETER);
    EXPECT_EQ(code_of("all", nlohmann::json(std::vector<std::string>(1001, "ping"))), node::RPC_INVALID_PARAMETER);
    // Bytes that are not UTF-8 are quoted in the error, not thrown as a JSON
    // library error (fuzz_capture_args found it; test/fuzz/regressions).
    EXPECT_EQ(code_of(nlohmann::json::array({"1\xc6" "7.0.0.1"}), "all"), node::RPC_INVALID_PARAMETER);
    EXPECT_EQ(code_of("all", nlohmann::json::array({"\xff"})), node::RPC_INVALID_PARAMETER);
}
