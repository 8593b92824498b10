// The JSON view: the writer, entries and their errors, and the fixes the
// contract makes over Bitcoin Core's parser.
#include <gtest/gtest.h>

#include <cstdio>

#include <nlohmann/json.hpp>

#include "msgcapture/json/entry_json.h"
#include "msgcapture/json/message_json.h"
#include "msgcapture/pipeline/json_format.h"
#include "msgcapture/protocol/address_text.h"
#include "msgcapture/protocol/codec.h"
#include "sample_messages.h"

using namespace msgcapture;
using nlohmann::json;

namespace {

template <class M>
json body_json(const M& m) {
    OutputBuffer out;
    JsonWriter w(out);
    write_message_body(w, m);
    return json::parse(out.view());
}

json entry_json(std::string_view type, const Bytes& payload, RecordStatus status = RecordStatus::Complete,
                uint32_t declared = 0) {
    Record r;
    r.header.time_us = 1795313274322264;
    std::copy_n(type.begin(), std::min<size_t>(type.size(), 12), r.header.msgtype.begin());
    r.header.length = declared ? declared : static_cast<uint32_t>(payload.size());
    r.payload = payload;
    r.status = status;
    OutputBuffer out;
    JsonWriter w(out);
    MessageScratch scratch;
    write_entry(w, r, Direction::Received, scratch);
    return json::parse(out.view());
}

Record record_of(std::string_view type, const Bytes& payload) {
    Record r;
    r.header.time_us = 1795313274322264;
    std::copy_n(type.begin(), std::min<size_t>(type.size(), 12), r.header.msgtype.begin());
    r.header.length = static_cast<uint32_t>(payload.size());
    r.payload = payload;
    return r;
}

MsgBlock block_of(size_t transactions) {
    MsgBlock block;
    block.block.header = testsupport::sample_header();
    for (size_t i = 0; i < transactions; ++i) {
        block.block.vtx.push_back(i % 2 ? testsupport::sample_segwit_tx() : testsupport::sample_legacy_tx());
    }
    return block;
}

Bytes base32_decode(std::string_view s) {
    Bytes out;
    uint32_t buffer = 0;
    int bits = 0;
    for (char c : s) {
        int v = c >= 'a' && c <= 'z' ? c - 'a' : c - '2' + 26;
        buffer = (buffer << 5) | static_cast<uint32_t>(v);
        bits += 5;
        if (bits >= 8) {
            out.push_back(static_cast<uint8_t>(buffer >> (bits - 8)));
            bits -= 8;
        }
    }
    return out;
}

}  // namespace

TEST(JsonWriter, EscapesStringsAndWritesExactIntegers) {
    OutputBuffer out;
    JsonWriter w(out);
    w.begin_object();
    w.key("s");
    w.string("quote\" backslash\\ newline\n tab\t nul" + std::string(1, '\0') + " é");
    w.key("max");
    w.number(uint64_t{18446744073709551615ULL});
    w.key("min");
    w.number(int64_t{INT64_MIN});
    w.key("list");
    w.begin_array();
    w.boolean(true);
    w.null();
    w.hex(Bytes{0x00, 0xab});
    w.end_array();
    w.end_object();
    EXPECT_EQ(out.view(), "{\"s\": \"quote\\\" backslash\\\\ newline\\u000a tab\\u0009 nul\\u0000 é\", \"max\": 18446744073709551615, "
                   "\"min\": -9223372036854775808, \"list\": [true, null, \"00ab\"]}");
}

TEST(JsonWriter, ControlCharactersUseUnicodeEscapes) {
    OutputBuffer out;
    JsonWriter w(out);
    w.string("\n\x1f");
    EXPECT_EQ(out.view(), "\"\\u000a\\u001f\"");
    EXPECT_EQ(json::parse(out.view()).get<std::string>(), "\n\x1f");
}

