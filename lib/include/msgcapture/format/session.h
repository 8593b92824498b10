#pragma once
// session.json: who a capture session was with (CAPTURE-SPEC §2).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "msgcapture/export.h"

namespace msgcapture {

// A session's capture may pause and resume this many times; past it, the
// writer leaves the session paused, so session.json stays under 1 MiB.
inline constexpr size_t MAX_CAPTURE_INTERVALS = 10'000;

// A span of a session in which capture was on; no end while it still is.
struct MSGCAPTURE_EXPORT CaptureInterval {
    int64_t start_us = 0;
    std::optional<int64_t> end_us;
    bool operator==(const CaptureInterval&) const = default;
};

struct MSGCAPTURE_EXPORT SessionInfo {
    int64_t peer_id = 0;
    std::string address;          // as the node prints it: 127.0.0.1:18444, [::1]:8333
    std::string connection_type;  // inbound, outbound-full-relay, block-relay-only, manual, feeler, addr-fetch
    int64_t start_time_us = 0;    // connection start, µs since the epoch
    std::string network;          // main, test, testnet4, signet, regtest
    std::string user_agent;       // ours
    int32_t protocol_version = 0; // ours
    // When capture was on (setcapture can pause and resume it): messages
    // outside these spans were not recorded, so a reader knows a gap is a
    // gap. Empty in session.json files written before intervals existed.
    std::vector<CaptureInterval> capture_intervals;
    // When the session ended (its files are then final: a follower reads
    // them to the end and a torn last record is really torn); none while the
    // connection is open, and none in files written before it existed.
    std::optional<int64_t> end_time_us;

    bool operator==(const SessionInfo&) const = default;
};

MSGCAPTURE_EXPORT std::string session_to_json(const SessionInfo& info);

// The spans between capture intervals, within [first start, last end]:
// each is (off_from_us, on_again_us). Empty when capture never paused.
MSGCAPTURE_EXPORT std::vector<std::pair<int64_t, int64_t>> capture_gaps(const SessionInfo& info);
// nullopt when the text is not a session.json we understand.
MSGCAPTURE_EXPORT std::optional<SessionInfo> session_from_json(const std::string& text);

// A warning for a reader, when capture of the session paused: which spans
// of the session the files do not cover. Empty when it never paused.
MSGCAPTURE_EXPORT std::string capture_gap_warning(const SessionInfo& info);

// `<addr>_<port>`: the address as printed, with every ':' replaced by '_'
// (the names Bitcoin Core gives its capture directories, and ours).
MSGCAPTURE_EXPORT std::string peer_directory_name(const std::string& address);
// The inverse, for a name that is one (CAPTURE-SPEC §4): IPv4, bracketed
// IPv6, .onion or .b32.i2p, and a port; "[__1]_8333" gives "[::1]:8333".
MSGCAPTURE_EXPORT std::optional<std::string> address_from_peer_directory_name(std::string_view name);
// `20261122T014915.123456Z_7`: start time in UTC and peer id; sorts chronologically.
MSGCAPTURE_EXPORT std::string session_directory_name(int64_t start_time_us, int64_t peer_id);

}  // namespace msgcapture
