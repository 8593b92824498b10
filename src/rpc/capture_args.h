#pragma once
// setcapture's "peers" and "msgtypes" arguments, checked and turned into a
// selection. Kept apart from the method so that a fuzzer can reach it.
#include <nlohmann/json.hpp>

#include "node/capture_control.h"

namespace node {

// Most entries either list may hold: more is an error, not a slow node.
inline constexpr size_t MAX_CAPTURE_SELECTION_ENTRIES = 1000;

// `peers`: "all", or an array of peer ids and addresses (with or without a
// port); `msgtypes`: "all", or an array of message types. bitcoin-cli sends
// arguments of methods it does not know as strings, so an array may also
// come as its JSON text. A null argument means "all". Throws RpcError
// (RPC_INVALID_PARAMETER or RPC_TYPE_ERROR) naming the bad entry.
CaptureSelection parse_capture_selection(const nlohmann::json& peers, const nlohmann::json& msgtypes);

}  // namespace node
