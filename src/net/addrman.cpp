#include "net/addrman.h"

#include <algorithm>

#include "net/netaddress.h"

namespace node {

bool AddrMan::add_one(const msgcapture::TimedNetAddress& entry) {
    const asio::ip::address ip = from_v1_bytes(entry.addr.ip);
    if (entry.addr.port == 0 || !is_usable_address(ip, allow_local_)) return false;
    const std::string endpoint = format_endpoint(ip, entry.addr.port);
    auto it = entries_.find(endpoint);
    if (it != entries_.end()) {
        it->second.wire.time = std::max(it->second.wire.time, entry.time);
        return false;
    }
    if (entries_.size() >= MAX_ENTRIES) {
        // Full: a random old entry makes room, so the table keeps learning but never grows.
        const size_t victim = std::uniform_int_distribution<size_t>(0, order_.size() - 1)(rng_);
        entries_.erase(order_[victim]);
        order_[victim] = order_.back();
        order_.pop_back();
    }
    entries_.emplace(endpoint, KnownAddress{endpoint, entry});
    order_.push_back(endpoint);
    return true;
}

size_t AddrMan::add(const std::vector<msgcapture::TimedNetAddress>& entries) {
    std::lock_guard lock(mutex_);
    size_t added = 0;
    for (const auto& e : entries) added += add_one(e) ? 1 : 0;
    return added;
}

size_t AddrMan::add_v2(const std::vector<msgcapture::AddrV2Entry>& entries) {
    std::vector<msgcapture::TimedNetAddress> v1;
    for (const auto& e : entries) {
        if (auto t = from_addrv2(e)) v1.push_back(*t);
    }
    return add(v1);
}

std::vector<msgcapture::TimedNetAddress> AddrMan::sample(size_t max) {
    std::lock_guard lock(mutex_);
    std::vector<std::string> keys = order_;
    std::shuffle(keys.begin(), keys.end(), rng_);
    keys.resize(std::min(max, keys.size()));
    std::vector<msgcapture::TimedNetAddress> out;
    for (const auto& k : keys) out.push_back(entries_.at(k).wire);
    return out;
}

std::optional<std::string> AddrMan::pick(const std::vector<std::string>& exclude) {
    std::lock_guard lock(mutex_);
    for (int attempt = 0; attempt < 50 && !order_.empty(); ++attempt) {
        const std::string& e = order_[std::uniform_int_distribution<size_t>(0, order_.size() - 1)(rng_)];
        if (std::find(exclude.begin(), exclude.end(), e) == exclude.end()) return e;
    }
    return std::nullopt;
}

size_t AddrMan::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

}  // namespace node
