#pragma once
// What differs between the networks the node can join (Bitcoin Core's CChainParams).
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chain/arith_uint256.h"
#include "msgcapture/protocol/primitives.h"

namespace node {

struct ConsensusParams {
    ArithUint256 pow_limit;
    int64_t pow_target_spacing = 10 * 60;
    int64_t pow_target_timespan = 14 * 24 * 60 * 60;
    int subsidy_halving_interval = 210'000;
    bool pow_allow_min_difficulty_blocks = false;  // testnets: a block 20 minutes late may use the minimum
    bool pow_no_retargeting = false;               // regtest
    bool enforce_bip94 = false;                    // testnet4: time-warp fix and first-block retarget base
    int64_t difficulty_adjustment_interval() const { return pow_target_timespan / pow_target_spacing; }
};

// How the chain spells addresses (Bitcoin Core's base58 prefixes and bech32 human-readable part).
struct AddressParams {
    uint8_t pubkey_prefix = 0;  // base58 P2PKH
    uint8_t script_prefix = 5;  // base58 P2SH
    std::string bech32_hrp = "bc";
    uint8_t secret_prefix = 128;  // base58 private keys (WIF)
};

struct ChainParams {
    std::string name;            // main, test, testnet4, signet, regtest (as -chain= takes them)
    std::string data_subdir;     // "" for main, else testnet3, testnet4, signet, regtest
    std::array<uint8_t, 4> magic{};
    uint16_t default_port = 0;
    uint16_t rpc_port = 0;
    msgcapture::BlockHeader genesis;
    AddressParams addresses;
    ConsensusParams consensus;
    std::vector<std::string> dns_seeds;
    bool mine_blocks_on_demand = false;  // regtest: the `generate` RPC
    // A private network on this machine (regtest): local addresses are fine to
    // keep and advertise, and an old tip says nothing about being out of sync.
    bool local_network = false;
    // How many blocks below a recent tip are downloaded and kept for peers:
    // all that are kept on regtest (so that its miner knows older coinbases),
    // a few elsewhere (so that starting a node does not fetch hundreds of MB).
    int block_download_window = 16;
    // How many full blocks are kept for peers: BIP159's 288, or all (regtest).
    size_t blocks_kept = 288;
};

// nullopt for an unknown chain name.
std::optional<ChainParams> chain_params(const std::string& name);
std::vector<std::string> chain_names();

}  // namespace node
