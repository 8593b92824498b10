#include "msgcapture/format/decode_record.h"

namespace msgcapture {

RecordKind record_kind(const Record& record) {
    if (record.status == RecordStatus::Truncated) return {std::nullopt, ERROR_TRUNCATED};
    if (record.status == RecordStatus::Oversized) return {std::nullopt, ERROR_OVERSIZED};
    // msgtype_shown() is never a known type when it is UNREADABLE_TYPE.
    if (auto index = find_message_type(record.header.msgtype_shown())) return {index, {}};
    return {std::nullopt, ERROR_UNRECOGNIZED};
}

DecodedRecord decode_record(const Record& record) {
    const RecordKind kind = record_kind(record);
    if (!kind.type_index) return {std::nullopt, kind.error};
    try {
        return {decode_message(*kind.type_index, record.payload), {}};
    } catch (const DecodeError&) {
        return {std::nullopt, ERROR_UNDECODABLE};
    }
}

}  // namespace msgcapture
