#include "msgcapture/pipeline/json_format.h"

#include <memory>

#include "msgcapture/format/decode_record.h"
#include "msgcapture/json/entry_json.h"
#include "msgcapture/json/json_writer.h"
#include "msgcapture/protocol/block_parts.h"

namespace msgcapture {

void JsonFormat::begin(const Sink& out) {
    peers_.clear();
    if (layout_ == Layout::Array) out("[");
}

void JsonFormat::add_file(const CaptureFile& file) { peers_.push_back(peer_label_json(file)); }

bool JsonFormat::write(const Entry& entry, OutputBuffer& out, MessageScratch& scratch) const {
    // The array puts each entry on a line of its own: "[\n{..},\n{..}\n]\n".
    if (layout_ == Layout::Array) out.append(entry.index == 0 ? "\n" : ",\n");
    JsonWriter w(out);
    const bool ok = write_entry(w, entry.record, entry.file->direction, scratch, peers_[entry.source],
                                annotate_ ? entry.file : nullptr);
    if (layout_ == Layout::Lines) out.push_back('\n');
    return ok;
}

namespace {

struct BlockEntryParts final : EntryParts {
    BlockParts block;
    size_t count() const override { return block.count(); }
};

}  // namespace

std::shared_ptr<const EntryParts> JsonFormat::split(const Entry& entry, size_t wanted) const {
    const RecordKind kind = record_kind(entry.record);
    // Not with an annotation: it lists every transaction's hashes, which no one part has.
    if (annotate_ || !kind.error.empty() || kind.type_index != message_index<MsgBlock> || wanted < 2) return nullptr;
    auto parts = std::make_shared<BlockEntryParts>();
    try {
        parts->block = BlockParts::find(entry.record.payload, wanted);
    } catch (const DecodeError&) {
        return nullptr;  // write() shows why
    }
    if (parts->count() < 2) return nullptr;
    return parts;
}

void JsonFormat::write_part(const Entry& entry, const EntryParts& parts, size_t part, OutputBuffer& out,
                            MessageScratch& scratch) const {
    const BlockParts& block = static_cast<const BlockEntryParts&>(parts).block;
    constexpr size_t BLOCK = message_index<MsgBlock>;
    block.decode(entry.record.payload, part, scratch.get<MsgBlock>().block);
    OutputBuffer elsewhere;  // the entry's start and end, when another part writes them
    const JsonWriter::Part range{part == 0, part + 1 == block.count(), &elsewhere};
    if (range.starts && layout_ == Layout::Array) out.append(entry.index == 0 ? "\n" : ",\n");
    JsonWriter w(out, range);
    write_decoded_entry(w, entry.record, entry.file->direction, scratch, BLOCK, peers_[entry.source]);
    if (range.ends && layout_ == Layout::Lines) out.push_back('\n');
}

void JsonFormat::end(uint64_t entries, const Sink& out) {
    if (layout_ == Layout::Array) out(entries > 0 ? "\n]\n" : "]\n");
}

}  // namespace msgcapture
