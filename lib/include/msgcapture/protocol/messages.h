#pragma once
// The 35 P2P messages of the capture contract, each declared once. The field
// names are the JSON keys; the order is the wire order.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "msgcapture/protocol/primitives.h"

namespace msgcapture {

// Messages with an empty payload.
template <const char* Name>
struct EmptyMessage {
    static constexpr std::string_view TYPE = Name;
    bool operator==(const EmptyMessage&) const = default;
    template <class V, class Self>
    static void fields(V&, Self&) {}
};

namespace names {
inline constexpr char verack[] = "verack";
inline constexpr char getaddr[] = "getaddr";
inline constexpr char mempool[] = "mempool";
inline constexpr char sendheaders[] = "sendheaders";
inline constexpr char wtxidrelay[] = "wtxidrelay";
inline constexpr char sendaddrv2[] = "sendaddrv2";
inline constexpr char filterclear[] = "filterclear";
}  // namespace names

using MsgVerack = EmptyMessage<names::verack>;
using MsgGetAddr = EmptyMessage<names::getaddr>;
using MsgMempool = EmptyMessage<names::mempool>;
using MsgSendHeaders = EmptyMessage<names::sendheaders>;
using MsgWtxidRelay = EmptyMessage<names::wtxidrelay>;    // BIP339
using MsgSendAddrV2 = EmptyMessage<names::sendaddrv2>;    // BIP155
using MsgFilterClear = EmptyMessage<names::filterclear>;  // BIP37

struct MsgVersion {
    static constexpr std::string_view TYPE = "version";
    int32_t nVersion = 0;
    uint64_t nServices = 0;
    int64_t nTime = 0;
    NetAddress addrTo;
    NetAddress addrFrom;
    uint64_t nNonce = 0;
    std::string strSubVer;
    int32_t nStartingHeight = 0;
    // BIP37: optional; a peer that omits it relays transactions. Absent stays
    // absent in the JSON rather than guessing a value.
    std::optional<bool> relay;
    bool operator==(const MsgVersion&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("nVersion", m.nVersion);
        v("nServices", m.nServices);
        v("nTime", m.nTime);
        v("addrTo", m.addrTo);
        v("addrFrom", m.addrFrom);
        v("nNonce", m.nNonce);
        v("strSubVer", m.strSubVer);
        v("nStartingHeight", m.nStartingHeight);
        v("relay", m.relay, Wire::IntFlag);
    }
};

struct MsgAddr {
    static constexpr std::string_view TYPE = "addr";
    std::vector<TimedNetAddress> addrs;
    bool operator==(const MsgAddr&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) { v("addrs", m.addrs); }
};

struct MsgAddrV2 {
    static constexpr std::string_view TYPE = "addrv2";
    std::vector<AddrV2Entry> addrs;
    bool operator==(const MsgAddrV2&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) { v("addrs", m.addrs); }
};

template <const char* Name>
struct InventoryMessage {
    static constexpr std::string_view TYPE = Name;
    std::vector<Inventory> inv;
    bool operator==(const InventoryMessage&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) { v("inv", m.inv); }
};
namespace names {
inline constexpr char inv[] = "inv";
inline constexpr char getdata[] = "getdata";
}  // namespace names
using MsgInv = InventoryMessage<names::inv>;
using MsgGetData = InventoryMessage<names::getdata>;

// Bitcoin Core's test framework names this one's list `vec`.
struct MsgNotFound {
    static constexpr std::string_view TYPE = "notfound";
    std::vector<Inventory> vec;
    bool operator==(const MsgNotFound&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) { v("vec", m.vec); }
};

template <const char* Name>
struct LocatorMessage {
    static constexpr std::string_view TYPE = Name;
    BlockLocator locator;
    Uint256 hashstop;
    bool operator==(const LocatorMessage&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("locator", m.locator);
        v("hashstop", m.hashstop);
    }
};
namespace names {
inline constexpr char getblocks[] = "getblocks";
inline constexpr char getheaders[] = "getheaders";
}  // namespace names
using MsgGetBlocks = LocatorMessage<names::getblocks>;
using MsgGetHeaders = LocatorMessage<names::getheaders>;

// Each header on the wire is followed by a transaction count, always 0, that
// the node ignores; so does the decoder.
struct MsgHeaders {
    static constexpr std::string_view TYPE = "headers";
    std::vector<BlockHeader> headers;
    bool operator==(const MsgHeaders&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) { v("headers", m.headers, Wire::WithTxCount); }
};

struct MsgBlock {
    static constexpr std::string_view TYPE = "block";
    Block block;
    bool operator==(const MsgBlock&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) { v("block", m.block); }
};

struct MsgTx {
    static constexpr std::string_view TYPE = "tx";
    Transaction tx;
    bool operator==(const MsgTx&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) { v("tx", m.tx); }
};

template <const char* Name>
struct NonceMessage {
    static constexpr std::string_view TYPE = Name;
    uint64_t nonce = 0;
    bool operator==(const NonceMessage&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) { v("nonce", m.nonce); }
};
namespace names {
inline constexpr char ping[] = "ping";
inline constexpr char pong[] = "pong";
}  // namespace names
using MsgPing = NonceMessage<names::ping>;
using MsgPong = NonceMessage<names::pong>;

// BIP133
struct MsgFeeFilter {
    static constexpr std::string_view TYPE = "feefilter";
    uint64_t feerate = 0;
    bool operator==(const MsgFeeFilter&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) { v("feerate", m.feerate); }
};

// BIP152
struct MsgSendCmpct {
    static constexpr std::string_view TYPE = "sendcmpct";
    bool announce = false;
    uint64_t version = 0;
    bool operator==(const MsgSendCmpct&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("announce", m.announce);
        v("version", m.version);
    }
};

struct MsgCmpctBlock {
    static constexpr std::string_view TYPE = "cmpctblock";
    HeaderAndShortIDs header_and_shortids;
    bool operator==(const MsgCmpctBlock&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) { v("header_and_shortids", m.header_and_shortids); }
};

struct MsgGetBlockTxn {
    static constexpr std::string_view TYPE = "getblocktxn";
    BlockTransactionsRequest block_txn_request;
    bool operator==(const MsgGetBlockTxn&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) { v("block_txn_request", m.block_txn_request); }
};

struct MsgBlockTxn {
    static constexpr std::string_view TYPE = "blocktxn";
    BlockTransactions block_transactions;
    bool operator==(const MsgBlockTxn&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) { v("block_transactions", m.block_transactions); }
};

// BIP37
struct MsgFilterLoad {
    static constexpr std::string_view TYPE = "filterload";
    Bytes data;
    uint32_t nHashFuncs = 0;
    uint32_t nTweak = 0;
    uint8_t nFlags = 0;
    bool operator==(const MsgFilterLoad&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("data", m.data);
        v("nHashFuncs", m.nHashFuncs);
        v("nTweak", m.nTweak);
        v("nFlags", m.nFlags);
    }
};

struct MsgFilterAdd {
    static constexpr std::string_view TYPE = "filteradd";
    Bytes data;
    bool operator==(const MsgFilterAdd&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) { v("data", m.data); }
};

struct MsgMerkleBlock {
    static constexpr std::string_view TYPE = "merkleblock";
    MerkleBlockData merkleblock;
    bool operator==(const MsgMerkleBlock&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) { v("merkleblock", m.merkleblock); }
};

// BIP157
template <const char* Name>
struct FilterRangeRequest {
    static constexpr std::string_view TYPE = Name;
    uint8_t filter_type = 0;
    uint32_t start_height = 0;
    Uint256 stop_hash;
    bool operator==(const FilterRangeRequest&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("filter_type", m.filter_type);
        v("start_height", m.start_height);
        v("stop_hash", m.stop_hash);
    }
};
namespace names {
inline constexpr char getcfilters[] = "getcfilters";
inline constexpr char getcfheaders[] = "getcfheaders";
}  // namespace names
using MsgGetCFilters = FilterRangeRequest<names::getcfilters>;
using MsgGetCFHeaders = FilterRangeRequest<names::getcfheaders>;

struct MsgCFilter {
    static constexpr std::string_view TYPE = "cfilter";
    uint8_t filter_type = 0;
    Uint256 block_hash;
    Bytes filter_data;
    bool operator==(const MsgCFilter&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("filter_type", m.filter_type);
        v("block_hash", m.block_hash);
        v("filter_data", m.filter_data);
    }
};

struct MsgCFHeaders {
    static constexpr std::string_view TYPE = "cfheaders";
    uint8_t filter_type = 0;
    Uint256 stop_hash;
    Uint256 prev_header;
    std::vector<Uint256> hashes;
    bool operator==(const MsgCFHeaders&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("filter_type", m.filter_type);
        v("stop_hash", m.stop_hash);
        v("prev_header", m.prev_header);
        v("hashes", m.hashes);
    }
};

struct MsgGetCFCheckpt {
    static constexpr std::string_view TYPE = "getcfcheckpt";
    uint8_t filter_type = 0;
    Uint256 stop_hash;
    bool operator==(const MsgGetCFCheckpt&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("filter_type", m.filter_type);
        v("stop_hash", m.stop_hash);
    }
};

struct MsgCFCheckpt {
    static constexpr std::string_view TYPE = "cfcheckpt";
    uint8_t filter_type = 0;
    Uint256 stop_hash;
    std::vector<Uint256> headers;
    bool operator==(const MsgCFCheckpt&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("filter_type", m.filter_type);
        v("stop_hash", m.stop_hash);
        v("headers", m.headers);
    }
};

// Erlay (BIP330) negotiation.
struct MsgSendTxRcncl {
    static constexpr std::string_view TYPE = "sendtxrcncl";
    uint32_t version = 0;
    uint64_t salt = 0;
    bool operator==(const MsgSendTxRcncl&) const = default;
    template <class V, class Self>
    static void fields(V& v, Self& m) {
        v("version", m.version);
        v("salt", m.salt);
    }
};

}  // namespace msgcapture
