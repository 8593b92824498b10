// Addresses and descriptors against the published test vectors: BIP173 and
// BIP350 (bech32, bech32m), Bitcoin Core's base58 key vectors, BIP380 checksums.
#include <gtest/gtest.h>

#include "chain/address.h"
#include "chain/descriptor.h"

using namespace node;

namespace {

const AddressParams MAIN{0, 5, "bc", 128};
const AddressParams TEST{111, 196, "tb", 239};
const AddressParams REGTEST{111, 196, "bcrt", 239};

std::string script_hex(const std::string& address, const AddressParams& params) {
    std::string error;
    auto script = address_script(address, params, error);
    return script ? msgcapture::to_hex(*script) : "invalid: " + error;
}

}  // namespace

TEST(Address, SegwitVectorsFromBip350) {
    struct Case {
        const char* address;
        const AddressParams* params;
        const char* script;
    };
    const Case cases[] = {
        {"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", &MAIN, "0014751e76e8199196d454941c45d1b3a323f1433bd6"},
        {"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", &TEST,
         "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"},
        {"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y", &MAIN,
         "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6"},
        {"BC1SW50QGDZ25J", &MAIN, "6002751e"},
        {"bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", &MAIN, "5210751e76e8199196d454941c45d1b3a323"},
        {"tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy", &TEST,
         "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
        {"tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c", &TEST,
         "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
        {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", &MAIN,
         "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(script_hex(c.address, *c.params), c.script) << c.address;
        // And back: the address a script stands for (lower case, as Core prints it).
        std::string lower = c.address;
        for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        EXPECT_EQ(script_address(*msgcapture::from_hex(c.script), *c.params), lower);
    }
}

TEST(Address, InvalidSegwitAddressesAreRefused) {
    for (const char* bad : {
             "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",  // v1 with a bech32 checksum
             "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",  // v16 with a bech32 checksum
             "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",                      // v0 with a bech32m checksum
             "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7",  // mixed case
             "bc1pw5dgrnzv",                                                    // program too short
             "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",                            // v0 program of 16 bytes
             "bc1gmk9yu",                                                       // empty data
         }) {
        std::string error;
        EXPECT_FALSE(address_script(bad, MAIN, error)) << bad;
        EXPECT_FALSE(error.empty());
    }
    std::string error;
    EXPECT_FALSE(address_script("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", REGTEST, error));  // another chain's
    EXPECT_FALSE(address_script(std::string(5000, '1'), MAIN, error));
}

TEST(Address, Base58VectorsFromBitcoinCore) {
    EXPECT_EQ(script_hex("1AGNa15ZQXAZUgFiqJ2i7Z2DPU2J6hW62i", MAIN), "76a91465a16059864a2fdbc7c99a4723a8395bc6f188eb88ac");
    EXPECT_EQ(script_hex("3CMNFxN1oHBc4R1EpboAL5yzHGgE611Xou", MAIN), "a91474f209f6ea907e2ea48f74fae05782ae8a66525787");
    EXPECT_EQ(script_hex("mo9ncXisMeAoXwqcV5EWuyncbmCcQN4rVs", TEST), "76a91453c0307d6851aa0ce7825ba883c6bd9ad242b48688ac");
    EXPECT_EQ(script_hex("2N2JD6wb56AfK4tfmM6PwdVmoYk2dCKf4Br", REGTEST), "a9146349a418fc4578d10a372b54b45c280cc8c4382f87");
    EXPECT_EQ(script_address(*msgcapture::from_hex("76a91465a16059864a2fdbc7c99a4723a8395bc6f188eb88ac"), MAIN),
              "1AGNa15ZQXAZUgFiqJ2i7Z2DPU2J6hW62i");
    std::string error;
    EXPECT_FALSE(address_script("1AGNa15ZQXAZUgFiqJ2i7Z2DPU2J6hW62j", MAIN, error));  // checksum
    EXPECT_FALSE(address_script("1AGNa15ZQXAZUgFiqJ2i7Z2DPU2J6hW62i", TEST, error));  // main's prefix on test
    EXPECT_FALSE(address_script("0OIl", MAIN, error));                                // not base58
}

TEST(Descriptor, ChecksumsAndScripts) {
    // Published checksums: BIP380's example and Bitcoin Core's test framework's unspendable address.
    EXPECT_EQ(descriptor_checksum("wpkh([d34db33f/84h/0h/0h]0279be667ef9dcbbac55a06295Ce870b07029Bfcdb2dce28d959f2815b16f81798)"), "qwlqgth7");
    EXPECT_EQ(descriptor_checksum("addr(bcrt1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq3xueyj)"), "juyq9d97");
    std::string error;
    EXPECT_EQ(msgcapture::to_hex(*descriptor_script("raw(51)", REGTEST, error)), "51");
    EXPECT_EQ(msgcapture::to_hex(*descriptor_script("addr(bcrt1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq3xueyj)#juyq9d97", REGTEST, error)),
              "0020" + std::string(64, '0'));
    EXPECT_FALSE(descriptor_script("raw(51)#aaaaaaaa", REGTEST, error));
    EXPECT_NE(error.find("does not match computed checksum '" + descriptor_checksum("raw(51)") + "'"), std::string::npos);
    EXPECT_FALSE(descriptor_script("raw(51)#abc", REGTEST, error));
    EXPECT_FALSE(descriptor_script("raw(zz)", REGTEST, error));
    EXPECT_FALSE(descriptor_script("addr(nonsense)", REGTEST, error));
    EXPECT_FALSE(descriptor_script("wpkh(02aa)", REGTEST, error));
    EXPECT_FALSE(descriptor_script("raw(51)\x01", REGTEST, error));
}
