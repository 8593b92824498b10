#include "msgcapture/pipeline/json_format.h"

#include "msgcapture/json/entry_json.h"
#include "msgcapture/json/json_writer.h"

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

void JsonFormat::end(uint64_t entries, const Sink& out) {
    if (layout_ == Layout::Array) out(entries > 0 ? "\n]\n" : "]\n");
}

}  // namespace msgcapture