// The hex writer takes 16 bytes at a time where it can: every length around
// that step and every byte value must match a byte-at-a-time reference.
TEST(JsonWriter, HexMatchesAByteAtATimeReference) {
    Bytes all(256);
    for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<uint8_t>(i * 167 + 13);
    for (size_t length = 0; length <= all.size(); ++length) {
        ByteSpan bytes(all.data(), length);
        std::string forward = "\"";
        std::string backward = "\"";
        char pair[3];
        for (size_t i = 0; i < length; ++i) {
            std::snprintf(pair, sizeof pair, "%02x", bytes[i]);
            forward += pair;
            std::snprintf(pair, sizeof pair, "%02x", bytes[length - 1 - i]);
            backward += pair;
        }
        OutputBuffer out;
        JsonWriter w(out);
        w.hex(bytes);
        EXPECT_EQ(out.view(), forward + "\"") << length;
        out.clear();
        JsonWriter w2(out);
        w2.reversed_hex(bytes);
        EXPECT_EQ(out.view(), backward + "\"") << length;
    }
}

// Integers around every power of ten and the 32-bit boundary, where the
// writer's digit loop changes step, match std::to_string.
TEST(JsonWriter, IntegersMatchToString) {
    std::vector<uint64_t> values = {0, UINT32_MAX, uint64_t{UINT32_MAX} + 1, 10000000000000000000ULL, UINT64_MAX};
    for (uint64_t p = 1; p <= UINT64_MAX / 10; p *= 10) {
        for (uint64_t v : {p - 1, p, p + 1, 10 * p - 1}) values.push_back(v);
    }
    for (uint64_t v : values) {
        OutputBuffer out;
        JsonWriter w(out);
        w.number(v);
        EXPECT_EQ(out.view(), std::to_string(v));
        if (v <= static_cast<uint64_t>(INT64_MAX)) {
            for (int64_t sv : {static_cast<int64_t>(v), -static_cast<int64_t>(v)}) {
                out.clear();
                JsonWriter ws(out);
                ws.number(sv);
                EXPECT_EQ(out.view(), std::to_string(sv));
            }
        }
    }
}

TEST(OutputBuffer, GrowsPastItsCapacityKeepingTheText) {
    OutputBuffer out;
    std::string expected;
    for (int i = 0; i < 10000; ++i) {
        std::string piece = std::to_string(i) + ",";
        out.append(piece);
        expected += piece;
    }
    out.append("");
    EXPECT_EQ(out.view(), expected);
    OutputBuffer moved = std::move(out);
    EXPECT_EQ(moved.view(), expected);
    EXPECT_TRUE(out.empty());
}

TEST(Entry, DecodedMessageHasABodyOnlyWhenThePayloadIsNotEmpty) {
    json ping = entry_json("ping", Bytes{42, 0, 0, 0, 0, 0, 0, 0});
    EXPECT_EQ(ping, json::parse(R"({"direction": "recv", "time": 1795313274322264, "size": 8, "msgtype": "ping",
                                     "body": {"nonce": 42}})"));
    json verack = entry_json("verack", {});
    EXPECT_FALSE(verack.contains("body"));
    EXPECT_FALSE(verack.contains("error"));
}

TEST(Entry, ErrorsCarryThePayloadInHex) {
    json short_ping = entry_json("ping", Bytes{1, 2, 3});
    EXPECT_EQ(short_ping["error"], "Unable to deserialize message.");
    EXPECT_EQ(short_ping["body"], "010203");

    json unknown = entry_json("futuremsg", Bytes{1, 2, 3});
    EXPECT_EQ(unknown["msgtype"], "futuremsg");
    EXPECT_EQ(unknown["error"], "Unrecognized message type.");

    json unreadable = entry_json("\x01\xff", Bytes{});
    EXPECT_EQ(unreadable["msgtype"], "UNREADABLE");
    EXPECT_EQ(unreadable["body"], "");

    json torn = entry_json("pong", Bytes{42, 0, 0, 0}, RecordStatus::Truncated, 8);
    EXPECT_EQ(torn["size"], 8);
    EXPECT_EQ(torn["error"], "Truncated record.");
    EXPECT_EQ(torn["body"], "2a000000");

    json oversized = entry_json("block", Bytes{}, RecordStatus::Oversized, 5000000);
    EXPECT_EQ(oversized["error"], "Oversized record.");
    EXPECT_EQ(oversized["body"], "");
}

