#pragma once
// The capture record (CAPTURE-SPEC §1): time, message type, length, payload.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "msgcapture/export.h"
#include "msgcapture/protocol/bytes.h"
#include "msgcapture/protocol/constants.h"

namespace msgcapture {

// int64 time (µs since the epoch), 12-byte type, uint32 length; all little-endian.
inline constexpr size_t RECORD_HEADER_SIZE = 8 + MESSAGE_TYPE_SIZE + 4;

enum class Direction { Received, Sent };

// "recv" or "sent", as the JSON prints it.
MSGCAPTURE_EXPORT std::string_view direction_name(Direction d);

// A capture file's direction comes from its name: "recv" in the name without
// its .dat / .dat.zst extension means received, anything else sent.
MSGCAPTURE_EXPORT Direction direction_from_file_name(std::string_view file_name);

struct MSGCAPTURE_EXPORT RecordHeader {
    int64_t time_us = 0;
    std::array<char, MESSAGE_TYPE_SIZE> msgtype{};
    uint32_t length = 0;

    // The type field up to its first NUL byte.
    std::string_view msgtype_text() const;
    // What the JSON's "msgtype" shows: that text, or UNREADABLE_TYPE when it
    // is not printable ASCII.
    std::string_view msgtype_shown() const;
};

inline constexpr std::string_view UNREADABLE_TYPE = "UNREADABLE";

MSGCAPTURE_EXPORT RecordHeader parse_record_header(const uint8_t* bytes);

enum class RecordStatus {
    Complete,
    Truncated,  // the file ends inside the payload: `payload` holds what is there
    Oversized,  // declares more than MAX_PROTOCOL_MESSAGE_LENGTH and the file goes on
};

struct MSGCAPTURE_EXPORT Record {
    RecordHeader header;
    ByteSpan payload;  // valid until the reader that produced it moves on
    RecordStatus status = RecordStatus::Complete;
    uint64_t offset = 0;  // of the record header in the (uncompressed) stream
};

// Appends one encoded record to `out`.
MSGCAPTURE_EXPORT void append_record(Bytes& out, int64_t time_us, std::string_view msgtype, ByteSpan payload);

}  // namespace msgcapture
