#pragma once
// Sockets and framing (Bitcoin Core's CConnman): listens, dials, turns bytes
// into messages for the handler and writes what it queues. Runs its own
// network thread; everything here is callable from any thread.
#include <chrono>
#include <cstdint>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>

#include "chain/chainparams.h"
#include "net/peer.h"

namespace node {

class Connection;

class Connman {
public:
    struct Options {
        std::array<uint8_t, 4> magic{};
        uint16_t default_port = 0;
        std::vector<std::string> binds;  // host[:port]; used when listening
        bool listen = true;
        int max_connections = 125;
        // Bytes queued for one peer past which its messages wait (-maxsendbuffer).
        size_t max_send_buffer = 1'000'000;
        // Bytes (as receive_cost counts them) waiting for the handler past which reading pauses (-maxreceivebuffer).
        size_t max_receive_buffer = 5'000'000;
    };

    // `wake` is called whenever the handler has something new to look at.
    Connman(Options options, std::function<void()> wake);
    ~Connman();

    // Opens the listeners and starts the network thread. Throws std::runtime_error
    // naming the address when a listener cannot bind.
    void start();
    void stop();

    // Dials asynchronously; the peer appears in peers() once connected.
    void connect(const std::string& target, ConnectionType type);
    // True while a dial to `target` is in progress or a peer dialed as `target` is up.
    bool is_connected_or_pending(const std::string& target) const;

    void send(const std::shared_ptr<Peer>& peer, msgcapture::Bytes framed);
    void disconnect(const std::shared_ptr<Peer>& peer, const std::string& why);
    // The handler is done with a closed peer.
    void forget(int64_t peer_id);

    std::vector<std::shared_ptr<Peer>> peers() const;
    std::vector<std::string> listening_on() const;
    size_t connection_count() const;
    // Connections whose socket is still open: the cap new inbound connections
    // are checked against. A peer that closed holds no socket, even while the
    // handler has yet to finish it (a burst of connections that close at once
    // must not lock out the next one).
    size_t open_connection_count() const;
    // Bytes received and sent over every connection since start (getnettotals).
    uint64_t total_received() const { return total_received_; }
    uint64_t total_sent() const { return total_sent_; }

private:
    friend class Connection;
    void accept_next(asio::ip::tcp::acceptor& acceptor);
    void add_connection(asio::ip::tcp::socket socket, ConnectionType type, const std::string& target);
    // Network thread, when a new inbound connection finds every slot taken:
    // closes one inbound peer to make room. False when none may go.
    bool evict_inbound();
    void connection_closed(int64_t peer_id);
    // `bytes` queued for `peer` were written or dropped.
    void sent(Peer& peer, size_t bytes);

    Options options_;
    std::function<void()> wake_;
    asio::io_context io_;
    std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> acceptors_;
    std::thread thread_;
    std::atomic<int64_t> next_id_{0};

    mutable std::mutex mutex_;
    std::map<int64_t, std::shared_ptr<Peer>> peers_;
    std::map<int64_t, std::shared_ptr<Connection>> connections_;  // network thread only
    std::multiset<std::string> pending_;  // dials in progress
    std::chrono::steady_clock::time_point last_full_log_{};  // network thread only
    uint64_t dropped_while_full_ = 0;
    bool accept_failing_ = false;  // network thread only
    std::atomic<uint64_t> total_received_{0}, total_sent_{0};
};

}  // namespace node
