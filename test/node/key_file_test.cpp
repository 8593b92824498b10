// getnewaddress's keys: the hash and address spellings against known
// values, and a key file whose private keys really belong to its addresses.
#include <gtest/gtest.h>
#include <secp256k1.h>
#include <sys/stat.h>

#include <sstream>

#include "chain/address.h"
#include "test_support.h"
#include "wallet/key_file.h"

using namespace node;

namespace {
// The generator point G, compressed: the public key of private key 1.
const char* G = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
const AddressParams MAIN{0, 5, "bc", 128};
const AddressParams REGTEST{111, 196, "bcrt", 239};
}  // namespace

TEST(KeyFile, AddressesOfAKnownKey) {
    const auto g = *msgcapture::from_hex(G);
    EXPECT_EQ(msgcapture::to_hex(hash160(g)), "751e76e8199196d454941c45d1b3a323f1433bd6");  // BIP173's example program
    EXPECT_EQ(KeyFile::address_of(g, "bech32", MAIN), "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
    EXPECT_EQ(KeyFile::address_of(g, "legacy", MAIN), "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH");
    std::string error;
    const auto p2sh = address_script(KeyFile::address_of(g, "p2sh-segwit", MAIN), MAIN, error);
    ASSERT_TRUE(p2sh) << error;
    EXPECT_EQ(msgcapture::to_hex(*p2sh), "a914" + msgcapture::to_hex(hash160(*msgcapture::from_hex("0014751e76e8199196d454941c45d1b3a323f1433bd6"))) + "87");
}

TEST(KeyFile, EachKeyIsKeptPrivatelyAndMatchesItsAddress) {
    testsupport::TempDir dir;
    const std::string path = (dir.path() / "keys.txt").string();
    KeyFile keys(path, REGTEST);
    const std::string first = keys.new_address("bech32", "mine");
    const std::string second = keys.new_address("legacy", "");
    EXPECT_NE(first, second);
    EXPECT_TRUE(first.starts_with("bcrt1q"));
    EXPECT_THROW(keys.new_address("bech32m", ""), std::invalid_argument);

    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    std::istringstream lines(testsupport::read_text(dir.path() / "keys.txt"));
    std::string address, wif, type, label;
    lines >> address >> wif >> type >> label;
    EXPECT_EQ(address, first);
    EXPECT_EQ(type, "bech32");
    EXPECT_EQ(label, "mine");
    // The WIF key (regtest prefix 239, compressed) derives the address.
    const auto payload = base58check_decode(wif);
    ASSERT_TRUE(payload);
    ASSERT_EQ(payload->size(), 34u);
    EXPECT_EQ((*payload)[0], 239);
    EXPECT_EQ((*payload)[33], 1);
    secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    secp256k1_pubkey pubkey;
    ASSERT_TRUE(secp256k1_ec_pubkey_create(ctx, &pubkey, payload->data() + 1));
    unsigned char compressed[33];
    size_t length = sizeof compressed;
    secp256k1_ec_pubkey_serialize(ctx, compressed, &length, &pubkey, SECP256K1_EC_COMPRESSED);
    secp256k1_context_destroy(ctx);
    EXPECT_EQ(KeyFile::address_of(msgcapture::ByteSpan(compressed, length), "bech32", REGTEST), first);
}
