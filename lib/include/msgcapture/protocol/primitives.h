#pragma once
// Structures that messages are built from, with the field names of Bitcoin
// Core's functional test framework (test_framework/messages.py), which are the
// JSON keys of the capture parser's output.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "msgcapture/export.h"
#include "msgcapture/protocol/bytes.h"
#include "msgcapture/protocol/fields.h"
#include "msgcapture/protocol/uint256.h"

namespace msgcapture {

class ByteReader;
class ByteWriter;

struct OutPoint {
    Uint256 hash;
    uint32_t n = 0;
    bool operator==(const OutPoint&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("hash", m.hash);
        v("n", m.n);
    }
};

struct TxIn {
    OutPoint prevout;
    Bytes scriptSig;
    uint32_t nSequence = 0;
    bool operator==(const TxIn&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("prevout", m.prevout);
        v("scriptSig", m.scriptSig);
        v("nSequence", m.nSequence);
    }
};

struct TxOut {
    int64_t nValue = 0;
    Bytes scriptPubKey;
    bool operator==(const TxOut&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("nValue", m.nValue);
        v("scriptPubKey", m.scriptPubKey);
    }
};

struct ScriptWitness {
    std::vector<Bytes> stack;
    bool operator==(const ScriptWitness&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) { v("stack", m.stack); }
};

struct TxInWitness {
    ScriptWitness scriptWitness;
    bool operator==(const TxInWitness&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) { v("scriptWitness", m.scriptWitness); }
};

// One entry per input when the transaction carries witnesses (BIP144), else empty.
struct TxWitness {
    std::vector<TxInWitness> vtxinwit;
    bool operator==(const TxWitness&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) { v("vtxinwit", m.vtxinwit); }
};

// The field list serves the JSON view; the wire form has its own codec because
// BIP144 places the marker, flag and witnesses around the other fields.
struct Transaction {
    uint32_t version = 0;
    std::vector<TxIn> vin;
    std::vector<TxOut> vout;
    TxWitness wit;
    uint32_t nLockTime = 0;
    bool operator==(const Transaction&) const = default;

    // version, empty input and output counts, lock time
    static constexpr size_t MIN_WIRE_SIZE = 10;

    MSGCAPTURE_EXPORT bool has_witness() const;
    static void decode(ByteReader& r, Transaction& tx);
    // The BIP144 form when there are witnesses; without them when `with_witness` is false.
    void encode(ByteWriter& w, bool with_witness = true) const;
    // Both in wire order: the hash without witnesses, and with them (BIP141).
    MSGCAPTURE_EXPORT Uint256 txid() const;
    MSGCAPTURE_EXPORT Uint256 wtxid() const;

    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("version", m.version);
        v("vin", m.vin);
        v("vout", m.vout);
        v("wit", m.wit);
        v("nLockTime", m.nLockTime);
    }
};

struct BlockHeader {
    int32_t nVersion = 0;
    Uint256 hashPrevBlock;
    Uint256 hashMerkleRoot;
    uint32_t nTime = 0;
    uint32_t nBits = 0;
    uint32_t nNonce = 0;
    bool operator==(const BlockHeader&) const = default;

    // The block hash in wire order (double SHA-256 of the 80-byte header).
    MSGCAPTURE_EXPORT Uint256 hash() const;

    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("nVersion", m.nVersion);
        v("hashPrevBlock", m.hashPrevBlock);
        v("hashMerkleRoot", m.hashMerkleRoot);
        v("nTime", m.nTime);
        v("nBits", m.nBits);
        v("nNonce", m.nNonce);
    }
};

struct Block {
    BlockHeader header;
    std::vector<Transaction> vtx;
    bool operator==(const Block&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("header", m.header, Wire::Inline);
        v("vtx", m.vtx);
    }
};

// CInv: MSG_TX = 1, MSG_BLOCK = 2, MSG_FILTERED_BLOCK = 3, MSG_CMPCT_BLOCK = 4,
// MSG_WTX = 5, with bit 30 set for the witness form.
struct Inventory {
    uint32_t type = 0;
    Uint256 hash;
    bool operator==(const Inventory&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("type", m.type);
        v("hash", m.hash);
    }
};