TEST(Entry, QuotesInAnUnknownTypeAreEscaped) {
    json e = entry_json("a\"b\\c", Bytes{});
    EXPECT_EQ(e["msgtype"], "a\"b\\c");
}

TEST(Body, HashesAreWireOrderAndHeadersGetHashAndSha256) {
    MsgHeaders m;
    m.headers = {testsupport::sample_header()};
    json j = body_json(m);
    const json& h = j["headers"][0];
    EXPECT_EQ(h["hashPrevBlock"], testsupport::filled_hash(4).wire_hex());
    EXPECT_EQ(h["sha256"], m.headers[0].hash().wire_hex());
    EXPECT_EQ(h["hash"], m.headers[0].hash().display_hex());
    EXPECT_EQ(h["nBits"], 0x207fffff);
}

TEST(Body, BlockCarriesItsHeaderFieldsInline) {
    MsgBlock m;
    m.block.header = testsupport::sample_header();
    m.block.vtx = {testsupport::sample_segwit_tx()};
    json j = body_json(m)["block"];
    EXPECT_EQ(j["nNonce"], 42);
    EXPECT_EQ(j["hash"], m.block.header.hash().display_hex());
    EXPECT_FALSE(j.contains("header"));
    const json& tx = j["vtx"][0];
    EXPECT_EQ(tx["wit"]["vtxinwit"].size(), 2u);
    EXPECT_EQ(tx["wit"]["vtxinwit"][0]["scriptWitness"]["stack"][1], "");
    EXPECT_EQ(tx["vout"][0]["nValue"], 12345);
}

// With several threads, a large block is written in parts, each on the
// thread that decodes it (JsonFormat::split): the parts together are the
// bytes of the entry written whole, in either layout, first in the array or
// not, with the peer's label after the transactions.
TEST(JsonFormat, ABlockWrittenInPartsIsTheBlockWrittenWhole) {
    const Bytes payload = encode_message(block_of(5));
    const CaptureFile file{"p/msgs_recv.dat", Direction::Received, std::nullopt, "", "127.0.0.1:8333"};
    Entry entry{record_of("block", payload), &file, 0, 0, {}};
    for (JsonFormat::Layout layout : {JsonFormat::Layout::Array, JsonFormat::Layout::Lines}) {
        JsonFormat format(layout);
        format.add_file(file);
        for (uint64_t index : {0u, 3u}) {
            entry.index = index;
            OutputBuffer whole;
            MessageScratch scratch;
            ASSERT_TRUE(format.write(entry, whole, scratch));
            ASSERT_NE(whole.view().find("\"peer\": {\"address\": \"127.0.0.1:8333\"}"), std::string_view::npos);
            for (size_t wanted : {2u, 3u, 5u, 9u}) {
                const auto parts = format.split(entry, wanted);
                ASSERT_TRUE(parts);
                EXPECT_EQ(parts->count(), std::min<size_t>(wanted, 5));
                std::string joined;
                for (size_t i = 0; i < parts->count(); ++i) {
                    OutputBuffer part;  // each part is a batch of its own
                    format.write_part(entry, *parts, i, part, scratch);
                    joined += part.view();
                }
                EXPECT_EQ(joined, whole.view()) << wanted << " parts, entry " << index;
            }
        }
    }
}

// What is not split is written whole by write(), with its error if it has one.
TEST(JsonFormat, OnlyABlockThatDecodesIsSplit) {
    const CaptureFile file{"p/msgs_recv.dat", Direction::Received, std::nullopt, "", ""};
    const Bytes block = encode_message(block_of(4));
    const Bytes one = encode_message(block_of(1));
    const Bytes torn(block.begin(), block.end() - 1);
    const Bytes tx = encode_message(MsgTx{testsupport::sample_segwit_tx()});
    JsonFormat format;
    format.add_file(file);
    auto split = [&](std::string_view type, const Bytes& payload, size_t wanted, const JsonFormat& f) {
        return f.split(Entry{record_of(type, payload), &file, 0, 0, {}}, wanted) != nullptr;
    };
    EXPECT_TRUE(split("block", block, 2, format));
    EXPECT_FALSE(split("block", block, 1, format));
    EXPECT_FALSE(split("block", one, 2, format));
    EXPECT_FALSE(split("block", torn, 2, format));
    EXPECT_FALSE(split("tx", tx, 2, format));
    JsonFormat annotated(JsonFormat::Layout::Array, true);  // its hashes list every transaction
    annotated.add_file(file);
    EXPECT_FALSE(split("block", block, 2, annotated));
}

