// Any bytes as a capture file: read every record and write its JSON entry.
#include <cstdint>
#include <string>

#include "msgcapture/format/record_reader.h"
#include "msgcapture/json/entry_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    msgcapture::RecordReader reader(msgcapture::memory_byte_source({data, data + size}), "fuzz");
    msgcapture::MessageScratch scratch;
    msgcapture::Record record;
    msgcapture::OutputBuffer out;
    while (reader.next(record)) {
        out.clear();
        msgcapture::JsonWriter w(out);
        msgcapture::write_entry(w, record, msgcapture::Direction::Received, scratch);
    }
    return 0;
}
