#include "sample_messages.h"

namespace testsupport {

using namespace msgcapture;

Uint256 filled_hash(uint8_t seed) {
    Uint256 h;
    for (size_t i = 0; i < 32; ++i) h.bytes[i] = static_cast<uint8_t>(seed + i * 7);
    return h;
}

Transaction sample_legacy_tx() {
    Transaction tx;
    tx.version = 1;
    tx.vin.push_back({{filled_hash(1), 3}, Bytes{0x51, 0x52}, 0xfffffffe});
    tx.vout.push_back({5000000000, Bytes{0x76, 0xa9, 0x14}});
    tx.vout.push_back({-1, Bytes(300, 0xab)});  // a 3-byte CompactSize length
    tx.nLockTime = 500000;
    return tx;
}

Transaction sample_segwit_tx() {
    Transaction tx;
    tx.version = 2;
    tx.vin.push_back({{filled_hash(2), 0}, Bytes{}, 0xffffffff});
    tx.vin.push_back({{filled_hash(3), 1}, Bytes{0x00}, 0});
    tx.vout.push_back({12345, Bytes{0x00, 0x14, 0x01}});
    tx.wit.vtxinwit.resize(2);
    tx.wit.vtxinwit[0].scriptWitness.stack = {Bytes{0x30, 0x44}, Bytes{}, Bytes(33, 0x02)};
    tx.nLockTime = 0;
    return tx;
}

BlockHeader sample_header() {
    BlockHeader h;
    h.nVersion = 0x20000000;
    h.hashPrevBlock = filled_hash(4);
    h.hashMerkleRoot = filled_hash(5);
    h.nTime = 1700000000;
    h.nBits = 0x207fffff;
    h.nNonce = 42;
    return h;
}

namespace {

NetAddress net_address(uint8_t last, uint16_t port) {
    NetAddress a;
    a.nServices = 1033;
    a.ip = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, last};
    a.port = port;
    return a;
}

}  // namespace

