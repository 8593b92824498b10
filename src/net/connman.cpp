#include "net/connman.h"

#include <algorithm>
#include <array>
#include <deque>
#include <map>

#include <asio/connect.hpp>
#include <asio/ip/v6_only.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/read.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

#include "common/logging.h"
#include "common/time.h"
#include "net/netaddress.h"

namespace node {

const char* connection_type_name(ConnectionType type) {
    switch (type) {
        case ConnectionType::Inbound: return "inbound";
        case ConnectionType::OutboundFullRelay: return "outbound-full-relay";
        case ConnectionType::BlockRelayOnly: return "block-relay-only";
        case ConnectionType::Manual: return "manual";
        case ConnectionType::Feeler: return "feeler";
        case ConnectionType::AddrFetch: return "addr-fetch";
    }
    return "unknown";
}

const char* network_name(Network network) {
    switch (network) {
        case Network::IPv4: return "ipv4";
        case Network::IPv6: return "ipv6";
        case Network::Onion: return "onion";
        case Network::I2P: return "i2p";
        case Network::CJDNS: return "cjdns";
    }
    return "unknown";
}

namespace {

Network network_of(const asio::ip::address& address) {
    if (address.is_v4() || (address.is_v6() && address.to_v6().is_v4_mapped())) return Network::IPv4;
    return Network::IPv6;
}
constexpr auto CONNECT_TIMEOUT = std::chrono::seconds(5);
constexpr auto ACCEPT_RETRY = std::chrono::milliseconds(500);
}  // namespace

// One socket on the network thread.
class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(Connman& connman, asio::ip::tcp::socket socket, std::shared_ptr<Peer> peer, const std::array<uint8_t, 4>& magic)
        : connman_(connman), socket_(std::move(socket)), peer_(std::move(peer)), deserializer_(magic),
          pause_timer_(socket_.get_executor()) {}

    void start() { read(); }

    void write(msgcapture::Bytes data) {
        if (closed_) return connman_.sent(*peer_, data.size());
        queue_.push_back(std::move(data));
        if (queue_.size() == 1) write_front();
    }

    void close(const std::string& why) {
        if (closed_) return;
        closed_ = true;
        log_net("disconnecting peer=" + std::to_string(peer_->id) + (why.empty() ? "" : ": " + why));
        asio::error_code ignored;
        socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
        pause_timer_.cancel();
        // What will never be written no longer counts (the write in progress
        // completes with an error and is counted there).
        for (size_t i = queue_.empty() ? 0 : 1; i < queue_.size(); ++i) connman_.sent(*peer_, queue_[i].size());
        if (queue_.size() > 1) queue_.erase(queue_.begin() + 1, queue_.end());
        peer_->close_reason = why;
        peer_->closed = true;
        connman_.connection_closed(peer_->id);
    }

private:
    void read() {
        if (closed_) return;
        size_t queued;
        {
            std::lock_guard lock(peer_->recv_mutex);
            queued = peer_->recv_queue_bytes;
        }
        if (queued > connman_.options_.max_receive_buffer) {  // the handler is behind: wait, do not buffer without bound
            pause_timer_.expires_after(std::chrono::milliseconds(20));
            pause_timer_.async_wait([self = shared_from_this()](asio::error_code ec) {
                if (!ec) self->read();
            });
            return;
        }
        socket_.async_read_some(asio::buffer(buffer_), [self = shared_from_this()](asio::error_code ec, size_t n) {
            self->on_read(ec, n);
        });
    }

    void on_read(asio::error_code ec, size_t n) {
        if (ec) {
            close(ec == asio::error::eof ? "connection closed by peer" : ec.message());
            return;
        }
        peer_->bytes_received += n;
        connman_.total_received_ += n;
        peer_->last_receive_us = now_micros();
        std::vector<NetMessage> messages;
        auto error = deserializer_.feed(msgcapture::ByteSpan(buffer_.data(), n), messages);
        if (!messages.empty()) {
            std::lock_guard lock(peer_->recv_mutex);
            for (auto& m : messages) {
                peer_->recv_queue_bytes += receive_cost(m);
                peer_->recv_queue.push_back(std::move(m));
            }
        }
        if (!messages.empty()) connman_.wake_();
        if (error) {
            // Transport faults are logged, never captured: they never became messages.
            log_info("peer=" + std::to_string(peer_->id) + " sent invalid data (" + *error + ")");
            close(*error);
            return;
        }
        read();
    }

