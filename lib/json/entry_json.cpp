#include "msgcapture/json/entry_json.h"

#include <algorithm>

#include "msgcapture/json/annotation_json.h"
#include "msgcapture/json/message_json.h"

namespace msgcapture {
std::string peer_label_json(const CaptureFile& file) {
    if (!file.session && file.peer_address.empty()) return {};
    OutputBuffer out;
    JsonWriter w(out);
    w.begin_object();
    if (file.session) {
        w.key("id");
        w.number(file.session->peer_id);
    }
    w.key("address");
    w.string(file.peer_address);
    if (file.session) {
        w.key("connection_type");
        w.string(file.session->connection_type);
        w.key("session");
        w.string(file.session_name);
    }
    w.end_object();
    return out.str();
}

bool write_entry(JsonWriter& w, const Record& record, Direction direction, MessageScratch& scratch,
                 std::string_view peer_json, const CaptureFile* annotate) {
    const std::string_view type = record.header.msgtype_shown();
    w.begin_object();
    w.key("direction");
    w.string(direction_name(direction));
    w.key("time");
    w.number(record.header.time_us);
    w.key("size");
    w.number(static_cast<uint64_t>(record.header.length));
    w.key("msgtype");
    w.string(type);

    const RecordKind kind = record_kind(record);
    std::string_view error = kind.error;
    const size_t type_index = kind.type_index.value_or(0);
    if (kind.type_index) {
        try {
            scratch.decode(type_index, record.payload);  // decode_record's rule, without allocating
        } catch (const DecodeError&) {
            error = ERROR_UNDECODABLE;
        }
    }

    if (!error.empty()) {
        w.key("body");
        w.hex(record.payload);
        w.key("error");
        w.string(error);
    } else if (!record.payload.empty()) {
        w.key("body");
        write_message_body(w, scratch, type_index);
    }
    if (!peer_json.empty()) {
        w.key("peer");
        w.raw(peer_json);
    }
    if (annotate) write_annotation(w, record, *annotate, scratch, error.empty() ? kind.type_index : std::nullopt);
    w.end_object();
    return error.empty();
}

}  // namespace msgcapture
