// v1 framing: messages split anywhere arrive whole; bad magic, bad checksums,
// oversized lengths and malformed commands end the stream.
#include <gtest/gtest.h>

#include "msgcapture/protocol/codec.h"
#include "msgcapture/protocol/messages.h"
#include "msgcapture/protocol/v1_framing.h"

using namespace msgcapture;
using msgcapture::Bytes;

namespace {
const std::array<uint8_t, 4> REGTEST = {0xfa, 0xbf, 0xb5, 0xda};
}

TEST(V1Transport, FramesAsTheProtocolDefines) {
    Bytes frame = frame_message(REGTEST, "verack", {});
    // magic, "verack" padded to 12, length 0, checksum of nothing (5df6e0e2)
    EXPECT_EQ(msgcapture::to_hex(frame), "fabfb5da76657261636b000000000000000000005df6e0e2");
}

TEST(V1Transport, MessagesSplitAtEveryByteArriveWhole) {
    Bytes stream;
    for (uint64_t nonce : {1ull, 2ull, 3ull}) {
        Bytes f = frame_message(REGTEST, "ping", msgcapture::encode_payload(msgcapture::MsgPing{nonce}));
        stream.insert(stream.end(), f.begin(), f.end());
    }
    for (size_t chunk = 1; chunk <= stream.size(); ++chunk) {
        V1Deserializer d(REGTEST);
        std::vector<NetMessage> out;
        for (size_t i = 0; i < stream.size(); i += chunk) {
            auto err = d.feed(msgcapture::ByteSpan(stream).subspan(i, std::min(chunk, stream.size() - i)), out);
            ASSERT_FALSE(err) << *err;
        }
        ASSERT_EQ(out.size(), 3u) << "chunk " << chunk;
        EXPECT_EQ(out[2].type, "ping");
        EXPECT_EQ(out[2].payload, msgcapture::encode_payload(msgcapture::MsgPing{3}));
    }
}

TEST(V1Transport, WrongMagicIsAnError) {
    V1Deserializer d(REGTEST);
    std::vector<NetMessage> out;
    auto err = d.feed(frame_message({0xf9, 0xbe, 0xb4, 0xd9}, "verack", {}), out);
    ASSERT_TRUE(err);
    EXPECT_EQ(*err, "wrong network magic");
}

TEST(V1Transport, BadChecksumIsAnError) {
    Bytes f = frame_message(REGTEST, "ping", Bytes(8, 1));
    f.back() ^= 1;
    V1Deserializer d(REGTEST);
    std::vector<NetMessage> out;
    auto err = d.feed(f, out);
    ASSERT_TRUE(err);
    EXPECT_NE(err->find("bad checksum"), std::string::npos);
    EXPECT_TRUE(out.empty());
}

TEST(V1Transport, OversizedLengthIsRejectedBeforeAnyPayload) {
    Bytes f = frame_message(REGTEST, "block", {});
    f[16] = 0x01;
    f[17] = 0x09;
    f[18] = 0x3d;  // 4,000,001
    f[19] = 0x00;
    V1Deserializer d(REGTEST);
    std::vector<NetMessage> out;
    auto err = d.feed(msgcapture::ByteSpan(f).first(24), out);
    ASSERT_TRUE(err);
    EXPECT_NE(err->find("oversized"), std::string::npos);
}

TEST(V1Transport, MalformedCommandIsAnError) {
    Bytes f = frame_message(REGTEST, "ping", {});
    f[9] = 'x';  // a byte after the NUL padding starts
    V1Deserializer d(REGTEST);
    std::vector<NetMessage> out;
    EXPECT_TRUE(d.feed(f, out));
    Bytes g = frame_message(REGTEST, "p\x01ng", {});
    V1Deserializer d2(REGTEST);
    EXPECT_TRUE(d2.feed(g, out));
}
