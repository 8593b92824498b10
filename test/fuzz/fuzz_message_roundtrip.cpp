// The first byte picks a message type, the rest is its payload. Whatever
// decodes must encode to bytes that decode to the same message.
#include <cstdint>
#include <cstdlib>

#include "msgcapture/protocol/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const size_t type = data[0] % msgcapture::KnownMessages::size;
    msgcapture::Message message;
    try {
        message = msgcapture::decode_message(type, msgcapture::ByteSpan(data + 1, size - 1));
    } catch (const msgcapture::DecodeError&) {
        return 0;
    }
    const msgcapture::Bytes wire = msgcapture::encode_message(message);
    if (msgcapture::decode_message(type, wire) != message) std::abort();
    return 0;
}
