// The message codecs: real payloads from Bitcoin Core, hand-built messages of
// every type, the strictness rules, and hostile inputs.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "msgcapture/protocol/block_parts.h"
#include "msgcapture/protocol/codec.h"
#include "msgcapture/protocol/hash.h"
#include "msgcapture/protocol/message.h"
#include "sample_messages.h"
#include "test_support.h"

using namespace msgcapture;
using testsupport::read_records;

namespace {

Bytes hex(std::string_view h) {
    auto b = from_hex(h);
    EXPECT_TRUE(b.has_value()) << h;
    return b.value_or(Bytes{});
}

template <class M>
M decode_as(const Bytes& payload) {
    M m;
    decode_payload(payload, m);
    return m;
}

bool decodes(std::string_view type, const Bytes& payload) {
    try {
        decode_message(*find_message_type(type), payload);
        return true;
    } catch (const DecodeError&) {
        return false;
    }
}

// Every record of the Bitcoin Core capture, grouped by type.
std::map<std::string, std::vector<Bytes>> core_payloads_by_type() {
    std::map<std::string, std::vector<Bytes>> out;
    for (const auto& file : testsupport::core_regtest_files()) {
        for (auto& r : read_records(file)) out[r.msgtype].push_back(std::move(r.payload));
    }
    return out;
}

}  // namespace

TEST(KnownMessages, HasTheThirtyFiveTypesOfTheContract) {
    std::set<std::string_view> types(std::begin(KnownMessages::types), std::end(KnownMessages::types));
    EXPECT_EQ(types.size(), 35u);
    for (auto t : {"version", "verack", "addr", "addrv2", "sendaddrv2", "inv", "getdata", "notfound", "getblocks",
                   "getheaders", "headers", "block", "tx", "mempool", "ping", "pong", "feefilter", "sendheaders",
                   "sendcmpct", "cmpctblock", "getblocktxn", "blocktxn", "filterload", "filteradd", "filterclear",
                   "merkleblock", "getcfilters", "cfilter", "getcfheaders", "cfheaders", "getcfcheckpt", "cfcheckpt",
                   "wtxidrelay", "sendtxrcncl", "getaddr"}) {
        EXPECT_TRUE(find_message_type(t).has_value()) << t;
    }
    EXPECT_FALSE(find_message_type("futuremsg").has_value());
    EXPECT_FALSE(find_message_type("").has_value());
}

// Decoding then encoding what Bitcoin Core sent gives back its exact bytes,
// for every type in the capture (all 35).
TEST(CoreCapture, EveryPayloadReencodesToTheSameBytes) {
    auto payloads = core_payloads_by_type();
    std::set<std::string> seen;
    size_t checked = 0;
    for (const auto& [type, list] : payloads) {
        auto index = find_message_type(type);
        if (!index) continue;  // the scripted peer's unknown message
        for (const Bytes& p : list) {
            if (type == "ping" && p.size() == 3) continue;  // the deliberately short ping
            Message m = decode_message(*index, p);
            EXPECT_EQ(message_type(m), type);
            EXPECT_EQ(encode_message(m), p) << type;
            seen.insert(type);
            ++checked;
        }
    }
    EXPECT_EQ(seen.size(), 35u);
    EXPECT_GT(checked, 600u);
}

TEST(CoreCapture, EveryProperPrefixFailsToDecode) {
    for (const auto& [type, list] : core_payloads_by_type()) {
        if (!find_message_type(type) || type == "version") continue;  // version's relay byte is optional
        int samples = 0;
        for (const Bytes& p : list) {
            if (p.size() == 3 || ++samples > 3) continue;
            for (size_t len = 0; len < p.size(); ++len) {
                EXPECT_FALSE(decodes(type, Bytes(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(len))))
                    << type << " decoded from " << len << " of " << p.size() << " bytes";
            }
        }
    }
}

