// Any bytes as a capture file: read every record and write its JSON entry.
// Every other payload is held by its keeper, as the parser's batches hold
// them, and must still read the same after the reader has gone on (into a
// shared pool's buffers) and closed.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "msgcapture/format/record_reader.h"
#include "msgcapture/json/entry_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    msgcapture::BufferPool pool;
    msgcapture::RecordReader reader(msgcapture::memory_byte_source({data, data + size}), "fuzz");
    reader.share_buffers(&pool);
    msgcapture::MessageScratch scratch;
    msgcapture::Record record;
    msgcapture::OutputBuffer out;
    struct Held {
        msgcapture::ByteSpan payload;
        std::vector<uint8_t> copy;
        std::shared_ptr<const void> keeper;
    };
    std::vector<Held> held;
    for (size_t n = 0; reader.next(record); ++n) {
        out.clear();
        msgcapture::JsonWriter w(out);
        msgcapture::write_entry(w, record, msgcapture::Direction::Received, scratch);
        if (n % 2 == 0) held.push_back({record.payload, {record.payload.begin(), record.payload.end()}, reader.payload_keeper()});
    }
    reader.release();
    for (const Held& h : held) {
        if (!std::equal(h.payload.begin(), h.payload.end(), h.copy.begin(), h.copy.end())) __builtin_trap();
    }
    return 0;
}
