#pragma once
// The last stage: how chosen records are written out. The pipeline calls a
// format's begin(), add_file() for each file before any of its entries (all
// of them at the start; while following captures, each new one as it
// appears), sequence() for each chosen entry in output order on the reading
// thread, then write() for each on any thread that formats, the reading
// thread among them (several at once), or for a large entry split() and
// write_part(), and puts what they made into the output in order; end()
// closes the output, after a read error too, so that what was read stays
// usable.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
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

// How a format writes one entry in parts (OutputFormat::split): its own
// subclass says what each part holds.
struct MSGCAPTURE_EXPORT EntryParts {
    virtual ~EntryParts() = default;
    virtual size_t count() const = 0;
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
    // An entry too big to be one thread's share may be written in parts, by
    // several threads at once. split() is called on the reading thread: it
    // returns how the entry is to be written in at most `wanted` parts, or
    // nullptr to have write() write it whole. Then write_part() writes each
    // part, on any thread (scratch as for write()); the parts in order are
    // the bytes write() would have made, and the entry has no error.
    virtual std::shared_ptr<const EntryParts> split(const Entry& entry, size_t wanted) const {
        (void)entry;
        (void)wanted;
        return nullptr;
    }
    virtual void write_part(const Entry& entry, const EntryParts& parts, size_t part, OutputBuffer& out,
                            MessageScratch& scratch) const {
        (void)entry, (void)parts, (void)part, (void)out, (void)scratch;
        throw std::logic_error("write_part() of a format whose split() makes no parts");
    }
    // After the last entry; `entries` were chosen in all.
    virtual void end(uint64_t entries, const Sink& out) {
        (void)entries;
        (void)out;
    }
};

}  // namespace msgcapture
