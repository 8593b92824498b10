// sha256 and sha256d use OpenSSL's low-level SHA256_* calls (see hash.cpp for
// why): checked against published vectors, the genesis block's hash, and at
// every length around the padding's block boundaries against OpenSSL's EVP.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>

#include "msgcapture/protocol/hash.h"

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
