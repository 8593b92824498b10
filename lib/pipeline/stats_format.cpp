#include "msgcapture/pipeline/stats_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "msgcapture/format/utc_time.h"

namespace msgcapture {
namespace {

// 1234567 -> "1,234,567", as capinfos prints counts.
std::string grouped(uint64_t n) {
    std::string digits = std::to_string(n), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string fixed(double value, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

}  // namespace

void StatsFormat::begin(const Sink&) {
    files_.clear();
    file_used_.clear();
    total_ = {};
    by_raw_type_.clear();
    first_us_ = last_us_ = 0;
}

void StatsFormat::add_file(const CaptureFile& file) {
    files_.push_back(&file);
    file_used_.push_back(false);
}

void StatsFormat::sequence(Entry& entry) {
    const RecordHeader& h = entry.record.header;
    if (total_.messages == 0) first_us_ = last_us_ = h.time_us;
    // A file keeps its own order when its clock steps back, so the first
    // record merged need not be the earliest.
    first_us_ = std::min(first_us_, h.time_us);
    last_us_ = std::max(last_us_, h.time_us);
    ++total_.messages;
    total_.bytes += h.length;
    Counts& c = by_raw_type_[{h.msgtype, entry.file->direction}];
    ++c.messages;
    c.bytes += h.length;
    file_used_[entry.source] = true;
}

std::map<std::pair<std::string, Direction>, StatsFormat::Counts> StatsFormat::by_type() const {
    std::map<std::pair<std::string, Direction>, Counts> out;
    for (const auto& [key, c] : by_raw_type_) {
        RecordHeader h;
        h.msgtype = key.first;
        Counts& sum = out[{std::string(h.msgtype_shown()), key.second}];
        sum.messages += c.messages;
        sum.bytes += c.bytes;
    }
    return out;
}

void StatsFormat::end(uint64_t, const Sink& out) { out(style_ == Style::Json ? json() : text()); }

namespace {

struct Coverage {
    uint64_t files = 0, sessions = 0, peers = 0;
};

Coverage coverage(const std::vector<const CaptureFile*>& files, const std::vector<bool>& used) {
    std::set<std::string> sessions, peers;
    Coverage c;
    for (size_t i = 0; i < files.size(); ++i) {
        if (!used[i]) continue;
        ++c.files;
        sessions.insert(files[i]->path.substr(0, files[i]->path.rfind('/') + 1));
        if (!files[i]->peer_address.empty()) peers.insert(files[i]->peer_address);
    }
    c.sessions = sessions.size();
    c.peers = peers.size();
    return c;
}

}  // namespace

// Any two times of a file may be as far apart as int64 allows (a hostile
// file's are): the span is taken in uint64, where it always fits.
uint64_t StatsFormat::duration_us() const { return static_cast<uint64_t>(last_us_) - static_cast<uint64_t>(first_us_); }

std::string StatsFormat::text() const {
    const Coverage cov = coverage(files_, file_used_);
    const double seconds = static_cast<double>(duration_us()) / 1e6;
    auto rate = [&](uint64_t n, int decimals) {
        if (seconds <= 0) return std::string("n/a");
        const double r = static_cast<double>(n) / seconds;
        return decimals == 0 ? grouped(static_cast<uint64_t>(std::llround(r))) : fixed(r, decimals);
    };
    std::string s;
    auto line = [&](const char* name, const std::string& value) {
        char label[32];
        std::snprintf(label, sizeof label, "%-22s", name);
        s += label + value + "\n";
    };
    line("Files:", grouped(cov.files) + " (" + grouped(cov.sessions) + " sessions, " + grouped(cov.peers) +
                       " peers known by address)");
    line("Messages:", grouped(total_.messages));
    line("Payload bytes:", grouped(total_.bytes));
    if (total_.messages > 0) {
        line("First message:", iso_time(first_us_));
        line("Last message:", iso_time(last_us_));
        line("Duration:", fixed(seconds, 6) + " s");
        line("Average rate:", rate(total_.messages, 2) + " messages/s, " + rate(total_.bytes, 0) + " bytes/s");
        char row[160];
        std::snprintf(row, sizeof row, "\n%-14s %-9s %12s %15s %12s %14s\n", "Type", "Direction", "Messages", "Bytes",
                      "Messages/s", "Bytes/s");
        s += row;
        for (const auto& [key, c] : by_type()) {
            std::snprintf(row, sizeof row, "%-14s %-9s %12s %15s %12s %14s\n", key.first.c_str(),
                          std::string(direction_name(key.second)).c_str(), grouped(c.messages).c_str(),
                          grouped(c.bytes).c_str(), rate(c.messages, 2).c_str(), rate(c.bytes, 0).c_str());
            s += row;
        }
    }
    return s;
}

std::string StatsFormat::json() const {
    const Coverage cov = coverage(files_, file_used_);
    const uint64_t duration_us = this->duration_us();
    auto rate = [&](uint64_t n) {
        return duration_us > 0 ? nlohmann::ordered_json(static_cast<double>(n) * 1e6 / static_cast<double>(duration_us))
                               : nlohmann::ordered_json(nullptr);
    };
    nlohmann::ordered_json j;
    j["files"] = cov.files;
    j["sessions"] = cov.sessions;
    j["peers"] = cov.peers;
    j["messages"] = total_.messages;
    j["bytes"] = total_.bytes;
    const bool any = total_.messages > 0;
    j["first_time"] = any ? nlohmann::ordered_json(first_us_) : nlohmann::ordered_json(nullptr);
    j["last_time"] = any ? nlohmann::ordered_json(last_us_) : nlohmann::ordered_json(nullptr);
    j["duration_us"] = any ? nlohmann::ordered_json(duration_us) : nlohmann::ordered_json(nullptr);
    j["messages_per_s"] = rate(total_.messages);
    j["bytes_per_s"] = rate(total_.bytes);
    auto& types = j["types"] = nlohmann::ordered_json::array();
    for (const auto& [key, c] : by_type()) {
        nlohmann::ordered_json t;
        t["msgtype"] = key.first;
        t["direction"] = direction_name(key.second);
        t["messages"] = c.messages;
        t["bytes"] = c.bytes;
        t["messages_per_s"] = rate(c.messages);
        t["bytes_per_s"] = rate(c.bytes);
        types.push_back(std::move(t));
    }
    // The type may be any text a file holds: invalid UTF-8 is replaced, never thrown on.
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace msgcapture
