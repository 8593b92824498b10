// Any text as setcapture's "peers" and "msgtypes" arguments (the input is
// split at its first NUL; each part is tried as JSON and as a string, as
// bitcoin-cli may send either): a selection or an RPC error, never a crash,
// and a selection never holds more than the documented number of entries.
#include <cstdint>
#include <string>
#include <string_view>

#include "rpc/capture_args.h"
#include "rpc/rpc_server.h"

namespace {

nlohmann::json as_argument(std::string_view text, bool as_json) {
    if (!as_json) return std::string(text);
    auto parsed = nlohmann::json::parse(text, nullptr, false);
    return parsed.is_discarded() ? nlohmann::json(std::string(text)) : parsed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const size_t split = input.find('\0');
    const std::string_view peers = input.substr(0, split);
    const std::string_view types = split == std::string_view::npos ? std::string_view() : input.substr(split + 1);
    for (bool as_json : {true, false}) {
        try {
            const auto selection = node::parse_capture_selection(as_argument(peers, as_json), types.empty() ? nlohmann::json("all") : as_argument(types, as_json));
            if (selection.peer_ids.size() + selection.addresses.size() > node::MAX_CAPTURE_SELECTION_ENTRIES) __builtin_trap();
            if (selection.msgtypes.size() > node::MAX_CAPTURE_SELECTION_ENTRIES) __builtin_trap();
            for (const auto& t : selection.msgtypes) {
                if (t.empty() || t.size() > 12) __builtin_trap();
            }
        } catch (const node::RpcError&) {
        } catch (const nlohmann::json::exception&) {
            __builtin_trap();  // every bad argument must be an RPC error, not a library exception
        }
    }
    return 0;
}
