// Header-chain rules: genesis blocks, compact targets, proof of work,
// difficulty adjustment and reorgs to the chain with more work.
#include <gtest/gtest.h>

#include "chain/block_check.h"
#include "chain/chainparams.h"
#include "chain/header_chain.h"
#include "chain/mining.h"
#include "chain/pow.h"

using namespace node;

TEST(ChainParams, GenesisHashesAreTheKnownOnes) {
    std::map<std::string, std::string> want = {
        {"main", "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"},
        {"test", "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943"},
        {"testnet4", "00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043"},
        {"signet", "00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6"},
        {"regtest", "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"},
    };
    for (const auto& name : chain_names()) {
        auto p = chain_params(name);
        ASSERT_TRUE(p) << name;
        EXPECT_EQ(p->genesis.hash().display_hex(), want[name]) << name;
        EXPECT_TRUE(check_proof_of_work(p->genesis.hash(), p->genesis.nBits, p->consensus)) << name;
    }
    EXPECT_FALSE(chain_params("mainnet"));
}

TEST(Compact, RoundTripsAndFlagsBadEncodings) {
    for (uint32_t bits : {0x1d00ffffu, 0x1b0404cbu, 0x207fffffu, 0x1e0377aeu, 0x1c05a3f4u}) {
        EXPECT_EQ(ArithUint256::from_compact(bits).to_compact(), bits);
    }
    bool negative = false, overflow = false;
    ArithUint256::from_compact(0x04923456, &negative, &overflow);
    EXPECT_TRUE(negative);
    ArithUint256::from_compact(0xff123456, &negative, &overflow);
    EXPECT_TRUE(overflow);
    EXPECT_EQ(ArithUint256::from_compact(0x1d00ffff).hex(), "00000000ffff0000000000000000000000000000000000000000000000000000");
}

TEST(Pow, ChainWorkOfTheMinimumMainnetTarget) {
    // 2^256 / (0xffff * 2^208 + 1) = 0x100010001
    EXPECT_EQ(block_proof(0x1d00ffff), ArithUint256(0x100010001ULL));
}

// Bitcoin Core's pow_tests: real mainnet retargets.
TEST(Pow, RetargetMatchesMainnetHistory) {
    const auto main = chain_params("main")->consensus;
    EXPECT_EQ(retarget(0x1d00ffff, 1262152739 - 1261130161, main), 0x1d00d86au);
    EXPECT_EQ(retarget(0x1d00ffff, 1233061996 - 1231006505, main), 0x1d00ffffu);  // capped at the limit
    EXPECT_EQ(retarget(0x1c05a3f4, 1279297671 - 1279008237, main), 0x1c0168fdu);  // at most 4x harder
    EXPECT_EQ(retarget(0x1c387f6f, 1269211443 - 1263163443, main), 0x1d00e1fdu);  // at most 4x easier
}

namespace {

msgcapture::BlockHeader next_header(const HeaderChain& chain, const BlockIndex& prev, uint32_t time, uint32_t salt = 0) {
    msgcapture::BlockHeader h;
    h.nVersion = 0x20000000;
    h.hashPrevBlock = prev.hash;
    h.hashMerkleRoot.bytes[0] = static_cast<uint8_t>(salt);
    h.nTime = time;
    h.nBits = next_work_required(prev, time, chain.params().consensus);
    while (!check_proof_of_work(h.hash(), h.nBits, chain.params().consensus)) ++h.nNonce;
    return h;
}

constexpr int64_t NOW = 2'000'000'000;

}  // namespace

TEST(HeaderChain, AcceptsLinkedHeadersAndRejectsBadOnes) {
    HeaderChain chain(*chain_params("regtest"));
    const BlockIndex& genesis = chain.tip();
    auto h1 = next_header(chain, genesis, genesis.header.nTime + 1);
    EXPECT_EQ(chain.accept(h1, NOW).status, HeaderChain::Status::Accepted);
    EXPECT_EQ(chain.height(), 1);
    EXPECT_EQ(chain.accept(h1, NOW).status, HeaderChain::Status::AlreadyKnown);

    auto orphan = h1;
    orphan.hashPrevBlock.bytes[0] ^= 1;
    EXPECT_EQ(chain.accept(orphan, NOW).status, HeaderChain::Status::Disconnected);

    auto bad_bits = next_header(chain, chain.tip(), h1.nTime + 1);
    bad_bits.nBits = 0x207ffffe;
    EXPECT_EQ(chain.accept(bad_bits, NOW).reason, "bad-diffbits");

    auto high_hash = next_header(chain, chain.tip(), h1.nTime + 1);
    while (check_proof_of_work(high_hash.hash(), high_hash.nBits, chain.params().consensus)) ++high_hash.nNonce;
    EXPECT_EQ(chain.accept(high_hash, NOW).reason, "high-hash");

    auto too_old = next_header(chain, chain.tip(), static_cast<uint32_t>(chain.tip().median_time_past()));
    EXPECT_EQ(chain.accept(too_old, NOW).reason, "time-too-old");

    auto too_new = next_header(chain, chain.tip(), NOW + HeaderChain::MAX_FUTURE_BLOCK_TIME + 1);
    EXPECT_EQ(chain.accept(too_new, NOW).reason, "time-too-new");
    EXPECT_EQ(chain.height(), 1);
}

