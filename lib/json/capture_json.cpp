#include "msgcapture/json/capture_json.h"

#include <sys/stat.h>

#include "msgcapture/format/merge.h"
#include "msgcapture/json/entry_json.h"

namespace msgcapture {
namespace {

// Output is handed to the sink in chunks of about this size.
constexpr size_t FLUSH_AT = 1 << 20;

}  // namespace

CaptureJsonExporter::CaptureJsonExporter(const std::vector<CaptureFile>& files, WarningHandler warn)
    : files_(files), warn_(std::move(warn)) {
    readers_.reserve(files.size());
    for (const CaptureFile& f : files) {
        readers_.push_back(RecordReader::open(f.path, warn_));
        struct stat st {};
        if (::stat(f.path.c_str(), &st) == 0) total_bytes_ += static_cast<uint64_t>(st.st_size);
    }
}

JsonExportStats CaptureJsonExporter::run(const Sink& sink, const Progress& progress) {
    std::vector<Direction> directions;
    std::vector<std::string> peers;  // each file's "peer" label, made once
    for (const CaptureFile& f : files_) {
        directions.push_back(f.direction);
        peers.push_back(f.session ? peer_label_json(*f.session, f.session_name) : std::string());
    }
    RecordMerger merger(std::move(readers_), warn_);

    JsonExportStats stats;
    MessageScratch scratch;
    std::string out = "[";
    out.reserve(FLUSH_AT + 4096);
    auto report = [&] {
        if (!progress) return;
        uint64_t done = 0;
        for (const RecordReader& r : merger.readers()) done += r.file_bytes_read();
        progress(done, total_bytes_);
    };

    const Record* record = nullptr;
    size_t source = 0;
    try {
        while (merger.next(record, source)) {
            out += stats.entries == 0 ? "\n" : ",\n";
            JsonWriter w(out);
            if (!write_entry(w, *record, directions[source], scratch, peers[source])) ++stats.entries_with_error;
            ++stats.entries;
            if (out.size() >= FLUSH_AT) {
                sink(out);
                out.clear();
                report();
            }
        }
    } catch (const ReadError&) {
        sink(out + "\n]\n");
        throw;
    }
    out += stats.entries == 0 ? "]\n" : "\n]\n";
    sink(out);
    report();
    return stats;
}

}  // namespace msgcapture
