#include "msgcapture/protocol/stream.h"

#include "msgcapture/protocol/constants.h"

namespace msgcapture {

uint64_t ByteReader::read_compact_size() {
    uint8_t first = read_le<uint8_t>();
    uint64_t value;
    uint64_t smallest;  // values below this must use a shorter form
    if (first < 0xfd) return first;
    if (first == 0xfd) {
        value = read_le<uint16_t>();
        smallest = 0xfd;
    } else if (first == 0xfe) {
        value = read_le<uint32_t>();
        smallest = 0x10000;
    } else {
        value = read_le<uint64_t>();
        smallest = 0x100000000ULL;
    }
    if (value < smallest) throw DecodeError("non-canonical CompactSize");
    return value;
}

size_t ByteReader::read_count(size_t min_element_size) {
    uint64_t count = read_compact_size();
    if (count > MAX_SIZE) throw DecodeError("CompactSize count too large");
    if (count * min_element_size > remaining()) throw DecodeError("count overruns the payload");
    return static_cast<size_t>(count);
}

void ByteWriter::write_compact_size(uint64_t n) {
    if (n < 0xfd) {
        write_le<uint8_t>(static_cast<uint8_t>(n));
    } else if (n <= 0xffff) {
        write_le<uint8_t>(0xfd);
        write_le<uint16_t>(static_cast<uint16_t>(n));
    } else if (n <= 0xffffffff) {
        write_le<uint8_t>(0xfe);
        write_le<uint32_t>(static_cast<uint32_t>(n));
    } else {
        write_le<uint8_t>(0xff);
        write_le<uint64_t>(n);
    }
}

}  // namespace msgcapture