TEST(Body, VersionRelayIsAnIntegerAndLeftOutWhenAbsent) {
    auto v = std::get<MsgVersion>(testsupport::sample_messages().at(0));
    json with = body_json(v);
    EXPECT_EQ(with["relay"], 1);
    EXPECT_EQ(with["strSubVer"], "/msgcapture:0.1.0/ ünïcode");
    EXPECT_EQ(with["addrTo"], json::parse(R"({"net": 1, "ip": "127.0.0.1", "nServices": 1033, "port": 18444, "time": 0})"));
    EXPECT_EQ(with["nTime"], -5);
    v.relay.reset();
    EXPECT_FALSE(body_json(v).contains("relay"));
}

TEST(Body, GetHeadersShowsTheLocatorVersion) {
    MsgGetHeaders m;
    m.locator.nVersion = 70016;
    EXPECT_EQ(body_json(m)["locator"]["nVersion"], 70016);
}

TEST(Body, FilterAddShowsItsData) {
    EXPECT_EQ(body_json(MsgFilterAdd{Bytes{0xde, 0xad}}), json::parse(R"({"data": "dead"})"));
}

TEST(Body, CompactBlockListsLengthsAndRawIndexes) {
    auto m = std::get<MsgCmpctBlock>(testsupport::sample_messages().at(21));
    json j = body_json(m)["header_and_shortids"];
    EXPECT_EQ(j["shortids"], json::parse("[281474976710655, 1, 78187493530]"));
    EXPECT_EQ(j["shortids_length"], 3);
    EXPECT_EQ(j["prefilled_txn_length"], 2);
    EXPECT_EQ(j["prefilled_txn"][1]["index"], 2);
    EXPECT_EQ(j["nonce"], 99);
}

TEST(Body, SendCmpctAnnounceIsABoolean) {
    EXPECT_EQ(body_json(MsgSendCmpct{true, 2}), json::parse(R"({"announce": true, "version": 2})"));
}

TEST(Addresses, V1AddressesThatAreNotIpv4MappedAreIpv6) {
    std::array<uint8_t, 16> ip{0x20, 0x01, 0x0d, 0xb8};
    ip[15] = 1;
    auto text = format_v1_address(ip);
    EXPECT_EQ(text.net, 2);
    EXPECT_EQ(text.text, "2001:db8::1");
    std::array<uint8_t, 16> mapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4};
    EXPECT_EQ(format_v1_address(mapped).text, "1.2.3.4");
    EXPECT_EQ(format_v1_address(mapped).net, 1);
    std::array<uint8_t, 16> zero{};
    EXPECT_EQ(format_v1_address(zero).text, "0.0.0.0");
}

TEST(Addresses, AddrV2TextForEveryNetwork) {
    EXPECT_EQ(format_bip155_address(1, Bytes{192, 168, 0, 1}), "192.168.0.1");
    Bytes cjdns(16, 0);
    cjdns[0] = 0xfc;
    cjdns[15] = 1;
    EXPECT_EQ(format_bip155_address(6, cjdns), "fc00::1");
    EXPECT_EQ(format_bip155_address(5, Bytes(32, 0)), std::string(52, 'a') + ".b32.i2p");
    EXPECT_EQ(format_bip155_address(3, Bytes(10, 0)), std::string(16, 'a') + ".onion");
    EXPECT_EQ(format_bip155_address(99, Bytes{0xab, 0xcd}), "abcd");
}

// A published Tor v3 name: its last three bytes are the checksum and version
// that the formatter must compute from the key alone.
TEST(Addresses, TorV3NameCarriesItsChecksum) {
    const std::string name = "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad";
    Bytes decoded = base32_decode(name);
    ASSERT_EQ(decoded.size(), 35u);
    Bytes key(decoded.begin(), decoded.begin() + 32);
    EXPECT_EQ(format_bip155_address(4, key), name + ".onion");
}