TEST(HeaderChain, ReorgsToTheBranchWithMoreWork) {
    HeaderChain chain(*chain_params("regtest"));
    const BlockIndex* genesis = &chain.tip();
    const BlockIndex* a = genesis;
    for (int i = 1; i <= 3; ++i) a = chain.accept(next_header(chain, *a, genesis->header.nTime + i, 1), NOW).index;
    EXPECT_EQ(&chain.tip(), a);
    const BlockIndex* b = genesis;
    for (int i = 1; i <= 3; ++i) b = chain.accept(next_header(chain, *b, genesis->header.nTime + i, 2), NOW).index;
    EXPECT_EQ(&chain.tip(), a);  // equal work: the first seen stays
    b = chain.accept(next_header(chain, *b, genesis->header.nTime + 4, 2), NOW).index;
    EXPECT_EQ(&chain.tip(), b);  // more work: reorg
    EXPECT_EQ(chain.height(), 4);
    EXPECT_TRUE(chain.on_active_chain(*b->prev));
    EXPECT_FALSE(chain.on_active_chain(*a));
    // A peer on the old branch asks for headers: it gets the new branch from the fork.
    auto headers = chain.headers_after(chain.locator(*a), {}, 2000);
    ASSERT_EQ(headers.size(), 4u);
    EXPECT_EQ(headers[0].hashPrevBlock, genesis->hash);
    EXPECT_EQ(headers.back().hash(), b->hash);
}

TEST(HeaderChain, LocatorIsDenseThenExponential) {
    HeaderChain chain(*chain_params("regtest"));
    for (int i = 1; i <= 100; ++i) chain.accept(next_header(chain, chain.tip(), chain.tip().header.nTime + 1), NOW);
    auto loc = chain.locator();
    EXPECT_EQ(loc.front(), chain.tip().hash);
    EXPECT_EQ(loc.back(), chain.at_height(0)->hash);
    EXPECT_LT(loc.size(), 25u);
    EXPECT_EQ(loc[10], chain.at_height(90)->hash);
    EXPECT_EQ(loc[11], chain.at_height(89)->hash);  // the step doubles after the eleventh entry
    EXPECT_EQ(loc[12], chain.at_height(87)->hash);
}

TEST(HeaderChain, TestnetMinDifficultyExceptionAndWalkBack) {
    auto params = *chain_params("test");
    params.consensus.pow_limit = ArithUint256::from_compact(0x207fffff);  // easy enough to mine in a test
    params.genesis.nBits = 0x207fffff;
    const uint32_t limit_bits = 0x207fffff;
    HeaderChain chain(params);
    const BlockIndex& g = chain.tip();
    // 20 minutes and one second late: the minimum difficulty is allowed, and required.
    EXPECT_EQ(next_work_required(g, g.header.nTime + 1201, params.consensus), limit_bits);
    EXPECT_EQ(next_work_required(g, g.header.nTime + 60, params.consensus), g.header.nBits);
}

TEST(Mining, RegtestBlocksCarryTheHeightAndConnect) {
    auto params = *chain_params("regtest");
    HeaderChain chain(params);
    for (int i = 0; i < 20; ++i) {
        msgcapture::Block block = mine_block(chain.tip(), NOW, params);
        EXPECT_EQ(block.header.hashMerkleRoot, block_merkle_root(block));
        EXPECT_FALSE(check_block_contents(block));
        ASSERT_EQ(chain.accept(block.header, NOW).status, HeaderChain::Status::Accepted);
    }
    EXPECT_EQ(chain.height(), 20);
    EXPECT_EQ(script_number(5), (msgcapture::Bytes{0x55}));
    EXPECT_EQ(script_number(111), (msgcapture::Bytes{0x01, 0x6f}));
    EXPECT_EQ(script_number(128), (msgcapture::Bytes{0x02, 0x80, 0x00}));
    EXPECT_EQ(script_number(1000), (msgcapture::Bytes{0x02, 0xe8, 0x03}));
    EXPECT_EQ(block_subsidy(150, params), 2'500'000'000);
}
