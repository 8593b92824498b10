#include "chain/chainparams.h"

#include <cstdint>
#include <limits>
#include <string_view>

#include "msgcapture/protocol/networks.h"

namespace node {
namespace {

msgcapture::Uint256 hash_from_display(const std::string& hex) {
    auto bytes = msgcapture::from_hex(hex).value();
    msgcapture::Uint256 h;
    for (size_t i = 0; i < 32; ++i) h.bytes[i] = bytes[31 - i];
    return h;
}

ArithUint256 limit_from_display(const std::string& hex) { return ArithUint256::from_hash(hash_from_display(hex)); }

// Satoshi's genesis coinbase, shared by main, testnet3, signet and regtest.
const char* GENESIS_MERKLE_ROOT = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b";

msgcapture::BlockHeader genesis(const char* merkle_root, uint32_t time, uint32_t nonce, uint32_t bits) {
    msgcapture::BlockHeader h;
    h.nVersion = 1;
    h.hashMerkleRoot = hash_from_display(merkle_root);
    h.nTime = time;
    h.nBits = bits;
    h.nNonce = nonce;
    return h;
}

// Name, data subdirectory, magic and port, from the table the capture readers share.
void set_identity(ChainParams& p, std::string_view name) {
    const msgcapture::NetworkIdentity id = *msgcapture::network_by_name(name);
    p.name = id.name;
    p.data_subdir = id.data_subdir;
    p.magic = id.magic;
    p.default_port = id.default_port;
}

ChainParams main_params() {
    ChainParams p;
    set_identity(p, "main");
    p.rpc_port = 8332;
    p.genesis = genesis(GENESIS_MERKLE_ROOT, 1231006505, 2083236893, 0x1d00ffff);
    p.consensus.pow_limit = limit_from_display("00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    p.dns_seeds = {"seed.bitcoin.sipa.be", "dnsseed.bluematt.me", "seed.bitcoin.jonasschnelli.ch",
                   "seed.btc.petertodd.net", "seed.bitcoin.sprovoost.nl", "dnsseed.emzy.de", "seed.bitcoin.wiz.biz"};
    return p;
}

ChainParams testnet3_params() {
    ChainParams p;
    set_identity(p, "test");
    p.rpc_port = 18332;
    p.genesis = genesis(GENESIS_MERKLE_ROOT, 1296688602, 414098458, 0x1d00ffff);
    p.consensus.pow_limit = limit_from_display("00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    p.consensus.pow_allow_min_difficulty_blocks = true;
    p.dns_seeds = {"testnet-seed.bitcoin.jonasschnelli.ch", "seed.tbtc.petertodd.net", "seed.testnet.bitcoin.sprovoost.nl",
                   "testnet-seed.bluematt.me"};
    p.addresses = {111, 196, "tb", 239};
    return p;
}

ChainParams testnet4_params() {
    ChainParams p;
    set_identity(p, "testnet4");
    p.rpc_port = 48332;
    p.genesis = genesis("7aa0a7ae1e223414cb807e40cd57e667b718e42aaf9306db9102fe28912b7b4e", 1714777860, 393743547,
                        0x1d00ffff);
    p.consensus.pow_limit = limit_from_display("00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    p.consensus.pow_allow_min_difficulty_blocks = true;
    p.consensus.enforce_bip94 = true;
    p.dns_seeds = {"seed.testnet4.bitcoin.sprovoost.nl", "seed.testnet4.wiz.biz"};
    p.addresses = {111, 196, "tb", 239};
    return p;
}

ChainParams signet_params() {
    ChainParams p;
    set_identity(p, "signet");
    p.rpc_port = 38332;
    p.genesis = genesis(GENESIS_MERKLE_ROOT, 1598918400, 52613770, 0x1e0377ae);
    p.consensus.pow_limit = limit_from_display("00000377ae000000000000000000000000000000000000000000000000000000");
    p.dns_seeds = {"seed.signet.bitcoin.sprovoost.nl", "seed.signet.achownodes.xyz"};
    p.addresses = {111, 196, "tb", 239};
    return p;
}

ChainParams regtest_params() {
    ChainParams p;
    set_identity(p, "regtest");
    p.rpc_port = 18443;
    p.genesis = genesis(GENESIS_MERKLE_ROOT, 1296688602, 2, 0x207fffff);
    p.consensus.pow_limit = limit_from_display("7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    p.consensus.pow_allow_min_difficulty_blocks = true;
    p.consensus.pow_no_retargeting = true;
    p.consensus.subsidy_halving_interval = 150;
    p.mine_blocks_on_demand = true;
    p.local_network = true;
    // The whole chain: regtest chains are short, and a node that has every
    // block can serve it as a full node (NODE_NETWORK).
    p.block_download_window = std::numeric_limits<int>::max() / 2;
    p.blocks_kept = SIZE_MAX;
    p.addresses = {111, 196, "bcrt", 239};
    return p;
}

}  // namespace

std::optional<ChainParams> chain_params(const std::string& name) {
    if (name == "main") return main_params();
    if (name == "test") return testnet3_params();
    if (name == "testnet4") return testnet4_params();
    if (name == "signet") return signet_params();
    if (name == "regtest") return regtest_params();
    return std::nullopt;
}

std::vector<std::string> chain_names() { return {"main", "test", "testnet4", "signet", "regtest"}; }

}  // namespace node
