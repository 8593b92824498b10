// json_depth_within, the guard in front of every untrusted JSON parse (RPC
// requests, session.json): on any text it agrees exactly with the depth of
// what nlohmann::json parses, and a text it accepts parses and prints back
// without trouble.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "msgcapture/json/json_depth.h"

namespace {

constexpr size_t LIMIT = 64;

size_t depth_of(const nlohmann::json& j) {
    if (!j.is_structured()) return 0;
    size_t deepest = 0;
    for (const auto& child : j) deepest = std::max(deepest, depth_of(child));
    return deepest + 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const bool within = msgcapture::json_depth_within(text, LIMIT);
    if (!within) {
        // Refused: rightly so, if it is JSON at all (checked on short texts,
        // whose depth the recursive check below can walk).
        // nlohmann::json stops at a NUL byte, which the guard does not: only
        // the text before it counts here (the RPC server and the parser refuse
        // JSON with a NUL in it outright).
        const std::string_view before_nul = text.substr(0, text.find('\0'));
        if (before_nul.size() > 4096 || msgcapture::json_depth_within(before_nul, LIMIT)) return 0;
        const nlohmann::json parsed = nlohmann::json::parse(before_nul, nullptr, false);
        if (!parsed.is_discarded() && depth_of(parsed) <= LIMIT) std::abort();
        return 0;
    }
    const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
    if (parsed.is_discarded()) return 0;
    if (depth_of(parsed) > LIMIT) std::abort();  // the guard let a deeper text through
    (void)parsed.dump();
    return 0;
}
