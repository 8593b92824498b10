#pragma once
// JSON-RPC over HTTP as bitcoin-cli speaks it: HTTP basic authentication
// (the .cookie file or -rpcuser/-rpcpassword), JSON-RPC 1.0 and 2.0 requests,
// batches, Bitcoin Core's error codes.
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/http.h"

namespace node {

// Bitcoin Core's error codes.
enum RpcErrorCode {
    RPC_MISC_ERROR = -1,
    RPC_TYPE_ERROR = -3,
    RPC_INVALID_ADDRESS_OR_KEY = -5,
    RPC_INVALID_PARAMETER = -8,
    RPC_WALLET_ERROR = -4,
    RPC_VERIFY_ERROR = -25,
    RPC_DESERIALIZATION_ERROR = -22,
    RPC_CLIENT_NODE_ALREADY_ADDED = -23,
    RPC_CLIENT_NODE_NOT_ADDED = -24,
    RPC_CLIENT_NODE_NOT_CONNECTED = -29,
    RPC_METHOD_NOT_FOUND = -32601,
    RPC_INVALID_REQUEST = -32600,
    RPC_INVALID_PARAMS = -32602,
    RPC_PARSE_ERROR = -32700,
};

struct RpcError : std::runtime_error {
    RpcError(int code_, const std::string& message) : std::runtime_error(message), code(code_) {}
    int code;
};

// The parameters of one call, by position (named ones are put in their
// places before a method sees them).
class RpcParams {
public:
    explicit RpcParams(nlohmann::json positional);
    bool has(size_t i) const;
    // bitcoin-cli sends numbers it does not know the type of as strings: both are accepted.
    int64_t get_int(size_t i) const;
    std::string get_string(size_t i) const;
    bool get_bool(size_t i) const;
    // The raw value (arrays and objects); throws when absent.
    const nlohmann::json& get(size_t i) const;

private:
    const nlohmann::json* at(size_t i) const;
    nlohmann::json params_;
};

// One argument as `help` describes it.
struct RpcArg {
    std::string name;
    std::string type;  // as Core's help prints it: "numeric", "string", "boolean", "json array"
    bool required = true;
    std::string fallback;  // an optional argument's default, as text ("1", "\"\"")
    std::string description;
};

struct RpcMethod {
    std::string name;
    std::string category;  // "Blockchain", "Network", ...
    std::string description;
    std::vector<RpcArg> args;
    std::string result;  // the "Result:" section, as printed
    std::vector<nlohmann::json> examples;  // parameter arrays, shown as bitcoin-cli and curl calls
    std::function<nlohmann::json(const RpcParams&)> run;
    bool hidden = false;  // callable, but not listed by `help` (Core's retired `generate`)
};

// The method's full help: synopsis, description, arguments, result, examples.
// `help <method>` prints it, and a call with missing or surplus arguments
// gets it as its error message (as in Bitcoin Core).
std::string help_text(const RpcMethod& method);

class RpcServer {
public:
    // `users`: accepted user -> password pairs.
    RpcServer(std::map<std::string, std::string> users, std::vector<RpcMethod> methods);

    HttpResponse handle(const HttpRequest& request) const;
    // One JSON-RPC call (no HTTP); used by handle() and tests.
    nlohmann::json call(const std::string& method, const nlohmann::json& params) const;
    std::string help(const std::string& method) const;
    // The request's basic-auth credentials are accepted ones (headers only).
    bool authorized(const HttpRequest& request) const;

private:
    nlohmann::json one(const nlohmann::json& request, int& http_status) const;

    std::map<std::string, std::string> users_;
    std::map<std::string, RpcMethod> methods_;
};

// A fresh "__cookie__:<random hex>" line for the .cookie file.
std::string make_cookie();

}  // namespace node
