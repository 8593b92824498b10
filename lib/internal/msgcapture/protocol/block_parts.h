#pragma once
// A block message decoded in parts, each part a range of its transactions, so
// that several threads can each decode and format one part of a large block
// from the payload's bytes. The reading thread finds where the parts start;
// each part is then decoded on the thread that formats it, since decoded
// transactions read on another core cost more than decoding them there.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "msgcapture/protocol/bytes.h"
#include "msgcapture/protocol/primitives.h"

namespace msgcapture {

struct BlockParts {
    size_t transactions = 0;       // in the whole block
    std::vector<uint32_t> starts;  // where each part's first transaction starts, then where the last one ends

    size_t count() const { return starts.empty() ? 0 : starts.size() - 1; }
    size_t first_transaction(size_t part) const { return transactions * part / count(); }

    // Decodes `payload` as a block message, exactly as decoding it whole does
    // (throwing DecodeError where that would), and splits its transactions
    // into up to `parts` parts of about as many each: fewer when there are
    // fewer transactions, none when there are none.
    static BlockParts find(ByteSpan payload, size_t parts);

    // Part `part` of that payload: the block's header, and of its
    // transactions only those of the part.
    void decode(ByteSpan payload, size_t part, Block& block) const;
};

}  // namespace msgcapture
