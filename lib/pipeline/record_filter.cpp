#include "msgcapture/pipeline/record_filter.h"

#include <algorithm>

namespace msgcapture {
namespace {

bool contains(const std::vector<std::string>& set, std::string_view value) {
    return std::find(set.begin(), set.end(), value) != set.end();
}

// "127.0.0.1:8333" -> "127.0.0.1"; "[::1]:8333" -> "::1" (and "[::1]").
bool host_matches(std::string_view address, std::string_view wanted) {
    const size_t colon = address.rfind(':');
    if (colon == std::string_view::npos) return false;
    std::string_view host = address.substr(0, colon);
    if (host == wanted) return true;
    return host.size() > 2 && host.front() == '[' && host.back() == ']' && host.substr(1, host.size() - 2) == wanted;
}

std::string_view without_trailing_slashes(std::string_view path) {
    while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    return path;
}

bool peer_matches(const CaptureFile& file, std::string_view wanted) {
    if (!file.peer_address.empty() && (file.peer_address == wanted || host_matches(file.peer_address, wanted))) return true;
    if (file.session && (std::to_string(file.session->peer_id) == wanted || file.session_name == wanted)) return true;
    // A session directory by path, as the user might have typed it.
    const std::string_view path = file.path;
    const size_t slash = path.rfind('/');
    return slash != std::string_view::npos && !wanted.empty() &&
           without_trailing_slashes(path.substr(0, slash)) == without_trailing_slashes(wanted);
}

}  // namespace

bool RecordFilter::accepts_file(const CaptureFile& file) const {
    if (direction && file.direction != *direction) return false;
    if (peers.empty()) return true;
    return std::any_of(peers.begin(), peers.end(), [&](const std::string& p) { return peer_matches(file, p); });
}

bool RecordFilter::accepts(const RecordHeader& header) const {
    if (since_us && header.time_us < *since_us) return false;
    if (until_us && header.time_us >= *until_us) return false;
    if (types.empty() && not_types.empty()) return true;
    const std::string_view type = header.msgtype_shown();
    if (!types.empty() && !contains(types, type)) return false;
    return !contains(not_types, type);
}

std::optional<Direction> parse_direction(std::string_view text) {
    if (text == direction_name(Direction::Received)) return Direction::Received;
    if (text == direction_name(Direction::Sent)) return Direction::Sent;
    return std::nullopt;
}

}  // namespace msgcapture
