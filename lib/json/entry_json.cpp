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

namespace {

// The entry of a record whose payload was decoded into `decoded` (as
// `type_index`), or that carries `error`.
void write_entry_of(JsonWriter& w, const Record& record, Direction direction, const MessageScratch& decoded,
                    std::optional<size_t> type_index, std::string_view error, std::string_view peer_json,
                    const CaptureFile* annotate) {
    w.begin_object();
    w.key("direction");
    w.string(direction_name(direction));
    w.key("time");
    w.number(record.header.time_us);
    w.key("size");
    w.number(static_cast<uint64_t>(record.header.length));
    w.key("msgtype");
    w.string(record.header.msgtype_shown());
    if (!error.empty()) {
        w.key("body");
        w.hex(record.payload);
        w.key("error");
        w.string(error);
    } else if (!record.payload.empty()) {
        w.key("body");
        write_message_body(w, decoded, *type_index);
        if (w.rest_is_elsewhere()) return;  // a later part writes the rest
    }
    if (!peer_json.empty()) {
        w.key("peer");
        w.raw(peer_json);
    }
    if (annotate) write_annotation(w, record, *annotate, decoded, error.empty() ? type_index : std::nullopt);
    w.end_object();
}

}  // namespace

bool write_entry(JsonWriter& w, const Record& record, Direction direction, MessageScratch& scratch,
                 std::string_view peer_json, const CaptureFile* annotate) {
    const RecordKind kind = record_kind(record);
    std::string_view error = kind.error;
    if (kind.type_index) {
        try {
            scratch.decode(*kind.type_index, record.payload);  // decode_record's rule, without allocating
        } catch (const DecodeError&) {
            error = ERROR_UNDECODABLE;
        }
    }
    write_entry_of(w, record, direction, scratch, kind.type_index, error, peer_json, annotate);
    return error.empty();
}

void write_decoded_entry(JsonWriter& w, const Record& record, Direction direction, const MessageScratch& decoded,
                         size_t type_index, std::string_view peer_json) {
    write_entry_of(w, record, direction, decoded, type_index, {}, peer_json, nullptr);
}

}  // namespace msgcapture
