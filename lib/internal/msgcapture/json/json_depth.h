#pragma once
// How deeply a JSON text nests, found by a flat scan before any parser sees
// it: recursive parsers and writers (nlohmann::json's dump among them) would
// otherwise overflow the stack on input like "[[[[...". Untrusted JSON (RPC
// requests, session.json) is checked with this first.
#include <cstddef>
#include <string_view>

namespace msgcapture {

// Bitcoin Core's limit for JSON it reads (UniValue's MAX_JSON_DEPTH).
inline constexpr size_t MAX_JSON_DEPTH = 512;

// True when no array or object in `text` nests deeper than `max_depth`
// levels. Brackets inside strings do not count; the text need not be valid.
bool json_depth_within(std::string_view text, size_t max_depth = MAX_JSON_DEPTH);

}  // namespace msgcapture
