#pragma once
// Everything the node's parts share, created in bitcoind.cpp.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "chain/chainparams.h"
#include "chain/header_chain.h"
#include "net/addrman.h"
#include "net/connman.h"
#include "node/block_store.h"
#include "node/tx_pool.h"

namespace node {

using msgcapture::PROTOCOL_VERSION;  // lib/protocol/constants.h
inline constexpr int32_t MIN_PEER_PROTO_VERSION = 31800;
inline constexpr uint64_t NODE_NETWORK = 1 << 0;
inline constexpr uint64_t NODE_WITNESS = 1 << 3;
inline constexpr uint64_t NODE_NETWORK_LIMITED = 1 << 10;
inline constexpr const char* USER_AGENT = "/msgcapture:0.1.0/";

// The header chain, the recent full blocks and the transactions we can serve,
// under one lock.
struct ChainState {
    explicit ChainState(const ChainParams& params) : chain(params), blocks(params.blocks_kept) {}
    mutable std::mutex mutex;
    HeaderChain chain;
    BlockStore blocks;
    TxPool pool;

    // Records a full block whose contents were checked against its header:
    // stored for serving, its transactions dropped from the pool.
    void add_block(const BlockIndex& index, const msgcapture::Block& block, msgcapture::Bytes serialized) {
        blocks.add(index.hash, index.height, std::move(serialized));
        pool.remove_confirmed(block.vtx);
    }

    // The highest block of the best chain whose full block the node holds
    // (call with `mutex` held); 0 when it holds none but genesis.
    int highest_held_block() const {
        for (int h = chain.height(); h > 0; --h) {
            if (blocks.contains(chain.at_height(h)->hash)) return h;
        }
        return 0;
    }

    // The services the node offers now (call with `mutex` held): NODE_NETWORK
    // when it holds every block of its best chain, so that a syncing peer
    // can fetch the whole chain from it; NODE_NETWORK_LIMITED otherwise.
    uint64_t local_services() const {
        const int tip = chain.height();
        bool full = blocks.size() >= static_cast<size_t>(tip);
        for (int h = 1; full && h <= tip; ++h) full = blocks.contains(chain.at_height(h)->hash);
        return NODE_WITNESS | (full ? NODE_NETWORK : NODE_NETWORK_LIMITED);
    }
};

struct NodeConfig {
    ChainParams params;
    std::string data_dir;   // the chain's directory (datadir/[chain])
    bool capture = false;
    uint64_t capture_max_bytes = 0;
    bool capture_compress = false;
    size_t capture_sessions_per_ip_per_minute = 10;
    std::vector<std::string> connect;   // -connect targets; {"0"} disables automatic connections
    std::vector<std::string> addnode;
    std::vector<std::string> seednode;
    bool dns_seed = true;
    int max_connections = 125;
    size_t max_receive_buffer = 5'000'000;  // -maxreceivebuffer, in bytes
    size_t max_send_buffer = 1'000'000;     // -maxsendbuffer, in bytes
    bool listen = true;
    uint16_t port = 0;
};

// Shutdown is requested by a signal or the RPC `stop`; main waits for it.
class ShutdownSignal {
public:
    void request() {
        {
            std::lock_guard lock(mutex_);
            requested_ = true;
        }
        cv_.notify_all();
    }
    bool requested() const {
        std::lock_guard lock(mutex_);
        return requested_;
    }
    void wait() {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return requested_; });
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    bool requested_ = false;
};

}  // namespace node
