#pragma once
// session.json: who a capture session was with (CAPTURE-SPEC §2).
#include <cstdint>
#include <optional>
#include <string>

namespace msgcapture {

struct SessionInfo {
    int64_t peer_id = 0;
    std::string address;          // as the node prints it: 127.0.0.1:18444, [::1]:8333
    std::string connection_type;  // inbound, outbound-full-relay, block-relay-only, manual, feeler, addr-fetch
    int64_t start_time_us = 0;    // connection start, µs since the epoch
    std::string network;          // main, test, testnet4, signet, regtest
    std::string user_agent;       // ours
    int32_t protocol_version = 0; // ours

    bool operator==(const SessionInfo&) const = default;
};

std::string session_to_json(const SessionInfo& info);
// nullopt when the text is not a session.json we understand.
std::optional<SessionInfo> session_from_json(const std::string& text);

// `<addr>_<port>`: the address as printed, with every ':' replaced by '_'.
std::string peer_directory_name(const std::string& address);
// `20261122T014915.123456Z_7`: start time in UTC and peer id; sorts chronologically.
std::string session_directory_name(int64_t start_time_us, int64_t peer_id);

}  // namespace msgcapture
