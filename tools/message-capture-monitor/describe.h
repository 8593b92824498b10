#pragma once
// A message as a person reads it in the monitor: one line in the peer view,
// and the whole entry (the parser's JSON with --annotate) on Enter.
#include <string>

#include <nlohmann/json.hpp>

#include "monitor_model.h"

namespace monitor {

// The parser's annotated JSON entry; null when the payload is no longer held.
nlohmann::ordered_json entry_json(const Message& m);
// At most `width` characters: what the message says, in words and numbers.
std::string summary_line(const Message& m, size_t width = 200);
// Connection types as bitcoin-cli -netinfo abbreviates them, for narrow screens.
std::string short_connection_type(const std::string& type);
// 1234567 -> "1.2M"
std::string human_bytes(uint64_t bytes);

}  // namespace monitor
