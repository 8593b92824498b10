// The filter options as typed (--type, --not-type, --direction, --peer,
// --since, --until) and the times they take. Whatever the text, building the
// filter either succeeds or gives a usage error; a filter that is built
// judges any record header exactly as its rules say; and every time that
// parses prints back (as ISO 8601) to text that parses to the same time.
//
// Input: seven lines (type, not-type, direction, peer, the file's path, since,
// until), then a record header (24 bytes) and the file's peer address.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "msgcapture/format/utc_time.h"
#include "parser_options.h"

using namespace msgcapture;

namespace {

void check_time_roundtrip(const std::string& text) {
    const auto t = parse_time(text);
    if (!t) return;
    // Years 0000-9999 only print as four digits; past them ISO text is not ours to read.
    constexpr int64_t YEAR_10000 = 253402300800LL * 1'000'000;
    constexpr int64_t YEAR_0 = -62167219200LL * 1'000'000;
    if (*t < YEAR_0 || *t >= YEAR_10000) return;
    if (parse_time(iso_time(*t)) != t) std::abort();
}

bool in(const std::vector<std::string>& set, std::string_view value) {
    for (const auto& s : set) {
        if (s == value) return true;
    }
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 4096) return 0;
    const std::string input(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> lines;
    size_t start = 0;
    while (lines.size() < 7 && start <= input.size()) {
        size_t end = input.find('\n', start);
        if (end == std::string::npos) end = input.size();
        lines.push_back(input.substr(start, end - start));
        start = end + 1;
    }
    lines.resize(7);
    const std::string rest = start < input.size() ? input.substr(start) : std::string();

    check_time_roundtrip(lines[5]);
    check_time_roundtrip(lines[6]);

    ParserOptions o;
    o.types = {lines[0]};
    o.not_types = {lines[1]};
    o.direction = lines[2];
    o.peers = {lines[3]};
    o.since = lines[5];
    o.until = lines[6];
    RecordFilter f;
    try {
        f = build_filter(o);
    } catch (const UsageError&) {
        return 0;
    }
    uint8_t raw[RECORD_HEADER_SIZE] = {};
    for (size_t i = 0; i < sizeof raw && i < rest.size(); ++i) raw[i] = static_cast<uint8_t>(rest[i]);
    const RecordHeader h = parse_record_header(raw);
    const bool expected = (!f.since_us || h.time_us >= *f.since_us) && (!f.until_us || h.time_us < *f.until_us) &&
                          (f.types.empty() || in(f.types, h.msgtype_shown())) && !in(f.not_types, h.msgtype_shown());
    if (f.accepts(h) != expected) std::abort();

    CaptureFile file{lines[4], Direction::Received, std::nullopt, "", rest.size() > sizeof raw ? rest.substr(sizeof raw) : ""};
    const bool direction_ok = !f.direction || *f.direction == Direction::Received;
    if (!direction_ok && f.accepts_file(file)) std::abort();
    return 0;
}
