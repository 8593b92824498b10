#pragma once
// Transactions learned from peers or sendrawtransaction, kept so that they can
// be served, re-announced and mined. No script, fee or UTXO validation: this is
// a store, not a mempool. Bounded and expiring. Not thread-safe.
#include <cstdint>
#include <list>
#include <map>
#include <vector>

#include "msgcapture/protocol/primitives.h"

namespace node {

struct PoolTx {
    msgcapture::Transaction tx;
    msgcapture::Uint256 txid;
    msgcapture::Uint256 wtxid;
    size_t size = 0;  // serialized with witnesses
    int64_t added_us = 0;
};

class TxPool {
public:
    static constexpr size_t MAX_TXS = 5000;
    static constexpr size_t MAX_BYTES = 64 * 1024 * 1024;
    static constexpr int64_t EXPIRY_US = 24LL * 3600 * 1'000'000;

    // False when it is already there.
    bool add(const msgcapture::Transaction& tx, int64_t now_us);
    const PoolTx* by_txid(const msgcapture::Uint256& txid) const;
    const PoolTx* by_wtxid(const msgcapture::Uint256& wtxid) const;
    // Drops what a block confirmed, and anything spending the same outputs.
    void remove_confirmed(const std::vector<msgcapture::Transaction>& block_txs);
    void expire(int64_t now_us);
    // In arrival order.
    std::vector<const PoolTx*> all() const;
    size_t size() const { return order_.size(); }

private:
    void erase(std::list<PoolTx>::iterator it);
    std::list<PoolTx> order_;
    std::map<msgcapture::Uint256, std::list<PoolTx>::iterator> by_txid_, by_wtxid_;
    size_t bytes_ = 0;
};

}  // namespace node
