#include "msgcapture/format/session.h"

#include "msgcapture/format/utc_time.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
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
    if (!info.capture_intervals.empty()) {
        auto& intervals = j["capture_intervals"] = nlohmann::ordered_json::array();
        for (const auto& i : info.capture_intervals) {
            nlohmann::ordered_json one;
            one["start"] = i.start_us;
            one["end"] = i.end_us ? nlohmann::ordered_json(*i.end_us) : nlohmann::ordered_json(nullptr);
            intervals.push_back(std::move(one));
        }
    }
    if (info.end_time_us) j["end_time"] = *info.end_time_us;
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
        if (auto it = j.find("capture_intervals"); it != j.end()) {
            if (!it->is_array() || it->size() > MAX_CAPTURE_INTERVALS) return std::nullopt;
            for (const auto& one : *it) {
                CaptureInterval i;
                i.start_us = one.at("start").get<int64_t>();
                if (!one.at("end").is_null()) i.end_us = one.at("end").get<int64_t>();
                info.capture_intervals.push_back(i);
            }
        }
        if (auto it = j.find("end_time"); it != j.end() && !it->is_null()) info.end_time_us = it->get<int64_t>();
        return info;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

std::vector<std::pair<int64_t, int64_t>> capture_gaps(const SessionInfo& info) {
    std::vector<std::pair<int64_t, int64_t>> gaps;
    for (size_t i = 1; i < info.capture_intervals.size(); ++i) {
        const auto& before = info.capture_intervals[i - 1];
        gaps.emplace_back(before.end_us.value_or(info.capture_intervals[i].start_us), info.capture_intervals[i].start_us);
    }
    return gaps;
}


std::string capture_gap_warning(const SessionInfo& info) {
    const auto gaps = capture_gaps(info);
    if (gaps.empty()) return "";
    std::string text = "capture was off for part of this session, so its files miss the messages of ";
    text += std::to_string(gaps.size()) + (gaps.size() == 1 ? " gap: " : " gaps: ");
    const size_t shown = std::min<size_t>(gaps.size(), 3);
    for (size_t i = 0; i < shown; ++i) {
        if (i) text += ", ";
        text += iso_time(gaps[i].first) + " to " + iso_time(gaps[i].second);
    }
    if (shown < gaps.size()) text += ", ...";
    return text;
}

std::string peer_directory_name(const std::string& address) {
    std::string name = address;
    std::replace(name.begin(), name.end(), ':', '_');
    return name;
}

namespace {

bool base32_host(std::string_view host, std::string_view suffix) {
    if (!host.ends_with(suffix) || host.size() == suffix.size()) return false;
    host.remove_suffix(suffix.size());
    return std::all_of(host.begin(), host.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'); });
}

}  // namespace

std::optional<std::string> address_from_peer_directory_name(std::string_view name) {
    const size_t split = name.rfind('_');
    if (split == std::string_view::npos) return std::nullopt;
    const std::string_view port_text = name.substr(split + 1);
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || port_text.size() > 5 || ec != std::errc() || end != port_text.data() + port_text.size() ||
        port > 65535) {
        return std::nullopt;
    }
    std::string host(name.substr(0, split));
    unsigned char parsed[16];
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        std::replace(host.begin(), host.end(), '_', ':');
        if (inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), parsed) != 1) return std::nullopt;
    } else if (inet_pton(AF_INET, host.c_str(), parsed) != 1 && !base32_host(host, ".onion") && !base32_host(host, ".b32.i2p")) {
        return std::nullopt;
    }
    return host + ":" + std::string(port_text);
}

std::string session_directory_name(int64_t start_time_us, int64_t peer_id) {
    return compact_time(start_time_us) + "_" + std::to_string(peer_id);
}

}  // namespace msgcapture
