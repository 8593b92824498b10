#pragma once
// The last stage: how chosen records are written out. The pipeline calls a
// format's begin(), add_file() for each file before any of its entries (all
// of them at the start; while following captures, each new one as it
// appears), sequence() for each chosen entry in output order on the reading
// thread, then write() for each on any thread that formats, the reading
// thread among them (several at once), and puts what write() made into the
// output in order; end() closes the output, after a read error too, so that
// what was read stays usable.
#include <array>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "msgcapture/export.h"
#include "msgcapture/format/capture_files.h"
#include "msgcapture/format/record.h"
#include "msgcapture/output_buffer.h"
#include "msgcapture/protocol/message.h"

namespace msgcapture {

// Where output goes, chunk by chunk, in order.
using Sink = std::function<void(std::string_view)>;

// One chosen record on its way out.
struct MSGCAPTURE_EXPORT Entry {
    Record record;                  // its payload is valid during write()
    const CaptureFile* file = nullptr;
    size_t source = 0;              // the file's index in the pipeline's files()
    uint64_t index = 0;             // position in the output: 0 for the first entry
    std::array<uint64_t, 2> notes{};  // a format's own, set by sequence() for write()
};

class MSGCAPTURE_EXPORT OutputFormat {
public:
    virtual ~OutputFormat() = default;

    // Before anything else.
    virtual void begin(const Sink& out) { (void)out; }
    // The file that entries with source `files so far` come from; it outlives
    // the run, and entries point to it. Called on the reading thread while no
    // write() runs, so a format may keep per-file state for write() to read.
    virtual void add_file(const CaptureFile& file) { (void)file; }
    // False for a format that only looks at headers (a summary): its entries
    // get no payload and no write().
    virtual bool writes_entries() const { return true; }
    // Each chosen entry, in output order, before it is written: the place for
    // state that depends on the order (a stream's position, a count).
    virtual void sequence(Entry& entry) { (void)entry; }
    // Appends the entry's output; called on several threads at once, so it
    // must only read the format's state. Returns false for an entry written
    // with an error (a payload that cannot be decoded).
    virtual bool write(const Entry& entry, OutputBuffer& out, MessageScratch& scratch) const = 0;
    // After the last entry; `entries` were chosen in all.
    virtual void end(uint64_t entries, const Sink& out) {
        (void)entries;
        (void)out;
    }
};

}  // namespace msgcapture
