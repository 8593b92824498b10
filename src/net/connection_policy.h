#pragma once
// Which peers the node dials (Bitcoin Core's ThreadOpenConnections,
// ThreadOpenAddedConnections and ThreadDNSAddressSeed together): -connect
// targets, -addnode and the addnode RPC (retried while they are down),
// -seednode (once, as addr-fetch), DNS seeds when the address table is
// empty, and automatic outbound peers picked from the address table.
// One thread of its own, which stop() joins: name lookups block only it,
// and nothing it holds can outlive the node.
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "net/addrman.h"
#include "net/connman.h"

namespace node {

struct ConnectionPolicyOptions {
    std::vector<std::string> connect;   // -connect; {"0"}: no automatic connections
    std::vector<std::string> addnode;
    std::vector<std::string> seednode;
    std::vector<std::string> dns_seeds;  // empty with -dnsseed=0
    uint16_t default_port = 0;
};

class ConnectionPolicy {
public:
    ConnectionPolicy(ConnectionPolicyOptions options, Connman& connman, AddrMan& addrman);
    ~ConnectionPolicy();

    void start();
    void stop();

    // The addnode RPC: keep a connection to `target` open, or stop doing so.
    void add_node(const std::string& target);
    void remove_node(const std::string& target);

private:
    void run();
    void maintain(int64_t now_us);
    void query_dns_seeds();

    const ConnectionPolicyOptions options_;
    Connman& connman_;
    AddrMan& addrman_;

    std::thread thread_;
    std::mutex mutex_;  // guards added_nodes_ and stopping_
    std::condition_variable cv_;
    bool stopping_ = false;
    std::vector<std::string> added_nodes_;
    // Policy thread only:
    std::map<std::string, int64_t> last_dial_us_;
    bool seednodes_dialed_ = false;
    bool dns_seeded_ = false;
};

}  // namespace node