// Random corruption of real payloads: the decoder either decodes or throws
// DecodeError; it never crashes, hangs or throws anything else.
TEST(CoreCapture, CorruptedPayloadsDecodeOrFailCleanly) {
    std::mt19937 rng(12345);
    MessageScratch scratch;
    for (const auto& [type, list] : core_payloads_by_type()) {
        auto index = find_message_type(type);
        if (!index) continue;
        for (size_t n = 0; n < std::min<size_t>(list.size(), 4); ++n) {
            for (int round = 0; round < 300; ++round) {
                Bytes p = list[n];
                switch (round % 3) {
                    case 0:
                        if (!p.empty()) p[rng() % p.size()] = static_cast<uint8_t>(rng());
                        break;
                    case 1:
                        if (!p.empty()) p[rng() % p.size()] = 0xff;  // huge CompactSizes
                        break;
                    default:
                        p.resize(rng() % (p.size() + 1));
                        break;
                }
                try {
                    scratch.decode(*index, p);
                } catch (const DecodeError&) {
                }
            }
        }
    }
}

// Decoding into reused messages keeps small buffers but not a large one that
// the next message does not need, so memory follows the current message.
TEST(Scratch, ReusedScriptsDropBuffersFarLargerThanTheirContent) {
    Transaction big = testsupport::sample_legacy_tx();
    big.vin[0].scriptSig.assign(100'000, 0x51);
    Transaction small = testsupport::sample_legacy_tx();
    small.vin[0].scriptSig.assign(10, 0x51);
    const size_t tx = *find_message_type("tx");
    MessageScratch scratch;
    scratch.decode(tx, encode_payload(MsgTx{big}));
    EXPECT_EQ(scratch.get<MsgTx>().tx, big);
    scratch.decode(tx, encode_payload(MsgTx{small}));
    EXPECT_EQ(scratch.get<MsgTx>().tx, small);
    EXPECT_LE(scratch.get<MsgTx>().tx.vin[0].scriptSig.capacity(), 1024u);
}

class EveryMessageType : public ::testing::TestWithParam<size_t> {};

TEST_P(EveryMessageType, DecodeOfEncodeGivesTheSameMessage) {
    const Message original = testsupport::sample_messages().at(GetParam());
    const Bytes wire = encode_message(original);
    const auto index = find_message_type(message_type(original));
    ASSERT_TRUE(index);
    EXPECT_EQ(decode_message(*index, wire), original) << message_type(original);
    // Reusing a scratch object that held another message gives the same result.
    MessageScratch scratch;
    scratch.decode(*index, encode_message(testsupport::sample_messages().at(GetParam())));
    scratch.decode(*index, wire);
    Bytes again;
    scratch.visit(*index, [&](const auto& m) { again = encode_payload(m); });
    EXPECT_EQ(again, wire);
}

INSTANTIATE_TEST_SUITE_P(Samples, EveryMessageType,
                         ::testing::Range<size_t>(0, testsupport::sample_messages().size()));

TEST(SampleMessages, CoverEveryType) {
    std::set<std::string_view> types;
    for (const auto& m : testsupport::sample_messages()) types.insert(message_type(m));
    EXPECT_EQ(types.size(), KnownMessages::size);
}

// Fixed encodings, checked byte for byte.
TEST(Encoding, PingIsTheNonceLittleEndian) {
    EXPECT_EQ(encode_payload(MsgPing{0x0102030405060708ULL}), hex("0807060504030201"));
    EXPECT_EQ(decode_as<MsgPing>(hex("2a00000000000000")).nonce, 42u);
}

TEST(Encoding, CompactSizeForms) {
    for (auto [value, wire] : std::vector<std::pair<uint64_t, std::string>>{
             {0, "00"}, {252, "fc"}, {253, "fdfd00"}, {0xffff, "fdffff"}, {0x10000, "fe00000100"},
             {0xffffffff, "feffffffff"}, {0x100000000ULL, "ff0000000001000000"}}) {
        Bytes out;
        ByteWriter(out).write_compact_size(value);
        EXPECT_EQ(to_hex(out), wire);
        ByteReader r(out);
        EXPECT_EQ(r.read_compact_size(), value);
    }
}

TEST(Encoding, NonCanonicalCompactSizeIsRejected) {
    for (auto wire : {"fd0000", "fdfc00", "feffff0000", "ffffffffff00000000"}) {
        Bytes b = hex(wire);
        ByteReader r(b);
        EXPECT_THROW(r.read_compact_size(), DecodeError) << wire;
    }
}

TEST(Encoding, CountsAreCheckedAgainstTheBytesLeft) {
    // inv claiming 2 entries with one present; and a count of 2^32.
    EXPECT_FALSE(decodes("inv", hex("02" "01000000" + std::string(64, '0'))));
    EXPECT_FALSE(decodes("inv", hex("ff0000000001000000")));
    EXPECT_FALSE(decodes("headers", hex("fe00000100")));
    EXPECT_FALSE(decodes("filteradd", hex("05aabb")));
}

TEST(Encoding, PortIsBigEndianAndAddrV2ServicesACompactSize) {
    MsgAddrV2 m;
    m.addrs.push_back({0x01020304, 0xfd, 1, Bytes{1, 2, 3, 4}, 8333});
    EXPECT_EQ(to_hex(encode_payload(m)), "01" "04030201" "fdfd00" "01" "04" "01020304" "208d");
}

TEST(Encoding, ShortIdsAreSixBytes) {
    MsgCmpctBlock m;
    m.header_and_shortids.shortids = {0x0000060504030201ULL};
    Bytes wire = encode_payload(m);
    EXPECT_EQ(wire.size(), 80u + 8 + 1 + 6 + 1);
    EXPECT_EQ(to_hex(ByteSpan(wire).subspan(89, 6)), "010203040506");
}

TEST(Encoding, MerkleBitsArePackedLowBitFirst) {
    MsgMerkleBlock m;
    m.merkleblock.txn.vBits = {true, false, false, false, false, false, false, true, true};
    Bytes wire = encode_payload(m);
    EXPECT_EQ(to_hex(ByteSpan(wire).subspan(wire.size() - 3)), "028101");
    auto back = decode_as<MsgMerkleBlock>(wire);
    EXPECT_EQ(back.merkleblock.txn.vBits.size(), 16u);  // whole bytes, as on the wire
}

TEST(Encoding, HeadersCarryAZeroTxCountThatIsIgnoredOnInput) {
    MsgHeaders m;
    m.headers = {testsupport::sample_header()};
    Bytes wire = encode_payload(m);
    ASSERT_EQ(wire.size(), 1u + 80 + 1);
    EXPECT_EQ(wire.back(), 0);
    wire.back() = 5;  // the node ignores the count; so does the decoder
    EXPECT_EQ(decode_as<MsgHeaders>(wire), m);
}

// The genesis block: an independent check of header hashing and byte order.
TEST(Hashing, GenesisBlockHeaderAndCoinbase) {
    Transaction coinbase;
    coinbase.version = 1;
    TxIn in;
    in.prevout.n = 0xffffffff;
    in.scriptSig = hex(
        "04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f662073"
        "65636f6e64206261696c6f757420666f722062616e6b73");
    in.nSequence = 0xffffffff;
    coinbase.vin.push_back(in);
    coinbase.vout.push_back({5000000000, hex("4104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6"
                                             "bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac")});
    Bytes tx_wire = encode_payload(MsgTx{coinbase});
    Uint256 txid = sha256d(tx_wire);
    EXPECT_EQ(txid.display_hex(), "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");

    BlockHeader genesis;
    genesis.nVersion = 1;
    genesis.hashMerkleRoot = txid;
    genesis.nTime = 1231006505;
    genesis.nBits = 0x1d00ffff;
    genesis.nNonce = 2083236893;
    EXPECT_EQ(genesis.hash().display_hex(), "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
}

// BIP144 rules, as Bitcoin Core applies them.
TEST(Segwit, ExtendedFormRoundTripsAndLegacyStaysLegacy) {
    Bytes segwit = encode_payload(MsgTx{testsupport::sample_segwit_tx()});
    EXPECT_EQ(segwit[4], 0x00);  // marker
    EXPECT_EQ(segwit[5], 0x01);  // flag
    Bytes legacy = encode_payload(MsgTx{testsupport::sample_legacy_tx()});
    EXPECT_EQ(legacy[4], 0x01);  // input count
    EXPECT_TRUE(decode_as<MsgTx>(legacy).tx.wit.vtxinwit.empty());
}

TEST(Segwit, SuperfluousWitnessAndUnknownFlagsAreRejected) {
    // version, marker, flag=1, one input, one output, an empty witness, locktime
    std::string input = "01" + std::string(64, '1') + "00000000" "00" "ffffffff";
    std::string output = "01" "0000000000000000" "00";
    EXPECT_FALSE(decodes("tx", hex("02000000" "0001" + input + output + "00" "00000000")));
    EXPECT_TRUE(decodes("tx", hex("02000000" "0001" + input + output + "0101aa" "00000000")));
    EXPECT_FALSE(decodes("tx", hex("02000000" "0002" + input + output + "00000000")));
    // An empty input list followed by a zero byte is an empty output list.
    auto empty = decode_as<MsgTx>(hex("02000000" "00" "00" "00000000"));
    EXPECT_TRUE(empty.tx.vin.empty());
    EXPECT_TRUE(empty.tx.vout.empty());
}

// A large block is decoded in parts on several threads: the parts hold the
// block's transactions, each once and in order, and the block is refused
// where decoding it whole refuses it.
TEST(BlockParts, PartsHoldTheWholeBlocksTransactionsInOrder) {
    MsgBlock whole;
    whole.block.header = testsupport::sample_header();
    for (int i = 0; i < 7; ++i) whole.block.vtx.push_back(i % 3 ? testsupport::sample_segwit_tx() : testsupport::sample_legacy_tx());
    for (size_t i = 0; i < whole.block.vtx.size(); ++i) whole.block.vtx[i].nLockTime = static_cast<uint32_t>(i);
    const Bytes payload = encode_payload(whole);
    for (size_t wanted : {1u, 2u, 3u, 7u, 50u}) {
        const BlockParts parts = BlockParts::find(payload, wanted);
        ASSERT_EQ(parts.count(), std::min<size_t>(wanted, 7)) << wanted;
        std::vector<Transaction> joined;
        Block part;
        for (size_t i = 0; i < parts.count(); ++i) {
            parts.decode(payload, i, part);
            EXPECT_EQ(part.header, whole.block.header);
            EXPECT_EQ(part.vtx.size(), parts.first_transaction(i + 1) - parts.first_transaction(i));
            joined.insert(joined.end(), part.vtx.begin(), part.vtx.end());
        }
        EXPECT_EQ(joined, whole.block.vtx) << wanted << " parts";
    }
    EXPECT_EQ(BlockParts::find(encode_payload(MsgBlock{}), 4).count(), 0u);  // no transactions, no parts
}

TEST(BlockParts, RefusedWhereTheWholeBlockIsRefused) {
    MsgBlock block;
    block.block.header = testsupport::sample_header();
    block.block.vtx = {testsupport::sample_legacy_tx(), testsupport::sample_segwit_tx()};
    const Bytes payload = encode_payload(block);
    EXPECT_EQ(BlockParts::find(payload, 2).count(), 2u);
    for (size_t len = 0; len < payload.size(); ++len) {
        const Bytes prefix(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(len));
        EXPECT_FALSE(decodes("block", prefix));
        EXPECT_THROW(BlockParts::find(prefix, 2), DecodeError) << len << " bytes";
        EXPECT_THROW(BlockParts::find(prefix, 0), DecodeError) << len << " bytes, no parts";
    }
    // The second transaction replaced by one that flags a witness and has
    // none (an empty stack for its one input): only decoding it tells.
    Bytes bad = encode_payload(MsgTx{testsupport::sample_legacy_tx()});
    bad.insert(bad.begin() + 4, {0x00, 0x01});  // marker and flag, after the version
    bad.insert(bad.end() - 4, 0x00);            // the witness, before the lock time
    Bytes superfluous(payload.begin(), payload.end() - static_cast<std::ptrdiff_t>(encode_payload(MsgTx{block.block.vtx[1]}).size()));
    superfluous.insert(superfluous.end(), bad.begin(), bad.end());
    EXPECT_FALSE(decodes("block", superfluous));
    EXPECT_THROW(BlockParts::find(superfluous, 2), DecodeError);
}

TEST(CompactBlocks, DifferentialIndexesMustStayWithin16Bits) {
    MsgGetBlockTxn ok;
    ok.block_txn_request.indexes = {0, 65534};  // absolute 0 and 65535
    EXPECT_NO_THROW(decode_as<MsgGetBlockTxn>(encode_payload(ok)));
    MsgGetBlockTxn overflow;
    overflow.block_txn_request.indexes = {1, 65534};  // absolute 1 and 65536
    EXPECT_THROW(decode_as<MsgGetBlockTxn>(encode_payload(overflow)), DecodeError);
    MsgCmpctBlock cmpct;
    cmpct.header_and_shortids.prefilled_txn = {{70000, testsupport::sample_legacy_tx()}};
    EXPECT_THROW(decode_as<MsgCmpctBlock>(encode_payload(cmpct)), DecodeError);
}

TEST(AddrV2, AddressLengthMustMatchAKnownNetwork) {
    auto entry = [](uint8_t net, size_t len) {
        MsgAddrV2 m;
        m.addrs.push_back({0, 1, net, Bytes(len, 1), 8333});
        return encode_payload(m);
    };
    EXPECT_TRUE(decodes("addrv2", entry(1, 4)));
    EXPECT_FALSE(decodes("addrv2", entry(1, 16)));
    EXPECT_FALSE(decodes("addrv2", entry(2, 4)));
    EXPECT_FALSE(decodes("addrv2", entry(4, 31)));
    EXPECT_FALSE(decodes("addrv2", entry(5, 33)));
    EXPECT_FALSE(decodes("addrv2", entry(6, 15)));
    EXPECT_FALSE(decodes("addrv2", entry(3, 16)));
    EXPECT_TRUE(decodes("addrv2", entry(42, 12)));  // BIP155: unknown networks are skipped, not errors
    EXPECT_FALSE(decodes("addrv2", entry(42, 513)));
}

TEST(Version, RelayIsOptionalAndSubVerMustBeUtf8) {
    MsgVersion v = std::get<MsgVersion>(testsupport::sample_messages().at(0));
    Bytes wire = encode_payload(v);
    wire.pop_back();
    auto without_relay = decode_as<MsgVersion>(wire);
    EXPECT_FALSE(without_relay.relay.has_value());
    wire.pop_back();  // now the starting height is cut
    EXPECT_FALSE(decodes("version", wire));

    v.strSubVer = std::string("\xc3\x28", 2);
    EXPECT_FALSE(decodes("version", encode_payload(v)));
    v.strSubVer = std::string("\xe0\x80\xaf", 3);  // overlong
    EXPECT_FALSE(decodes("version", encode_payload(v)));
}

TEST(Decoding, TrailingBytesAreIgnoredAsTheNodeIgnoresThem) {
    EXPECT_EQ(decode_as<MsgPing>(hex("2a00000000000000ffff")).nonce, 42u);
    EXPECT_TRUE(decodes("verack", hex("00")));
}
