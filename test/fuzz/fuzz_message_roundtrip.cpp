// The first byte picks a message type, the rest is its payload. Whatever
// decodes must encode to bytes that decode to the same message; and a block
// decoded in parts (as large blocks are on several threads) must be refused
// exactly where decoding it whole is, and otherwise give the same transactions.
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "msgcapture/protocol/block_parts.h"
#include "msgcapture/protocol/message.h"

namespace {

void check_block_parts(msgcapture::ByteSpan payload, const std::optional<msgcapture::Message>& whole) {
    const size_t wanted = 2 + payload.size() % 5;
    msgcapture::BlockParts parts;
    try {
        parts = msgcapture::BlockParts::find(payload, wanted);
    } catch (const msgcapture::DecodeError&) {
        if (whole) std::abort();  // refused in parts, decoded whole
        return;
    }
    if (!whole) std::abort();  // decoded in parts, refused whole
    const msgcapture::Block& block = std::get<msgcapture::MsgBlock>(*whole).block;
    std::vector<msgcapture::Transaction> joined;
    msgcapture::Block part;
    for (size_t i = 0; i < parts.count(); ++i) {
        parts.decode(payload, i, part);
        if (!(part.header == block.header)) std::abort();
        joined.insert(joined.end(), part.vtx.begin(), part.vtx.end());
    }
    if (joined != block.vtx) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const size_t type = data[0] % msgcapture::KnownMessages::size;
    const msgcapture::ByteSpan payload(data + 1, size - 1);
    std::optional<msgcapture::Message> message;
    try {
        message = msgcapture::decode_message(type, payload);
    } catch (const msgcapture::DecodeError&) {
    }
    if (type == msgcapture::message_index<msgcapture::MsgBlock>) check_block_parts(payload, message);
    if (!message) return 0;
    const msgcapture::Bytes wire = msgcapture::encode_message(*message);
    if (msgcapture::decode_message(type, wire) != *message) std::abort();
    return 0;
}
