#pragma once
// --annotate: keys that help a person read an entry, kept out of the
// contract's keys. Private to the library.
#include <optional>

#include "msgcapture/format/capture_files.h"
#include "msgcapture/format/record.h"
#include "msgcapture/json/json_writer.h"
#include "msgcapture/protocol/message.h"

namespace msgcapture {

// Writes "annotation": {"time", "peer", "hashes"}: the time in ISO 8601, who
// the peer was in words, and every hash of the body in display order, keyed
// by its path in the body ("inv[0].hash"), with each transaction's "txid"
// and "wtxid". `decoded` is the type index `scratch` holds, if it decoded.
void write_annotation(JsonWriter& w, const Record& record, const CaptureFile& file, const MessageScratch& scratch,
                      std::optional<size_t> decoded);

}  // namespace msgcapture