    void write_front() {
        asio::async_write(socket_, asio::buffer(queue_.front()), [self = shared_from_this()](asio::error_code ec, size_t n) {
            if (ec) {
                self->close(ec.message());
                self->connman_.sent(*self->peer_, self->queue_.front().size());
                self->queue_.clear();
                return;
            }
            self->peer_->bytes_sent += n;
            self->connman_.total_sent_ += n;
            self->peer_->last_send_us = now_micros();
            self->connman_.sent(*self->peer_, self->queue_.front().size());
            self->queue_.pop_front();
            if (!self->queue_.empty()) self->write_front();
        });
    }

    Connman& connman_;
    asio::ip::tcp::socket socket_;
    std::shared_ptr<Peer> peer_;
    msgcapture::V1Deserializer deserializer_;
    std::array<uint8_t, 64 * 1024> buffer_{};
    std::deque<msgcapture::Bytes> queue_;
    asio::steady_timer pause_timer_;
    bool closed_ = false;
};

Connman::Connman(Options options, std::function<void()> wake) : options_(std::move(options)), wake_(std::move(wake)) {}

Connman::~Connman() { stop(); }

void Connman::start() {
    if (options_.listen) {
        std::vector<std::string> binds = options_.binds;
        if (binds.empty()) binds = {"0.0.0.0", "::"};
        for (const std::string& bind : binds) {
            const auto parsed = parse_ip_endpoint(bind, options_.default_port);
            if (!parsed) throw std::runtime_error("Invalid -bind address '" + bind + "'");
            const asio::ip::tcp::endpoint endpoint = *parsed;
            const asio::ip::address address = endpoint.address();
            asio::error_code ec;
            auto acceptor = std::make_unique<asio::ip::tcp::acceptor>(io_);
            acceptor->open(endpoint.protocol(), ec);
            if (!ec) acceptor->set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
            if (!ec && address.is_v6()) acceptor->set_option(asio::ip::v6_only(true), ec);
            if (!ec) acceptor->bind(endpoint, ec);
            if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
            if (ec) {
                // The default dual bind tolerates a missing IPv6 stack; an explicit -bind does not.
                if (options_.binds.empty() && address.is_v6()) continue;
                throw std::runtime_error("Unable to bind to " + format_endpoint(address, endpoint.port()) + " on this computer (" + ec.message() + ")");
            }
            log_info("Bound to " + format_endpoint(address, acceptor->local_endpoint().port()));
            acceptors_.push_back(std::move(acceptor));
        }
        for (auto& a : acceptors_) accept_next(*a);
    }
    thread_ = std::thread([this] {
        auto guard = asio::make_work_guard(io_);
        io_.run();
    });
}

void Connman::stop() {
    if (!thread_.joinable()) return;
    asio::post(io_, [this] {
        for (auto& a : acceptors_) a->close();
        auto connections = connections_;
        for (auto& [id, c] : connections) c->close("shutting down");
    });
    // Give the closes a moment to run, then stop the loop.
    asio::post(io_, [this] { io_.stop(); });
    thread_.join();
}

