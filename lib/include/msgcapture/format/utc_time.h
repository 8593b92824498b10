#pragma once
// Capture times (µs since the epoch) as UTC text, and back.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "msgcapture/export.h"

namespace msgcapture {

// ISO 8601 with microseconds: "2026-11-22T02:07:54.322264Z".
MSGCAPTURE_EXPORT std::string iso_time(int64_t time_us);
// The compact form that names session directories: "20261122T020754.322264Z".
MSGCAPTURE_EXPORT std::string compact_time(int64_t time_us);

// µs since the epoch ("1795313274322264"), or ISO 8601 in UTC: "2026-11-22",
// "2026-11-22T02:07:54", with up to six fractional digits and an optional
// "Z". nullopt for anything else (other time zones included).
MSGCAPTURE_EXPORT std::optional<int64_t> parse_time(std::string_view text);

}  // namespace msgcapture
