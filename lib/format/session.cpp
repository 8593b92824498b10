#include "msgcapture/format/session.h"

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

namespace msgcapture {

std::string session_to_json(const SessionInfo& info) {
    nlohmann::ordered_json j;
    j["peer_id"] = info.peer_id;
    j["address"] = info.address;
    j["connection_type"] = info.connection_type;
    j["start_time"] = info.start_time_us;
    j["network"] = info.network;
    j["user_agent"] = info.user_agent;
    j["protocol_version"] = info.protocol_version;
    return j.dump(2) + "\n";
}

std::optional<SessionInfo> session_from_json(const std::string& text) {
    try {
        auto j = nlohmann::json::parse(text);
        SessionInfo info;
        info.peer_id = j.at("peer_id").get<int64_t>();
        info.address = j.at("address").get<std::string>();
        info.connection_type = j.at("connection_type").get<std::string>();
        info.start_time_us = j.at("start_time").get<int64_t>();
        info.network = j.at("network").get<std::string>();
        info.user_agent = j.at("user_agent").get<std::string>();
        info.protocol_version = j.at("protocol_version").get<int32_t>();
        return info;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

std::string peer_directory_name(const std::string& address) {
    std::string name = address;
    std::replace(name.begin(), name.end(), ':', '_');
    return name;
}

std::string session_directory_name(int64_t start_time_us, int64_t peer_id) {
    const std::time_t seconds = static_cast<std::time_t>(start_time_us / 1'000'000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char date[32];
    std::strftime(date, sizeof date, "%Y%m%dT%H%M%S", &utc);
    char name[64];
    std::snprintf(name, sizeof name, "%s.%06lldZ_%lld", date, static_cast<long long>(start_time_us % 1'000'000),
                  static_cast<long long>(peer_id));
    return name;
}

}  // namespace msgcapture