void Connman::accept_next(asio::ip::tcp::acceptor& acceptor) {
    acceptor.async_accept([this, &acceptor](asio::error_code ec, asio::ip::tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
        if (ec) {
            // Out of descriptors or buffers: accepting again at once would
            // fail again at once and spin. Wait, then go on; say so once a streak.
            if (!accept_failing_) log_info("cannot accept connections: " + ec.message() + "; retrying every " + std::to_string(ACCEPT_RETRY.count()) + " ms");
            accept_failing_ = true;
            auto timer = std::make_shared<asio::steady_timer>(io_, ACCEPT_RETRY);
            timer->async_wait([this, &acceptor, timer](asio::error_code) {
                if (acceptor.is_open()) accept_next(acceptor);
            });
            return;
        }
        accept_failing_ = false;
        if (static_cast<int>(open_connection_count()) >= options_.max_connections && !evict_inbound()) {
            // Full, and no inbound peer may make room: the connection is closed at once. A flood of them adds one
            // log line a minute, with the count.
            asio::error_code ignored;
            auto remote = socket.remote_endpoint(ignored);
            socket.close(ignored);
            ++dropped_while_full_;
            const auto now = std::chrono::steady_clock::now();
            if (now - last_full_log_ >= std::chrono::minutes(1)) {
                log_info("connection from " + format_endpoint(remote.address(), remote.port()) + " dropped (full, -maxconnections=" +
                         std::to_string(options_.max_connections) + "); " + std::to_string(dropped_while_full_) +
                         " dropped since the last such line");
                last_full_log_ = now;
                dropped_while_full_ = 0;
            }
        } else {
            add_connection(std::move(socket), ConnectionType::Inbound, "");
        }
        accept_next(acceptor);
    });
}

void Connman::add_connection(asio::ip::tcp::socket socket, ConnectionType type, const std::string& target) {
    asio::error_code ec;
    auto remote = socket.remote_endpoint(ec);
    auto local = socket.local_endpoint(ec);
    if (ec) return;
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    const int64_t id = next_id_++;
    auto peer = std::make_shared<Peer>(id, format_endpoint(remote.address(), remote.port()), network_of(remote.address()), type, now_micros(), target);
    peer->local_address = format_endpoint(local.address(), local.port());
    peer->max_send_buffer = options_.max_send_buffer;
    auto connection = std::make_shared<Connection>(*this, std::move(socket), peer, options_.magic);
    {
        std::lock_guard lock(mutex_);
        peers_[id] = peer;
        connections_[id] = connection;
    }
    log_net(std::string(type == ConnectionType::Inbound ? "accepted inbound connection" : "opened outbound connection") + " (" +
            connection_type_name(type) + ") peer=" + std::to_string(id) + Logger::instance().peer_address_suffix(peer->address));
    connection->start();
    wake_();
}

void Connman::connect(const std::string& target, ConnectionType type) {
    auto hp = parse_host_port(target, options_.default_port);
    if (!hp) {
        log_info("cannot connect to '" + target + "': not a valid address");
        return;
    }
    {
        std::lock_guard lock(mutex_);
        pending_.insert(target);
    }
    asio::post(io_, [this, target, type, hp = *hp] {
        auto resolver = std::make_shared<asio::ip::tcp::resolver>(io_);
        auto socket = std::make_shared<asio::ip::tcp::socket>(io_);
        auto timer = std::make_shared<asio::steady_timer>(io_, CONNECT_TIMEOUT);
        auto done = [this, target] {
            std::lock_guard lock(mutex_);
            pending_.erase(pending_.find(target));
        };
        timer->async_wait([socket, resolver](asio::error_code ec) {
            if (ec) return;  // cancelled: the dial finished first
            resolver->cancel();
            asio::error_code ignored;
            socket->close(ignored);
        });
        resolver->async_resolve(hp.host, std::to_string(hp.port),
            [this, target, type, socket, timer, resolver, done](asio::error_code ec, asio::ip::tcp::resolver::results_type results) {
                if (ec) {
                    timer->cancel();
                    log_net("cannot resolve " + target + ": " + ec.message());
                    done();
                    return;
                }
                asio::async_connect(*socket, results, [this, target, type, socket, timer, done](asio::error_code ec2, const asio::ip::tcp::endpoint&) {
                    timer->cancel();
                    if (ec2) {
                        log_net("connection to " + target + " failed: " + ec2.message());
                    } else {
                        add_connection(std::move(*socket), type, target);
                    }
                    done();
                });
            });
    });
}

namespace {

// The group a peer's address belongs to for eviction: its /16 (IPv4) or /32 (IPv6),
// so that one network cannot take every protected place.
std::string netgroup(const std::string& address) {
    const auto endpoint = parse_ip_endpoint(address, 0);
    if (!endpoint) return address;
    const auto bytes = to_v1_bytes(endpoint->address());
    const bool v4 = network_of(endpoint->address()) == Network::IPv4;
    return std::string(reinterpret_cast<const char*>(bytes.data()) + (v4 ? 12 : 0), v4 ? 2 : 4);
}

}  // namespace

