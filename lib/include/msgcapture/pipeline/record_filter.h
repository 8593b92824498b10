#pragma once
// The filter stage: which records go on to be formatted. It sees only a
// record's header and its file's labels, so a record it drops is never
// decoded or copied, and a file it drops is never opened.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "msgcapture/export.h"
#include "msgcapture/format/capture_files.h"
#include "msgcapture/format/record.h"

namespace msgcapture {

// Every condition that is set must hold (they combine with AND).
struct MSGCAPTURE_EXPORT RecordFilter {
    std::vector<std::string> types;      // "msgtype" is one of these (when any are given)
    std::vector<std::string> not_types;  // "msgtype" is none of these
    std::optional<Direction> direction;
    // The file's peer is one of these: its address ("127.0.0.1:8333" or just
    // "127.0.0.1"), its peer id from session.json, or its session directory
    // (by name or by path).
    std::vector<std::string> peers;
    std::optional<int64_t> since_us;  // time >= since (µs since the epoch)
    std::optional<int64_t> until_us;  // time < until: windows [a, b) and [b, c) never share a record

    bool accepts_file(const CaptureFile& file) const;
    bool accepts(const RecordHeader& header) const;
};

// "recv" or "sent".
MSGCAPTURE_EXPORT std::optional<Direction> parse_direction(std::string_view text);

}  // namespace msgcapture
