#pragma once
// One capture record as a JSON entry (CAPTURE-SPEC §4).
#include "msgcapture/format/record.h"
#include "msgcapture/json/json_writer.h"
#include "msgcapture/protocol/message.h"

namespace msgcapture {

// The error strings of the contract, shared with Bitcoin Core's parser.
inline constexpr std::string_view ERROR_UNRECOGNIZED = "Unrecognized message type.";
inline constexpr std::string_view ERROR_UNDECODABLE = "Unable to deserialize message.";
inline constexpr std::string_view ERROR_TRUNCATED = "Truncated record.";
// Ours: a record that declares more than MAX_PROTOCOL_MESSAGE_LENGTH bytes.
inline constexpr std::string_view ERROR_OVERSIZED = "Oversized record.";

// Writes {"direction", "time", "size", "msgtype", "body"[, "error"]}.
// `scratch` is reused across calls to avoid allocating per message.
// Returns false when the entry carries an error.
bool write_entry(JsonWriter& w, const Record& record, Direction direction, MessageScratch& scratch);

}  // namespace msgcapture