bool Connman::evict_inbound() {
    std::shared_ptr<Peer> victim;
    {
        std::lock_guard lock(mutex_);
        std::vector<std::shared_ptr<Peer>> candidates;
        for (const auto& [id, p] : peers_) {
            if (p->inbound() && !p->closed && !p->disconnect_requested) candidates.push_back(p);
        }
        // A simpler form of Bitcoin Core's rule: the longest-connected half is
        // protected (so a flood of new connections cannot push out peers that
        // were there first); of the rest, the youngest peer of the most
        // crowded network group makes room.
        std::sort(candidates.begin(), candidates.end(), [](const auto& x, const auto& y) { return x->connected_us < y->connected_us; });
        candidates.erase(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>((candidates.size() + 1) / 2));
        if (candidates.empty()) return false;
        std::map<std::string, std::vector<std::shared_ptr<Peer>>> groups;  // each youngest last
        for (const auto& p : candidates) groups[netgroup(p->address)].push_back(p);
        const auto& crowded = std::max_element(groups.begin(), groups.end(), [](const auto& x, const auto& y) {
            if (x.second.size() != y.second.size()) return x.second.size() < y.second.size();
            return x.second.back()->connected_us < y.second.back()->connected_us;
        })->second;
        victim = crowded.back();
    }
    victim->evicted = true;
    log_net("evicting peer=" + std::to_string(victim->id) + Logger::instance().peer_address_suffix(victim->address) +
            " to make room for a new inbound connection");
    victim->disconnect_requested = true;
    auto it = connections_.find(victim->id);
    if (it != connections_.end()) it->second->close("evicted: inbound slots full");
    return true;
}

bool Connman::is_connected_or_pending(const std::string& target) const {
    std::lock_guard lock(mutex_);
    if (pending_.count(target)) return true;
    for (const auto& [id, p] : peers_) {
        if (p->target == target && !p->closed) return true;
    }
    return false;
}

void Connman::send(const std::shared_ptr<Peer>& peer, msgcapture::Bytes framed) {
    peer->send_queue_bytes += framed.size();
    asio::post(io_, [this, peer, data = std::move(framed)]() mutable {
        auto it = connections_.find(peer->id);
        if (it != connections_.end()) {
            it->second->write(std::move(data));
        } else {
            sent(*peer, data.size());
        }
    });
}

void Connman::sent(Peer& peer, size_t bytes) {
    const bool was_full = peer.send_buffer_full();
    peer.send_queue_bytes -= bytes;
    if (was_full && !peer.send_buffer_full()) wake_();  // the handler paused this peer: it may go on
}

void Connman::disconnect(const std::shared_ptr<Peer>& peer, const std::string& why) {
    peer->disconnect_requested = true;
    asio::post(io_, [this, id = peer->id, why] {
        auto it = connections_.find(id);
        if (it != connections_.end()) it->second->close(why);
    });
}

void Connman::connection_closed(int64_t peer_id) {
    {
        std::lock_guard lock(mutex_);
        connections_.erase(peer_id);
    }
    wake_();
}

void Connman::forget(int64_t peer_id) {
    std::lock_guard lock(mutex_);
    peers_.erase(peer_id);
}

std::vector<std::shared_ptr<Peer>> Connman::peers() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<Peer>> out;
    for (const auto& [id, p] : peers_) out.push_back(p);
    return out;
}

std::vector<std::string> Connman::listening_on() const {
    std::vector<std::string> out;
    for (const auto& a : acceptors_) {
        asio::error_code ec;
        auto ep = a->local_endpoint(ec);
        if (!ec) out.push_back(format_endpoint(ep.address(), ep.port()));
    }
    return out;
}

size_t Connman::open_connection_count() const {
    std::lock_guard lock(mutex_);
    return static_cast<size_t>(std::count_if(peers_.begin(), peers_.end(), [](const auto& e) { return !e.second->closed; }));
}

size_t Connman::connection_count() const {
    std::lock_guard lock(mutex_);
    return peers_.size();
}

}  // namespace node
