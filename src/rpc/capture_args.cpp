#include "rpc/capture_args.h"

#include "msgcapture/protocol/constants.h"
#include "net/netaddress.h"
#include "rpc/rpc_server.h"

namespace node {

using nlohmann::json;

namespace {

// An argument quoted in an error message. A string from the client may hold
// bytes that are not UTF-8; dump() would throw on them (the fuzzer found it).
std::string quoted(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

// "all" (or null) -> nullopt; otherwise the array, parsed from its text when it came as a string.
std::optional<json> entries(const json& arg, const char* name) {
    if (arg.is_null() || arg == "all") return std::nullopt;
    json list = arg;
    if (arg.is_string()) {
        list = json::parse(arg.get<std::string>(), nullptr, false);
        if (list.is_discarded()) {
            throw RpcError(RPC_TYPE_ERROR, std::string(name) + " must be \"all\" or a JSON array, not " + quoted(arg));
        }
    }
    if (!list.is_array()) throw RpcError(RPC_TYPE_ERROR, std::string(name) + " must be \"all\" or a JSON array");
    if (list.size() > MAX_CAPTURE_SELECTION_ENTRIES) {
        throw RpcError(RPC_INVALID_PARAMETER, std::string(name) + " lists " + std::to_string(list.size()) + " entries; at most " +
                                                   std::to_string(MAX_CAPTURE_SELECTION_ENTRIES));
    }
    if (list.empty()) throw RpcError(RPC_INVALID_PARAMETER, std::string(name) + " is empty; to capture nothing, use setcapture false");
    return list;
}

bool valid_message_type(const std::string& type) {
    if (type.empty() || type.size() > msgcapture::MESSAGE_TYPE_SIZE) return false;
    for (char c : type) {
        if (c < 0x21 || c > 0x7e) return false;
    }
    return true;
}

}  // namespace

CaptureSelection parse_capture_selection(const json& peers, const json& msgtypes) {
    CaptureSelection selection;
    if (auto list = entries(peers, "peers")) {
        selection.all_peers = false;
        for (const auto& entry : *list) {
            if (entry.is_number_integer() && entry.get<int64_t>() >= 0) {
                selection.peer_ids.insert(entry.get<int64_t>());
            } else if (entry.is_string() && parse_ip_endpoint(entry.get<std::string>(), 0)) {
                selection.addresses.push_back(entry.get<std::string>());
            } else {
                throw RpcError(RPC_INVALID_PARAMETER, "peers: " + quoted(entry) + " is neither a peer id nor an IP address with or without a port");
            }
        }
    }
    if (auto list = entries(msgtypes, "msgtypes")) {
        selection.all_types = false;
        for (const auto& entry : *list) {
            if (!entry.is_string() || !valid_message_type(entry.get<std::string>())) {
                throw RpcError(RPC_INVALID_PARAMETER, "msgtypes: " + quoted(entry) + " is not a message type (1 to 12 printable characters)");
            }
            selection.msgtypes.insert(entry.get<std::string>());
        }
    }
    return selection;
}

}  // namespace node
