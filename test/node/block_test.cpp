// Block contents against their header, the transaction pool, and what the
// regtest miner picks from it.
#include <gtest/gtest.h>

#include "chain/block_check.h"
#include "chain/chainparams.h"
#include "chain/header_chain.h"
#include "chain/mining.h"
#include "node/block_store.h"
#include "node/tx_pool.h"

using namespace node;
using msgcapture::Bytes;
using msgcapture::Transaction;

namespace {

constexpr int64_t NOW = 2'000'000'000;

Transaction spend(const msgcapture::Uint256& prev, uint32_t n, int64_t value, bool witness = false) {
    Transaction tx;
    tx.version = 2;
    msgcapture::TxIn in;
    in.prevout = {prev, n};
    in.nSequence = 0xffffffff;
    tx.vin.push_back(in);
    tx.vout.push_back({value, Bytes{0x51}});
    if (witness) {
        tx.wit.vtxinwit.resize(1);
        tx.wit.vtxinwit[0].scriptWitness.stack = {Bytes{0x01}};
    }
    return tx;
}

// A regtest chain of `n` blocks mined here, with the blocks.
struct MinedChain {
    ChainParams params = *chain_params("regtest");
    HeaderChain chain{params};
    std::vector<std::pair<int, msgcapture::Block>> blocks;
    explicit MinedChain(int n) {
        for (int i = 0; i < n; ++i) add(mine_block(chain.tip(), NOW, params));
    }
    void add(const msgcapture::Block& b) {
        auto r = chain.accept(b.header, NOW);
        blocks.emplace_back(r.index->height, b);
    }
};

}  // namespace

TEST(BlockCheck, MinedBlocksMatchTheirHeaderAndTamperingIsCaught) {
    MinedChain m(101);
    const auto coinbase1 = txid(m.blocks[0].second.vtx[0]);
    const auto tx = spend(coinbase1, 0, 4'999'990'000, true);
    int64_t fees = 0;
    auto picked = select_transactions({tx}, unspent_outputs(m.blocks), 102, fees);
    ASSERT_EQ(picked.size(), 1u);
    EXPECT_EQ(fees, 10'000);
    auto block = mine_block(m.chain.tip(), NOW, m.params, picked, fees);
    EXPECT_FALSE(check_block_contents(block));
    EXPECT_EQ(block.vtx[0].vout[0].nValue, 5'000'000'000 + 10'000);

    auto bad_root = block;
    bad_root.vtx[1].vout[0].nValue -= 1;
    EXPECT_EQ(check_block_contents(bad_root), "bad-txnmrklroot");

    auto bad_witness = block;
    bad_witness.vtx[1].wit.vtxinwit[0].scriptWitness.stack[0] = Bytes{0x02};  // same txid, other wtxid
    EXPECT_EQ(check_block_contents(bad_witness), "bad-witness-merkle-match");

    auto no_commitment = block;
    no_commitment.vtx[0].vout.pop_back();
    no_commitment.header.hashMerkleRoot = block_merkle_root(no_commitment);
    EXPECT_EQ(check_block_contents(no_commitment), "unexpected-witness");

    // CVE-2012-2459: with an odd count, repeating the last transaction keeps the merkle root.
    const auto child = spend(txid(tx), 0, 4'999'980'000);
    fees = 0;
    auto three = mine_block(m.chain.tip(), NOW, m.params, select_transactions({tx, child}, unspent_outputs(m.blocks), 102, fees), fees);
    ASSERT_EQ(three.vtx.size(), 3u);
    EXPECT_FALSE(check_block_contents(three));
    auto duplicated = three;
    duplicated.vtx.push_back(duplicated.vtx.back());
    EXPECT_EQ(block_merkle_root(duplicated), three.header.hashMerkleRoot);
    EXPECT_EQ(check_block_contents(duplicated), "bad-txns-duplicate");
}

TEST(Mining, PicksOnlyKnownMatureUnspentInputs) {
    MinedChain m(101);
    const auto coins = unspent_outputs(m.blocks);
    const auto cb1 = txid(m.blocks[0].second.vtx[0]);
    const auto cb2 = txid(m.blocks[1].second.vtx[0]);
    const auto cb50 = txid(m.blocks[49].second.vtx[0]);
    msgcapture::Uint256 unknown;
    unknown.bytes[0] = 7;
    int64_t fees = 0;
    auto first = spend(cb1, 0, 4'000'000'000);
    auto child = spend(txid(first), 0, 3'999'000'000);  // spends an output made earlier in the block
    auto picked = select_transactions({spend(unknown, 0, 1),           // unknown input
                                       spend(cb50, 0, 1),              // immature at height 102
                                       spend(cb2, 0, 6'000'000'000),   // outputs worth more than inputs
                                       first, child,
                                       spend(cb1, 0, 1)},              // double spend
                                      coins, 102, fees);
    ASSERT_EQ(picked.size(), 2u);
    EXPECT_EQ(picked[0], first);
    EXPECT_EQ(picked[1], child);
    EXPECT_EQ(fees, 1'000'000'000 + 1'000'000);
}

TEST(TxPool, KeepsServesAndForgets) {
    TxPool pool;
    msgcapture::Uint256 a;
    a.bytes[0] = 1;
    auto t1 = spend(a, 0, 10, true), t2 = spend(a, 1, 20);
    EXPECT_TRUE(pool.add(t1, 0));
    EXPECT_FALSE(pool.add(t1, 1));
    EXPECT_TRUE(pool.add(t2, 2));
    EXPECT_NE(pool.by_txid(txid(t1)), nullptr);
    EXPECT_NE(pool.by_wtxid(wtxid(t1)), nullptr);
    EXPECT_NE(txid(t1), wtxid(t1));
    // A block confirming t2 and spending t1's input removes both.
    auto conflict = spend(a, 0, 5);
    pool.remove_confirmed({Transaction{}, t2, conflict});
    EXPECT_EQ(pool.size(), 0u);
    pool.add(t1, 0);
    pool.expire(TxPool::EXPIRY_US + 1);
    EXPECT_EQ(pool.size(), 0u);
    for (uint32_t i = 0; i < TxPool::MAX_TXS + 10; ++i) pool.add(spend(a, i, 1), 0);
    EXPECT_EQ(pool.size(), TxPool::MAX_TXS);
}

TEST(BlockStore, KeepsTheMostRecentBlocks) {
    BlockStore store;
    for (int h = 1; h <= 300; ++h) {
        msgcapture::Uint256 hash;
        hash.bytes[0] = static_cast<uint8_t>(h);
        hash.bytes[1] = static_cast<uint8_t>(h >> 8);
        store.add(hash, h, Bytes(100, 0));
    }
    EXPECT_EQ(store.size(), BlockStore::LIMITED_BLOCKS);
    msgcapture::Uint256 oldest, newest;
    oldest.bytes[0] = 1;
    newest.bytes[0] = 300 & 0xff;
    newest.bytes[1] = 300 >> 8;
    EXPECT_FALSE(store.contains(oldest));
    EXPECT_TRUE(store.contains(newest));
}
