#include "msgcapture/format/record.h"

#include <algorithm>
#include <cstring>

#include "msgcapture/protocol/stream.h"

namespace msgcapture {

std::string_view direction_name(Direction d) { return d == Direction::Received ? "recv" : "sent"; }

Direction direction_from_file_name(std::string_view name) {
    for (std::string_view ext : {".zst", ".dat"}) {
        if (name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext) {
            name.remove_suffix(ext.size());
        }
    }
    return name.find("recv") != std::string_view::npos ? Direction::Received : Direction::Sent;
}

std::string_view RecordHeader::msgtype_text() const {
    auto nul = std::find(msgtype.begin(), msgtype.end(), '\0');
    return std::string_view(msgtype.data(), static_cast<size_t>(nul - msgtype.begin()));
}

std::string_view RecordHeader::msgtype_shown() const {
    const std::string_view text = msgtype_text();
    const bool printable = std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
    return printable ? text : UNREADABLE_TYPE;
}

RecordHeader parse_record_header(const uint8_t* bytes) {
    RecordHeader h;
    ByteReader r(ByteSpan(bytes, RECORD_HEADER_SIZE));
    h.time_us = r.read_le<int64_t>();
    std::memcpy(h.msgtype.data(), r.read_bytes(MESSAGE_TYPE_SIZE).data(), MESSAGE_TYPE_SIZE);
    h.length = r.read_le<uint32_t>();
    return h;
}

void append_record(Bytes& out, int64_t time_us, std::string_view msgtype, ByteSpan payload) {
    ByteWriter w(out);
    w.write_le(time_us);
    std::array<uint8_t, MESSAGE_TYPE_SIZE> type{};
    std::copy_n(msgtype.begin(), std::min(msgtype.size(), type.size()), type.begin());
    w.write_bytes(type);
    w.write_le(static_cast<uint32_t>(payload.size()));
    w.write_bytes(payload);
}

}  // namespace msgcapture