std::vector<Message> sample_messages() {
    std::vector<Message> out;

    MsgVersion version;
    version.nVersion = 70016;
    version.nServices = 0x409;
    version.nTime = -5;
    version.addrTo = net_address(1, 18444);
    version.addrFrom = net_address(2, 0);
    version.nNonce = 0xfedcba9876543210ULL;
    version.strSubVer = "/msgcapture:0.1.0/ ünïcode";
    version.nStartingHeight = 101;
    version.relay = true;
    out.emplace_back(version);
    MsgVersion old_version = version;
    old_version.relay.reset();
    out.emplace_back(old_version);

    out.emplace_back(MsgVerack{});
    MsgAddr addr;
    addr.addrs.push_back({1700000000, net_address(9, 8333)});
    TimedNetAddress v6{1700000001, {}};
    v6.addr.ip = {0x2a, 0x01, 0x04, 0xf8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a};
    v6.addr.port = 8333;
    addr.addrs.push_back(v6);
    out.emplace_back(addr);

    MsgAddrV2 addrv2;
    addrv2.addrs.push_back({1, 0x400000000ULL, 1, Bytes{10, 0, 0, 1}, 8333});
    addrv2.addrs.push_back({2, 1, 2, Bytes(16, 0x20), 8333});
    addrv2.addrs.push_back({3, 1, 3, Bytes(10, 0x30), 8333});
    addrv2.addrs.push_back({4, 1, 4, Bytes(32, 0x40), 8333});
    addrv2.addrs.push_back({5, 1, 5, Bytes(32, 0x50), 0});
    addrv2.addrs.push_back({6, 1, 6, Bytes(16, 0xfc), 8333});
    addrv2.addrs.push_back({7, 1, 42, Bytes(7, 0x77), 1});  // a future network
    out.emplace_back(addrv2);
    out.emplace_back(MsgSendAddrV2{});

    MsgInv inv;
    inv.inv = {{1, filled_hash(6)}, {0x40000002, filled_hash(7)}, {5, filled_hash(8)}};
    out.emplace_back(inv);
    MsgGetData getdata;
    getdata.inv = {{0x40000001, filled_hash(9)}};
    out.emplace_back(getdata);
    MsgNotFound notfound;
    notfound.vec = {{1, filled_hash(10)}};
    out.emplace_back(notfound);

    MsgGetBlocks getblocks;
    getblocks.locator = {70016, {filled_hash(11), filled_hash(12)}};
    getblocks.hashstop = filled_hash(13);
    out.emplace_back(getblocks);
    MsgGetHeaders getheaders;
    getheaders.locator = {70016, {filled_hash(14)}};
    out.emplace_back(getheaders);

    MsgHeaders headers;
    headers.headers = {sample_header(), sample_header()};
    headers.headers[1].nNonce = 7;
    out.emplace_back(headers);

    MsgBlock block;
    block.block.header = sample_header();
    block.block.vtx = {sample_legacy_tx(), sample_segwit_tx()};
    out.emplace_back(block);

    out.emplace_back(MsgTx{sample_segwit_tx()});
    out.emplace_back(MsgTx{sample_legacy_tx()});
    out.emplace_back(MsgMempool{});
    out.emplace_back(MsgPing{0xffffffffffffffffULL});
    out.emplace_back(MsgPong{1});
    out.emplace_back(MsgFeeFilter{1000});
    out.emplace_back(MsgSendHeaders{});
    out.emplace_back(MsgSendCmpct{true, 2});

    MsgCmpctBlock cmpct;
    cmpct.header_and_shortids.header = sample_header();
    cmpct.header_and_shortids.nonce = 99;
    cmpct.header_and_shortids.shortids = {0xffffffffffffULL, 1, 0x123456789aULL};
    cmpct.header_and_shortids.prefilled_txn = {{0, sample_legacy_tx()}, {2, sample_segwit_tx()}};
    out.emplace_back(cmpct);

    MsgGetBlockTxn getblocktxn;
    getblocktxn.block_txn_request = {filled_hash(15), {0, 1, 300, 0}};
    out.emplace_back(getblocktxn);
    MsgBlockTxn blocktxn;
    blocktxn.block_transactions = {filled_hash(16), {sample_segwit_tx()}};
    out.emplace_back(blocktxn);

    out.emplace_back(MsgFilterLoad{Bytes(10, 0xee), 5, 7, 1});
    out.emplace_back(MsgFilterAdd{Bytes(20, 0x01)});
    out.emplace_back(MsgFilterClear{});

    MsgMerkleBlock merkle;
    merkle.merkleblock.header = sample_header();
    merkle.merkleblock.txn.nTransactions = 3;
    merkle.merkleblock.txn.vHash = {filled_hash(17), filled_hash(18)};
    merkle.merkleblock.txn.vBits = {true, false, true, true, false, false, false, false,
                                    true, false, false, false, false, false, false, false};
    out.emplace_back(merkle);

    out.emplace_back(MsgGetCFilters{0, 100, filled_hash(19)});
    out.emplace_back(MsgCFilter{0, filled_hash(20), Bytes{0x01, 0x83, 0x6c}});
    out.emplace_back(MsgGetCFHeaders{0, 1, filled_hash(21)});
    out.emplace_back(MsgCFHeaders{0, filled_hash(22), filled_hash(23), {filled_hash(24), filled_hash(25)}});
    out.emplace_back(MsgGetCFCheckpt{0, filled_hash(26)});
    out.emplace_back(MsgCFCheckpt{0, filled_hash(27), {filled_hash(28)}});
    out.emplace_back(MsgWtxidRelay{});
    out.emplace_back(MsgSendTxRcncl{1, 0x1122334455667788ULL});
    out.emplace_back(MsgGetAddr{});
    return out;
}

}  // namespace testsupport
