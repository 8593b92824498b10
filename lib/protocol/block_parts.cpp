#include "msgcapture/protocol/block_parts.h"

#include <algorithm>
#include <stdexcept>

#include "msgcapture/protocol/codec.h"

namespace msgcapture {
namespace {

constexpr size_t HEADER_SIZE = 80;

}  // namespace

BlockParts BlockParts::find(ByteSpan payload, size_t parts) {
    // Block::fields, read as decode_value reads them: the header, then the
    // transactions' count and each transaction (into one reused scratch).
    ByteReader r(payload);
    BlockHeader header;
    decode_value(r, header);
    BlockParts out;
    out.transactions = r.read_count(detail::min_wire_size<Transaction>(Wire::Default));
    parts = std::min(parts, out.transactions);
    out.starts.reserve(parts + 1);
    thread_local Transaction scratch;
    for (size_t i = 0; i < out.transactions; ++i) {
        if (parts > 0 && i == out.transactions * out.starts.size() / parts) out.starts.push_back(static_cast<uint32_t>(r.position()));
        Transaction::decode(r, scratch);
    }
    if (parts > 0) out.starts.push_back(static_cast<uint32_t>(r.position()));
    return out;
}

void BlockParts::decode(ByteSpan payload, size_t part, Block& block) const {
    if (part >= count() || starts.back() > payload.size()) throw std::logic_error("no such part of the block");
    ByteReader header(payload.first(HEADER_SIZE));
    decode_value(header, block.header);
    ByteReader r(payload.subspan(starts[part], starts[part + 1] - starts[part]));
    detail::resize_for_decoding(block.vtx, first_transaction(part + 1) - first_transaction(part));
    for (Transaction& tx : block.vtx) Transaction::decode(r, tx);
}

}  // namespace msgcapture
