#include "net/connection_policy.h"

#include <netdb.h>

#include <algorithm>
#include <cstring>

#include <asio/ip/address.hpp>

#include "common/logging.h"
#include "common/time.h"
#include "net/netaddress.h"

namespace node {

namespace {

constexpr int64_t DIAL_RETRY_US = 5'000'000;
constexpr auto CHECK_INTERVAL = std::chrono::seconds(1);
constexpr int MAX_OUTBOUND_FULL_RELAY = 8;  // Bitcoin Core's outbound slots
constexpr int MAX_BLOCK_RELAY_ONLY = 2;

}  // namespace

ConnectionPolicy::ConnectionPolicy(ConnectionPolicyOptions options, Connman& connman, AddrMan& addrman)
    : options_(std::move(options)), connman_(connman), addrman_(addrman), added_nodes_(options_.addnode) {}

ConnectionPolicy::~ConnectionPolicy() { stop(); }

void ConnectionPolicy::start() {
    thread_ = std::thread([this] { run(); });
}

void ConnectionPolicy::stop() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void ConnectionPolicy::add_node(const std::string& target) {
    {
        std::lock_guard lock(mutex_);
        if (std::find(added_nodes_.begin(), added_nodes_.end(), target) == added_nodes_.end()) added_nodes_.push_back(target);
    }
    cv_.notify_all();  // dial it now, not on the next check
}

void ConnectionPolicy::remove_node(const std::string& target) {
    std::lock_guard lock(mutex_);
    added_nodes_.erase(std::remove(added_nodes_.begin(), added_nodes_.end(), target), added_nodes_.end());
}

void ConnectionPolicy::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        maintain(now_micros());
        lock.lock();
        cv_.wait_for(lock, CHECK_INTERVAL);
    }
}

void ConnectionPolicy::maintain(int64_t now) {
    auto dial = [&](const std::string& target, ConnectionType type) {
        if (connman_.is_connected_or_pending(target)) return;
        auto& last = last_dial_us_[target];
        if (now - last < DIAL_RETRY_US) return;
        last = now;
        connman_.connect(target, type);
    };
    std::vector<std::string> added;
    {
        std::lock_guard lock(mutex_);
        added = added_nodes_;
    }
    for (const auto& target : added) dial(target, ConnectionType::Manual);
    if (!options_.connect.empty()) {
        for (const auto& target : options_.connect) {
            if (target != "0") dial(target, ConnectionType::Manual);
        }
        return;  // -connect: no other automatic connections
    }
    if (!seednodes_dialed_) {
        seednodes_dialed_ = true;
        for (const auto& seed : options_.seednode) connman_.connect(seed, ConnectionType::AddrFetch);
    }
    if (!dns_seeded_ && !options_.dns_seeds.empty() && addrman_.size() == 0) {
        dns_seeded_ = true;
        query_dns_seeds();
    }
    int full_relay = 0, block_relay = 0;
    std::vector<std::string> connected;
    for (const auto& p : connman_.peers()) {
        connected.push_back(p->address);
        if (p->type == ConnectionType::OutboundFullRelay) ++full_relay;
        if (p->type == ConnectionType::BlockRelayOnly) ++block_relay;
    }
    while (full_relay < MAX_OUTBOUND_FULL_RELAY || block_relay < MAX_BLOCK_RELAY_ONLY) {
        auto pick = addrman_.pick(connected);
        if (!pick || connman_.is_connected_or_pending(*pick)) break;
        connected.push_back(*pick);
        const bool full = full_relay < MAX_OUTBOUND_FULL_RELAY;
        ++(full ? full_relay : block_relay);
        connman_.connect(*pick, full ? ConnectionType::OutboundFullRelay : ConnectionType::BlockRelayOnly);
    }
}

void ConnectionPolicy::query_dns_seeds() {
    for (const auto& seed : options_.dns_seeds) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
        }
        addrinfo hints{};
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* res = nullptr;
        if (getaddrinfo(seed.c_str(), nullptr, &hints, &res) != 0) continue;
        std::vector<msgcapture::TimedNetAddress> found;
        for (addrinfo* ai = res; ai; ai = ai->ai_next) {
            msgcapture::TimedNetAddress t;
            t.time = static_cast<uint32_t>(now_seconds());
            t.addr.nServices = 1;
            t.addr.port = options_.default_port;
            if (ai->ai_family == AF_INET) {
                asio::ip::address_v4::bytes_type b;
                std::memcpy(b.data(), &reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr, 4);
                t.addr.ip = to_v1_bytes(asio::ip::address_v4(b));
            } else if (ai->ai_family == AF_INET6) {
                std::memcpy(t.addr.ip.data(), &reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr, 16);
            } else {
                continue;
            }
            found.push_back(t);
        }
        freeaddrinfo(res);
        const size_t added = addrman_.add(found);
        log_info("DNS seed " + seed + ": " + std::to_string(added) + " addresses");
    }
}

}  // namespace node
