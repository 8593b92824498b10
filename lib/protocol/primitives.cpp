#include "msgcapture/protocol/primitives.h"

#include <algorithm>
#include <limits>
#include <string>

#include "msgcapture/protocol/codec.h"
#include "msgcapture/protocol/constants.h"
#include "msgcapture/protocol/hash.h"

namespace msgcapture {

bool Transaction::has_witness() const {
    return std::any_of(wit.vtxinwit.begin(), wit.vtxinwit.end(),
                       [](const TxInWitness& w) { return !w.scriptWitness.stack.empty(); });
}

// BIP144: after the version, an empty input list followed by a non-zero flag
// byte marks the extended form; flag bit 0 says witnesses follow the outputs.
// The rules for what is invalid are Bitcoin Core's.
void Transaction::decode(ByteReader& r, Transaction& tx) {
    tx.version = r.read_le<uint32_t>();
    uint8_t flags = 0;
    // A zero byte is an empty input list or BIP144's marker; peeking rather
    // than decoding an empty list keeps the inputs' memory for reuse.
    if (r.peek_byte() == 0) {
        r.read_le<uint8_t>();
        flags = r.read_le<uint8_t>();
        if (flags != 0) {
            decode_value(r, tx.vin);
            decode_value(r, tx.vout);
        } else {
            detail::resize_for_decoding(tx.vin, 0);
            detail::resize_for_decoding(tx.vout, 0);  // that byte was an empty output list
        }
    } else {
        decode_value(r, tx.vin);
        decode_value(r, tx.vout);
    }
    if (flags & 1) {
        flags ^= 1;
        detail::resize_for_decoding(tx.wit.vtxinwit, tx.vin.size());
        for (auto& w : tx.wit.vtxinwit) decode_value(r, w.scriptWitness.stack);
        if (!tx.has_witness()) throw DecodeError("superfluous witness record");
    } else {
        detail::resize_for_decoding(tx.wit.vtxinwit, 0);
    }
    if (flags != 0) throw DecodeError("unknown transaction optional data");
    tx.nLockTime = r.read_le<uint32_t>();
}

void Transaction::encode(ByteWriter& w, bool with_witness) const {
    const bool extended = with_witness && has_witness();
    w.write_le(version);
    if (extended) {
        w.write_le<uint8_t>(0);  // marker
        w.write_le<uint8_t>(1);  // flag
    }
    encode_value(w, vin);
    encode_value(w, vout);
    if (extended) {
        for (size_t i = 0; i < vin.size(); ++i) {
            static const std::vector<Bytes> empty;
            encode_value(w, i < wit.vtxinwit.size() ? wit.vtxinwit[i].scriptWitness.stack : empty);
        }
    }
    w.write_le(nLockTime);
}

namespace {

Uint256 transaction_hash(const Transaction& tx, bool with_witness) {
    thread_local Bytes raw;  // one per thread: a block hashes thousands
    raw.clear();
    ByteWriter w(raw);
    tx.encode(w, with_witness);
    return sha256d(raw);
}

}  // namespace

Uint256 Transaction::txid() const { return transaction_hash(*this, false); }
Uint256 Transaction::wtxid() const { return transaction_hash(*this, true); }

Uint256 BlockHeader::hash() const {
    // One buffer per thread: a headers message hashes up to 2,000 of these.
    thread_local Bytes raw;
    raw.clear();
    ByteWriter w(raw);
    encode_value(w, *this);
    return sha256d(raw);
}

void validate(const AddrV2Entry& entry) {
    if (entry.addr.size() > MAX_ADDRV2_SIZE) throw DecodeError("addrv2 address too long");
    size_t expected = 0;
    switch (static_cast<Bip155Network>(entry.net)) {
        case Bip155Network::IPV4: expected = 4; break;
        case Bip155Network::IPV6: expected = 16; break;
        case Bip155Network::TORV2: expected = 10; break;
        case Bip155Network::TORV3: expected = 32; break;
        case Bip155Network::I2P: expected = 32; break;
        case Bip155Network::CJDNS: expected = 16; break;
        default: return;  // BIP155: unknown networks are skipped, not rejected
    }
    if (entry.addr.size() != expected) throw DecodeError("addrv2 address length does not match its network");
}

namespace {

// BIP152 differential indexes: each wire value is the gap after the previous
// index; the absolute index must stay within 16 bits.
void check_differential_indexes(const std::vector<uint64_t>& gaps) {
    uint64_t next = 0;  // smallest absolute index the next entry may have
    for (uint64_t gap : gaps) {
        if (gap > std::numeric_limits<uint16_t>::max()) throw DecodeError("index overflowed 16 bits");
        uint64_t absolute = next + gap;
        if (absolute > std::numeric_limits<uint16_t>::max()) throw DecodeError("indexes overflowed 16 bits");
        next = absolute + 1;
    }
}

}  // namespace

void validate(const HeaderAndShortIDs& cmpct) {
    std::vector<uint64_t> gaps;
    gaps.reserve(cmpct.prefilled_txn.size());
    for (const auto& p : cmpct.prefilled_txn) gaps.push_back(p.index);
    check_differential_indexes(gaps);
    if (cmpct.shortids.size() + cmpct.prefilled_txn.size() > std::numeric_limits<uint16_t>::max()) {
        throw DecodeError("compact block has too many transactions");
    }
}

void validate(const BlockTransactionsRequest& request) { check_differential_indexes(request.indexes); }

}  // namespace msgcapture
