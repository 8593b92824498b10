#pragma once
// The message handler thread and the protocol rules (Bitcoin Core's
// PeerManager): takes each peer's messages in order, one per peer per pass,
// and queues replies. Every message taken and queued, and every connection
// event, is published on the tap (node/net_events.h), where capture, logging,
// counters, tracepoints and metrics subscribe. Which peers to dial is
// net/connection_policy.h's job.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "msgcapture/protocol/message.h"
#include "node/net_events.h"
#include "node/node_context.h"

namespace node {

struct PeerStats {
    int64_t id;
    std::string address;
    std::string local_address;
    std::string connection_type;
    bool inbound;
    int32_t version;
    uint64_t services;
    std::string user_agent;
    int32_t starting_height;
    int synced_headers;
    bool relay;
    bool handshake_done;
    int64_t connected_time;
    int64_t last_send, last_recv;
    uint64_t bytes_sent, bytes_received;
    std::optional<double> ping_time, min_ping;
    int64_t last_block = 0, last_transaction = 0;  // when the peer last gave us a new one (seconds; 0: never)
    uint64_t addr_processed = 0;
    uint64_t fee_filter = 0;  // the peer's feefilter, sat/kvB
};

class PeerManager {
public:
    // `events` has every subscriber before start().
    PeerManager(const NodeConfig& config, ChainState& chain, AddrMan& addrman, Connman& connman, const NetEvents& events);
    ~PeerManager();

    void start();
    // Disconnects everyone (each a Closed event, so capture sessions end) and stops the thread.
    void stop();
    // Something changed (a message arrived, a peer connected or closed).
    void wake();

    // Runs `task` on the message handler thread (RPC requests that send messages).
    void post(std::function<void()> task);

    std::vector<PeerStats> stats();
    void ping_all();
    void announce_tip();  // after `generate` extended the chain

private:
    struct PeerState;

    void run();
    bool process_one(PeerState& state);
    void handle(PeerState& s, const NetMessage& msg, std::optional<size_t> type_index);
    void initialize(const std::shared_ptr<Peer>& peer);
    void finalize(int64_t id);
    void periodic(int64_t now_us);

    template <class M>
    void send(PeerState& s, const M& message);
    void send_raw(PeerState& s, size_t type_index, const msgcapture::Bytes& payload);
    void send_version(PeerState& s);
    void send_getheaders(PeerState& s, const std::vector<msgcapture::Uint256>& locator, const msgcapture::Uint256& stop = {});
    void misbehaving(PeerState& s, const std::string& why);
    // An info line caused by what a peer did: rate-limited per peer, so that
    // no peer can fill debug.log.
    void log_peer(PeerState& s, const std::string& line);

    void on_version(PeerState& s, const msgcapture::MsgVersion& m);
    void on_verack(PeerState& s);
    void on_headers(PeerState& s, const msgcapture::MsgHeaders& m);
    void on_inv(PeerState& s, const std::vector<msgcapture::Inventory>& inv);
    void serve_getdata(PeerState& s);
    void on_getheaders(PeerState& s, const msgcapture::MsgGetHeaders& m);
    // Legacy inv-based sync (bcoin, old nodes): an inv of the next blocks after the locator.
    void on_getblocks(PeerState& s, const msgcapture::MsgGetBlocks& m);
    void on_getaddr(PeerState& s);
    // addr and addrv2: `add` puts the addresses in the table and says how many were new.
    template <class AddFn>
    void on_addr(PeerState& s, const std::string& type, size_t count, AddFn add);
    void on_block(PeerState& s, const msgcapture::Block& block, const msgcapture::Bytes& payload);
    void on_tx(PeerState& s, const msgcapture::Transaction& tx);
    void request_blocks(PeerState& s);
    void announce_transactions(PeerState& s);
    void announce_to(PeerState& s, const BlockIndex& tip);

    const NodeConfig& config_;
    ChainState& chain_;
    AddrMan& addrman_;
    Connman& connman_;
    const NetEvents& events_;
    const uint64_t local_nonce_;

    std::thread thread_;
    mutable std::mutex mutex_;  // guards states_ for stats(), tasks_, wake_
    std::condition_variable cv_;
    bool wake_flag_ = false;
    bool stopping_ = false;
    std::vector<std::function<void()>> tasks_;
    std::map<int64_t, std::unique_ptr<PeerState>> states_;
    msgcapture::MessageScratch scratch_;
    const BlockIndex* announced_tip_ = nullptr;
    int64_t last_housekeeping_us_ = 0;
    // Requests sent and not yet answered: hash -> (peer id, when), so that a
    // block or transaction is asked from one peer at a time.
    std::map<msgcapture::Uint256, std::pair<int64_t, int64_t>> blocks_in_flight_, txs_in_flight_;
};

}  // namespace node
