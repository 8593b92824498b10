#pragma once
// A bounded table of peer addresses learned from addr/addrv2, DNS seeds and
// -seednode, from which outbound peers are picked when -connect is not given.
// Thread-safe.
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "msgcapture/protocol/primitives.h"

namespace node {

struct KnownAddress {
    std::string endpoint;  // 1.2.3.4:8333 / [::1]:8333, dialable
    msgcapture::TimedNetAddress wire;
};

class AddrMan {
public:
    static constexpr size_t MAX_ENTRIES = 10'000;

    explicit AddrMan(bool allow_local) : allow_local_(allow_local), rng_(std::random_device{}()) {}

    // Keeps the usable IPv4/IPv6 entries; returns how many were new.
    size_t add(const std::vector<msgcapture::TimedNetAddress>& entries);
    size_t add_v2(const std::vector<msgcapture::AddrV2Entry>& entries);

    // Up to `max` random entries (for answering getaddr).
    std::vector<msgcapture::TimedNetAddress> sample(size_t max);
    // A random endpoint not in `exclude`, to dial.
    std::optional<std::string> pick(const std::vector<std::string>& exclude);
    size_t size() const;

private:
    bool add_one(const msgcapture::TimedNetAddress& entry);

    const bool allow_local_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, KnownAddress> entries_;
    std::vector<std::string> order_;  // for random picks
    std::mt19937_64 rng_;
};

}  // namespace node
