#pragma once
// From a capture record to a decoded message, or the reason there is none:
// the rules of CAPTURE-SPEC §4 in one place, for the JSON view and for
// programs using the library.
#include <optional>
#include <string_view>

#include "msgcapture/export.h"
#include "msgcapture/format/record.h"
#include "msgcapture/protocol/message.h"

namespace msgcapture {

// The reasons, as the JSON's "error" prints them (shared with Bitcoin Core's parser).
inline constexpr std::string_view ERROR_UNRECOGNIZED = "Unrecognized message type.";
inline constexpr std::string_view ERROR_UNDECODABLE = "Unable to deserialize message.";
inline constexpr std::string_view ERROR_TRUNCATED = "Truncated record.";
// Ours: a record that declares more than MAX_PROTOCOL_MESSAGE_LENGTH bytes.
inline constexpr std::string_view ERROR_OVERSIZED = "Oversized record.";

// A record's message type, when its payload can be given to the decoder:
// its index in KnownMessages; otherwise the reason (torn, oversized, unknown type).
struct MSGCAPTURE_EXPORT RecordKind {
    std::optional<size_t> type_index;
    std::string_view error;  // empty when type_index is set
};
MSGCAPTURE_EXPORT RecordKind record_kind(const Record& record);

struct MSGCAPTURE_EXPORT DecodedRecord {
    std::optional<Message> message;
    std::string_view error;  // one of the ERROR_* reasons when there is no message
};

// Decodes a record's payload. Never throws for bad payloads: the reason is in `error`.
MSGCAPTURE_EXPORT DecodedRecord decode_record(const Record& record);

}  // namespace msgcapture
