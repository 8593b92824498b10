// Any bytes from a peer, fed to the v1 deserializer in random-sized pieces:
// it either yields messages or reports an error; it never crashes and never
// holds more than one maximum-size message.
#include <cstdint>
#include <vector>

#include "msgcapture/protocol/v1_framing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    msgcapture::V1Deserializer deserializer({0xfa, 0xbf, 0xb5, 0xda});
    std::vector<msgcapture::NetMessage> out;
    size_t pos = 0;
    while (pos < size) {
        const size_t chunk = 1 + data[pos] % 64;  // the input also picks how it is split
        const size_t take = std::min(chunk, size - pos);
        if (deserializer.feed(msgcapture::ByteSpan(data + pos, take), out)) break;
        pos += take;
    }
    for (const auto& m : out) {
        if (m.payload.size() > msgcapture::MAX_PROTOCOL_MESSAGE_LENGTH) __builtin_trap();
    }
    return 0;
}
