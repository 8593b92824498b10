// sha256 and sha256d use OpenSSL's low-level SHA256_* calls (see hash.cpp for
// why): checked against published vectors, the genesis block's hash, and at
// every length around the padding's block boundaries against OpenSSL's EVP.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>

#include "msgcapture/protocol/hash.h"
#include "msgcapture/protocol/primitives.h"
#include "msgcapture/protocol/stream.h"

using namespace msgcapture;

namespace {

Bytes text_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

}  // namespace

TEST(Sha256, PublishedVectors) {
    EXPECT_EQ(sha256({}).wire_hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256(text_bytes("abc")).wire_hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256(text_bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).wire_hex(),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, EveryLengthAroundTheBlockBoundariesMatchesOpenSslEvp) {
    Bytes data;
    for (size_t n = 0; n <= 300; ++n) {
        std::array<uint8_t, 32> expected{};
        unsigned int size = 0;
        ASSERT_EQ(EVP_Digest(data.data(), data.size(), expected.data(), &size, EVP_sha256(), nullptr), 1);
        EXPECT_TRUE(std::equal(expected.begin(), expected.end(), sha256(data).bytes.begin())) << "length " << n;
        data.push_back(static_cast<uint8_t>(n * 31 + 7));
    }
}

// The genesis block's header: its double hash, byte-reversed for display, is
// the well-known block hash.
TEST(Sha256d, GenesisBlockHeader) {
    Bytes header(80);
    header[0] = 1;  // version 1, previous block all zero
    const Bytes merkle_root = *from_hex("3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a");
    std::copy(merkle_root.begin(), merkle_root.end(), header.begin() + 36);
    const uint32_t time = 1231006505, bits = 0x1d00ffff, nonce = 2083236893;
    for (size_t i = 0; i < 4; ++i) {
        header[68 + i] = static_cast<uint8_t>(time >> (8 * i));
        header[72 + i] = static_cast<uint8_t>(bits >> (8 * i));
        header[76 + i] = static_cast<uint8_t>(nonce >> (8 * i));
    }
    EXPECT_EQ(sha256d(header).display_hex(), "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
}

TEST(Sha1, PublishedVectorsAsLibFuzzerNamesFiles) {
    const std::string abc = "abc";
    EXPECT_EQ(sha1_hex(ByteSpan(reinterpret_cast<const uint8_t*>(abc.data()), abc.size())), "a9993e364706816aba3e25717850c26c9cd0d89d");
    EXPECT_EQ(sha1_hex({}), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

// The genesis block's coinbase: its txid is the well-known merkle root; with
// no witnesses, the wtxid is the same. With a witness, the txid leaves it out.
TEST(TransactionIds, GenesisCoinbaseAndAWitness) {
    const Bytes raw = *from_hex(
        "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d0104455468652054696d6573"
        "2030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e"
        "6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4"
        "f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000");
    ByteReader r(raw);
    Transaction tx;
    Transaction::decode(r, tx);
    EXPECT_EQ(tx.txid().display_hex(), "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
    EXPECT_EQ(tx.wtxid(), tx.txid());
    Transaction witnessed = tx;
    witnessed.wit.vtxinwit.resize(1);
    witnessed.wit.vtxinwit[0].scriptWitness.stack = {Bytes(32, 0)};
    EXPECT_EQ(witnessed.txid(), tx.txid());
    EXPECT_NE(witnessed.wtxid(), tx.txid());
    Bytes encoded;
    ByteWriter w(encoded);
    witnessed.encode(w);
    EXPECT_EQ(witnessed.wtxid(), sha256d(encoded));
}
