#pragma once
// A summary of the chosen records instead of the records, the way `capinfos`
// summarises a pcap: files, sessions and peers; first and last time; and for
// each message type and direction, the count, the bytes and the rates. It
// looks at record headers alone: no payload is handed out, decoded or copied.
#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "msgcapture/export.h"
#include "msgcapture/pipeline/output_format.h"

namespace msgcapture {

class MSGCAPTURE_EXPORT StatsFormat : public OutputFormat {
public:
    enum class Style { Text, Json };
    explicit StatsFormat(Style style = Style::Text) : style_(style) {}

    void begin(const Sink& out) override;
    void add_file(const CaptureFile& file) override;
    bool writes_entries() const override { return false; }
    void sequence(Entry& entry) override;
    bool write(const Entry&, OutputBuffer&, MessageScratch&) const override { return true; }
    void end(uint64_t entries, const Sink& out) override;

private:
    struct Counts {
        uint64_t messages = 0;
        uint64_t bytes = 0;  // payload bytes, the entries' "size"
    };

    std::map<std::pair<std::string, Direction>, Counts> by_type() const;
    std::string text() const;
    std::string json() const;
    uint64_t duration_us() const;  // last less first, which may not fit int64

    Style style_;
    std::vector<const CaptureFile*> files_;
    std::vector<bool> file_used_;
    Counts total_;
    // By the raw type field (no allocation per record); merged by the shown
    // name when printed.
    std::map<std::pair<std::array<char, MESSAGE_TYPE_SIZE>, Direction>, Counts> by_raw_type_;
    int64_t first_us_ = 0;
    int64_t last_us_ = 0;
};

}  // namespace msgcapture
