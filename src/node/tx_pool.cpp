#include "node/tx_pool.h"

#include <set>

#include "chain/block_check.h"
#include "msgcapture/protocol/codec.h"

namespace node {

bool TxPool::add(const msgcapture::Transaction& tx, int64_t now_us) {
    PoolTx entry{tx, txid(tx), wtxid(tx), msgcapture::encode_payload(tx).size(), now_us};
    const msgcapture::Uint256 id = entry.txid;
    if (by_txid_.count(id)) return false;
    order_.push_back(std::move(entry));
    auto it = std::prev(order_.end());
    by_txid_[it->txid] = it;
    by_wtxid_[it->wtxid] = it;
    bytes_ += it->size;
    while (order_.size() > MAX_TXS || bytes_ > MAX_BYTES) erase(order_.begin());  // the oldest go first
    return by_txid_.count(id) != 0;  // false if it was too big to keep
}

void TxPool::erase(std::list<PoolTx>::iterator it) {
    by_txid_.erase(it->txid);
    by_wtxid_.erase(it->wtxid);
    bytes_ -= it->size;
    order_.erase(it);
}

const PoolTx* TxPool::by_txid(const msgcapture::Uint256& id) const {
    auto it = by_txid_.find(id);
    return it == by_txid_.end() ? nullptr : &*it->second;
}

const PoolTx* TxPool::by_wtxid(const msgcapture::Uint256& id) const {
    auto it = by_wtxid_.find(id);
    return it == by_wtxid_.end() ? nullptr : &*it->second;
}

void TxPool::remove_confirmed(const std::vector<msgcapture::Transaction>& block_txs) {
    std::set<std::pair<msgcapture::Uint256, uint32_t>> spent;
    for (const auto& tx : block_txs) {
        if (auto it = by_txid_.find(txid(tx)); it != by_txid_.end()) erase(it->second);
        for (const auto& in : tx.vin) spent.insert({in.prevout.hash, in.prevout.n});
    }
    for (auto it = order_.begin(); it != order_.end();) {
        bool conflicts = false;
        for (const auto& in : it->tx.vin) conflicts |= spent.count({in.prevout.hash, in.prevout.n}) != 0;
        auto next = std::next(it);
        if (conflicts) erase(it);
        it = next;
    }
}

void TxPool::expire(int64_t now_us) {
    while (!order_.empty() && now_us - order_.front().added_us > EXPIRY_US) erase(order_.begin());
}

std::vector<const PoolTx*> TxPool::all() const {
    std::vector<const PoolTx*> out;
    for (const auto& e : order_) out.push_back(&e);
    return out;
}

}  // namespace node