struct BlockLocator {
    int32_t nVersion = 0;
    std::vector<Uint256> vHave;
    bool operator==(const BlockLocator&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("nVersion", m.nVersion);
        v("vHave", m.vHave);
    }
};

// A 16-byte address as the version message carries it (IPv4 as ::ffff:a.b.c.d).
struct NetAddress {
    uint64_t nServices = 0;
    std::array<uint8_t, 16> ip{};
    uint16_t port = 0;
    bool operator==(const NetAddress&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("nServices", m.nServices);
        v("ip", m.ip);
        v("port", m.port, Wire::BigEndian);
    }
};

// An entry of the v1 addr message: a NetAddress with the time it was last seen.
struct TimedNetAddress {
    uint32_t time = 0;
    NetAddress addr;
    bool operator==(const TimedNetAddress&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("time", m.time);
        v("addr", m.addr, Wire::Inline);
    }
};

// An entry of the addrv2 message (BIP155).
struct AddrV2Entry {
    uint32_t time = 0;
    uint64_t nServices = 0;
    uint8_t net = 0;
    Bytes addr;
    uint16_t port = 0;
    bool operator==(const AddrV2Entry&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("time", m.time);
        v("nServices", m.nServices, Wire::CompactSize);
        v("net", m.net);
        v("addr", m.addr);
        v("port", m.port, Wire::BigEndian);
    }
};
// BIP155: known networks have a fixed address length; any address is at most 512 bytes.
MSGCAPTURE_EXPORT void validate(const AddrV2Entry& entry);

// BIP37 partial merkle tree; vBits travel packed eight to a byte, low bit first.
struct PartialMerkleTree {
    uint32_t nTransactions = 0;
    std::vector<Uint256> vHash;
    std::vector<bool> vBits;
    bool operator==(const PartialMerkleTree&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("nTransactions", m.nTransactions);
        v("vHash", m.vHash);
        v("vBits", m.vBits);
    }
};

struct MerkleBlockData {
    BlockHeader header;
    PartialMerkleTree txn;
    bool operator==(const MerkleBlockData&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("header", m.header);
        v("txn", m.txn);
    }
};

// BIP152. `index` is the wire value: differentially encoded (the gap since the
// previous prefilled transaction), as Bitcoin Core's parser prints it.
struct PrefilledTransaction {
    uint64_t index = 0;
    Transaction tx;
    bool operator==(const PrefilledTransaction&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("index", m.index, Wire::CompactSize);
        v("tx", m.tx);
    }
};

struct HeaderAndShortIDs {
    BlockHeader header;
    uint64_t nonce = 0;
    std::vector<uint64_t> shortids;
    std::vector<PrefilledTransaction> prefilled_txn;
    bool operator==(const HeaderAndShortIDs&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("header", m.header);
        v("nonce", m.nonce);
        v("shortids", m.shortids, Wire::SixBytes);
        v("prefilled_txn", m.prefilled_txn);
    }
};
// BIP152: absolute indexes (and the transaction count) must fit in 16 bits.
MSGCAPTURE_EXPORT void validate(const HeaderAndShortIDs& cmpct);

// BIP152. `indexes` are the wire values, differentially encoded.
struct BlockTransactionsRequest {
    Uint256 blockhash;
    std::vector<uint64_t> indexes;
    bool operator==(const BlockTransactionsRequest&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("blockhash", m.blockhash);
        v("indexes", m.indexes, Wire::CompactSize);
    }
};
MSGCAPTURE_EXPORT void validate(const BlockTransactionsRequest& request);

struct BlockTransactions {
    Uint256 blockhash;
    std::vector<Transaction> transactions;
    bool operator==(const BlockTransactions&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("blockhash", m.blockhash);
        v("transactions", m.transactions);
    }
};

}  // namespace msgcapture
