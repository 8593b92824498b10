#pragma once
// One capture record as a JSON entry (CAPTURE-SPEC §4).
#include "msgcapture/format/capture_files.h"
#include "msgcapture/format/decode_record.h"
#include "msgcapture/format/record.h"
#include "msgcapture/format/session.h"
#include "msgcapture/json/json_writer.h"
#include "msgcapture/protocol/message.h"

namespace msgcapture {

// Writes {"direction", "time", "size", "msgtype", "body"[, "error"]}, plus
// "peer" when `peer_json` (from peer_label_json) is not empty, plus, when
// `annotate` names the record's file, "annotation": keys outside the
// contract that help a person read the entry (--annotate).
// `scratch` is reused across calls to avoid allocating per message.
// Returns false when the entry carries an error.
bool write_entry(JsonWriter& w, const Record& record, Direction direction, MessageScratch& scratch,
                 std::string_view peer_json = {}, const CaptureFile* annotate = nullptr);

// The same, without an annotation, for a record whose payload was already
// decoded without error into `decoded`, as message `type_index`: how one part
// of a block written in parts is written (JsonWriter::Part, BlockParts).
void write_decoded_entry(JsonWriter& w, const Record& record, Direction direction, const MessageScratch& decoded,
                         size_t type_index, std::string_view peer_json = {});

// The "peer" value for a file's entries (CAPTURE-SPEC §4): {"id", "address",
// "connection_type", "session"} from session.json, {"address"} from a Bitcoin
// Core directory name, or empty when the file's location does not tell.
std::string peer_label_json(const CaptureFile& file);

}  // namespace msgcapture
