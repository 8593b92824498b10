#include "node/peer_manager.h"

#include <cstring>
#include <deque>
#include <future>
#include <set>
#include <random>
#include <thread>

#include <asio/ip/address.hpp>
#include <netdb.h>

#include "common/logging.h"
#include "common/time.h"
#include "chain/block_check.h"
#include "net/netaddress.h"

#include "msgcapture/protocol/codec.h"

namespace node {

using namespace msgcapture;

namespace {

constexpr int64_t SECOND = 1'000'000;
constexpr int64_t PING_INTERVAL = 2 * 60 * SECOND;
constexpr int64_t TIMEOUT_INTERVAL = 20 * 60 * SECOND;  // no pong / no data this long ends a connection
constexpr int64_t HANDSHAKE_TIMEOUT = 60 * SECOND;
constexpr size_t MAX_HEADERS_RESULTS = 2000;
constexpr size_t MAX_ADDR_TO_SEND = 1000;
constexpr int64_t REQUEST_TIMEOUT = 60 * SECOND;
constexpr size_t MAX_KNOWN_TXS = 50'000;  // per peer; forgotten in bulk past this
constexpr size_t MAX_INV_PER_MESSAGE = 1000;
constexpr size_t MAX_GETBLOCKS_RESULTS = 500;  // Bitcoin Core's answer to one getblocks
constexpr size_t MAX_INV_SZ = 50'000;  // Bitcoin Core's limit on inv and getdata entries
constexpr size_t MAX_TXS_IN_FLIGHT = 100'000;  // requested and unanswered, from all peers together
constexpr int64_t HEADERS_RESPONSE_TIME = 2 * 60 * SECOND;  // one getheaders in flight per peer, at most this long
constexpr size_t MAX_SUBVERSION_LENGTH = 256;  // Bitcoin Core's limit on the user agent
constexpr int MAX_UNDECODABLE_MESSAGES = 10;   // a peer that sends more is broken or hostile
// Lines a peer's behaviour may add to debug.log at the info level: a burst, then one per this long.
constexpr int LOG_BURST = 10;
constexpr int64_t LOG_REFILL = 6 * SECOND;
constexpr uint64_t DEFAULT_FEE_FILTER = 1000;  // sat/kvB, Bitcoin Core's minimum relay fee

uint64_t random_u64() {
    static thread_local std::mt19937_64 rng(std::random_device{}());
    return rng();
}

}  // namespace

struct PeerManager::PeerState {
    std::shared_ptr<Peer> peer;
    bool version_sent = false;
    bool version_received = false;
    bool verack_received = false;
    int32_t version = 0;
    uint64_t services = 0;
    std::string user_agent;
    int32_t starting_height = 0;
    bool relay = true;
    bool prefers_headers = false;
    bool wants_addrv2 = false;
    bool wtxid_relay = false;
    uint64_t fee_filter = 0;
    bool getaddr_answered = false;
    uint64_t ping_nonce = 0;  // 0: none outstanding
    int64_t ping_sent_us = 0;
    int64_t next_ping_us = 0;
    std::optional<int64_t> last_ping_us, min_ping_us;
    const BlockIndex* best_known = nullptr;
    std::set<Uint256> known_txs;  // txids and wtxids this peer has or was told about
    int64_t getheaders_sent_us = 0;  // 0: no getheaders awaiting its headers
    std::deque<Inventory> getdata_queue;  // requested items not yet served (paused by a full send buffer)
    int undecodable = 0;
    std::optional<Uint256> continue_hash;  // the last block of a full getblocks answer: serving it prompts the next getblocks
    int64_t last_block_us = 0, last_tx_us = 0;  // a new block or transaction from this peer (getpeerinfo)
    uint64_t addr_processed = 0;
    // debug.log lines this peer caused (token bucket) and those it was refused.
    int log_tokens = LOG_BURST;
    int64_t log_refilled_us = 0;
    uint64_t log_suppressed = 0;

    bool ready() const { return verack_received && !peer->disconnect_requested && !peer->closed; }
    std::string tag() const { return "peer=" + std::to_string(peer->id); }
};

PeerManager::PeerManager(const NodeConfig& config, ChainState& chain, AddrMan& addrman, Connman& connman, const NetEvents& events)
    : config_(config), chain_(chain), addrman_(addrman), connman_(connman), events_(events), local_nonce_(random_u64()) {}

PeerManager::~PeerManager() { stop(); }

void PeerManager::start() {
    thread_ = std::thread([this] { run(); });
}

void PeerManager::stop() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void PeerManager::wake() {
    {
        std::lock_guard lock(mutex_);
        wake_flag_ = true;
    }
    cv_.notify_all();
}

void PeerManager::post(std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        tasks_.push_back(std::move(task));
        wake_flag_ = true;
    }
    cv_.notify_all();
}

void PeerManager::run() {
    for (;;) {
        std::vector<std::function<void()>> tasks;
        {
            std::lock_guard lock(mutex_);
            if (stopping_) break;
            tasks.swap(tasks_);
        }
        for (auto& t : tasks) t();

        for (const auto& peer : connman_.peers()) {
            if (!states_.count(peer->id)) initialize(peer);
        }
        bool more = false;
        for (auto& [id, state] : states_) more |= process_one(*state);  // one message per peer per pass
        std::vector<int64_t> closed;
        for (auto& [id, state] : states_) {
            if (state->peer->closed) closed.push_back(id);
        }
        for (int64_t id : closed) finalize(id);
        periodic(now_micros());

        std::unique_lock lock(mutex_);
        if (!more && !wake_flag_ && !stopping_) cv_.wait_for(lock, std::chrono::milliseconds(100));
        wake_flag_ = false;
    }
    // Shutdown: every session ends, so every capture file is complete.
    for (auto& [id, state] : states_) connman_.disconnect(state->peer, "shutting down");
    std::vector<int64_t> ids;
    for (auto& [id, state] : states_) ids.push_back(id);
    for (int64_t id : ids) finalize(id);
    std::vector<std::function<void()>> left;
    {
        std::lock_guard lock(mutex_);
        left.swap(tasks_);
    }
    for (auto& t : left) t();  // answer RPC calls that were waiting
}

void PeerManager::initialize(const std::shared_ptr<Peer>& peer) {
    auto state = std::make_unique<PeerState>();
    state->peer = peer;
    state->next_ping_us = now_micros();
    PeerState& s = *state;
    states_[peer->id] = std::move(state);
    uint64_t same_direction = 0;
    for (const auto& [id, other] : states_) same_direction += other->peer->inbound() == peer->inbound();
    events_.connection({ConnectionEventKind::Opened, *peer, now_micros(), {}, same_direction});
    if (!peer->inbound()) send_version(s);
}

void PeerManager::finalize(int64_t id) {
    auto it = states_.find(id);
    if (it == states_.end()) return;
    const Peer& peer = *it->second->peer;
    if (peer.evicted) events_.connection({ConnectionEventKind::EvictedInbound, peer, now_micros(), peer.close_reason});
    events_.connection({ConnectionEventKind::Closed, peer, now_micros(), peer.close_reason.empty() ? "disconnected" : peer.close_reason});
    states_.erase(it);
    connman_.forget(id);
}

bool PeerManager::process_one(PeerState& s) {
    if (s.peer->disconnect_requested || s.peer->closed) return false;
    // Bitcoin Core's "pause send": while the peer does not read what it was
    // sent, none of its messages are processed, so its requests cannot make
    // the node queue replies without bound. The network thread wakes the
    // handler once the buffer drains.
    if (s.peer->send_buffer_full()) return false;
    if (!s.getdata_queue.empty()) {
        serve_getdata(s);  // earlier requests first, as Core does, before any new message
        return !s.getdata_queue.empty() || s.peer->has_received();
    }
    NetMessage msg;
    bool more;
    {
        std::lock_guard lock(s.peer->recv_mutex);
        if (s.peer->recv_queue.empty()) return false;
        msg = std::move(s.peer->recv_queue.front());
        s.peer->recv_queue.pop_front();
        s.peer->recv_queue_bytes -= receive_cost(msg);
        more = !s.peer->recv_queue.empty();
    }
    // The tap: a received message is published as it is taken off the queue,
    // before it is processed (CAPTURE-SPEC §2).
    const auto type_index = find_message_type(msg.type);
    events_.message({*s.peer, Direction::Received, now_micros(), msg.type, type_index, msg.payload});
    handle(s, msg, type_index);
    return more;
}

template <class M>
void PeerManager::send(PeerState& s, const M& message) {
    send_raw(s, message_index<M>, encode_payload(message));
}

void PeerManager::send_raw(PeerState& s, size_t type_index, const Bytes& payload) {
    if (s.peer->disconnect_requested || s.peer->closed) return;
    const std::string_view type = KnownMessages::types[type_index];
    // The tap: a sent message is published when it is queued.
    events_.message({*s.peer, Direction::Sent, now_micros(), type, type_index, payload});
    connman_.send(s.peer, frame_message(config_.params.magic, type, payload));
}

void PeerManager::misbehaving(PeerState& s, const std::string& why) {
    events_.connection({ConnectionEventKind::Misbehaving, *s.peer, now_micros(), why});
    log_peer(s, "Misbehaving: " + s.tag() + Logger::instance().peer_address_suffix(s.peer->address) + ": " + why + "; disconnecting");
    connman_.disconnect(s.peer, why);
}

void PeerManager::log_peer(PeerState& s, const std::string& line) {
    const int64_t now = now_micros();
    if (s.log_refilled_us == 0) s.log_refilled_us = now;
    while (s.log_tokens < LOG_BURST && now - s.log_refilled_us >= LOG_REFILL) {
        ++s.log_tokens;
        s.log_refilled_us += LOG_REFILL;
    }
    if (s.log_tokens == LOG_BURST) s.log_refilled_us = now;
    if (s.log_tokens == 0) {
        ++s.log_suppressed;
        return;
    }
    --s.log_tokens;
    if (s.log_suppressed == 0) return log_info(line);
    log_info(line + " (" + std::to_string(s.log_suppressed) + " earlier lines about " + s.tag() + " suppressed)");
    s.log_suppressed = 0;
}

void PeerManager::send_version(PeerState& s) {
    MsgVersion v;
    v.nVersion = PROTOCOL_VERSION;
    {
        std::lock_guard lock(chain_.mutex);
        v.nServices = chain_.local_services();
    }
    v.nTime = now_seconds();
    if (auto to = parse_ip_endpoint(s.peer->address, 0)) {
        v.addrTo.ip = to_v1_bytes(to->address());
        v.addrTo.port = to->port();
    }
    v.addrFrom.nServices = v.nServices;
    v.nNonce = local_nonce_;
    v.strSubVer = USER_AGENT;
    {
        std::lock_guard lock(chain_.mutex);
        v.nStartingHeight = chain_.chain.height();
    }
    v.relay = true;
    send(s, v);
    s.version_sent = true;
}

void PeerManager::send_getheaders(PeerState& s, const std::vector<Uint256>& locator, const Uint256& stop) {
    MsgGetHeaders m;
    m.locator.nVersion = PROTOCOL_VERSION;
    m.locator.vHave = locator;
    m.hashstop = stop;
    send(s, m);
    s.getheaders_sent_us = now_micros();
}

void PeerManager::handle(PeerState& s, const NetMessage& msg, std::optional<size_t> type_index) {
    const bool handshake_message = type_index == message_index<MsgVersion> || type_index == message_index<MsgVerack>;
    if (!s.version_received && type_index != message_index<MsgVersion>) {
        misbehaving(s, "non-version message before version handshake (" + msg.type + ")");
        return;
    }
    if (!type_index) {
        log_net("unknown message type " + msg.type + " " + s.tag());
        return;
    }
    try {
        scratch_.decode(*type_index, msg.payload);
    } catch (const DecodeError& e) {
        if (handshake_message) {
            misbehaving(s, "undecodable " + msg.type + " message (" + e.what() + ")");
        } else if (++s.undecodable >= MAX_UNDECODABLE_MESSAGES) {
            misbehaving(s, std::to_string(s.undecodable) + " undecodable messages, the last a " + msg.type + " (" + e.what() + ")");
        } else {
            log_peer(s, "could not decode " + msg.type + " from " + s.tag() + ": " + e.what());
        }
        return;
    }
    const std::string& t = msg.type;
    if (*type_index == message_index<MsgVersion>) return on_version(s, scratch_.get<MsgVersion>());
    if (*type_index == message_index<MsgVerack>) return on_verack(s);
    if (!s.verack_received) {
        // Before verack only feature negotiation is meaningful.
        if (*type_index == message_index<MsgWtxidRelay>) s.wtxid_relay = true;
        else if (*type_index == message_index<MsgSendAddrV2>) s.wants_addrv2 = true;
        else log_net("ignoring " + t + " before verack " + s.tag());
        return;
    }
    switch (*type_index) {
        case message_index<MsgPing>:
            return send(s, MsgPong{scratch_.get<MsgPing>().nonce});
        case message_index<MsgPong>: {
            const uint64_t nonce = scratch_.get<MsgPong>().nonce;
            if (s.ping_nonce != 0 && nonce == s.ping_nonce) {
                const int64_t rtt = now_micros() - s.ping_sent_us;
                s.last_ping_us = rtt;
                s.min_ping_us = s.min_ping_us ? std::min(*s.min_ping_us, rtt) : rtt;
                s.ping_nonce = 0;
            }
            return;
        }
        case message_index<MsgSendHeaders>:
            s.prefers_headers = true;
            return;
        case message_index<MsgFeeFilter>:
            s.fee_filter = scratch_.get<MsgFeeFilter>().feerate;
            return;
        case message_index<MsgAddr>:
            return on_addr(s, t, scratch_.get<MsgAddr>().addrs.size(), [&] { return addrman_.add(scratch_.get<MsgAddr>().addrs); });
        case message_index<MsgAddrV2>:
            return on_addr(s, t, scratch_.get<MsgAddrV2>().addrs.size(), [&] { return addrman_.add_v2(scratch_.get<MsgAddrV2>().addrs); });
        case message_index<MsgGetAddr>:
            return on_getaddr(s);
        case message_index<MsgHeaders>:
            return on_headers(s, scratch_.get<MsgHeaders>());
        case message_index<MsgGetHeaders>:
            return on_getheaders(s, scratch_.get<MsgGetHeaders>());
        case message_index<MsgGetBlocks>:
            return on_getblocks(s, scratch_.get<MsgGetBlocks>());
        case message_index<MsgInv>: {
            const auto& items = scratch_.get<MsgInv>().inv;
            if (items.size() > MAX_INV_SZ) return misbehaving(s, t + " message size = " + std::to_string(items.size()));
            return on_inv(s, items);
        }
        case message_index<MsgGetData>: {
            const auto& items = scratch_.get<MsgGetData>().inv;
            if (items.size() > MAX_INV_SZ) return misbehaving(s, t + " message size = " + std::to_string(items.size()));
            s.getdata_queue.insert(s.getdata_queue.end(), items.begin(), items.end());
            return serve_getdata(s);
        }
        case message_index<MsgBlock>:
            return on_block(s, scratch_.get<MsgBlock>().block, msg.payload);
        case message_index<MsgTx>:
            return on_tx(s, scratch_.get<MsgTx>().tx);
        case message_index<MsgNotFound>:
            // The peer does not have it (yet): it may be asked again, of anyone, on the next pass.
            for (const auto& item : scratch_.get<MsgNotFound>().vec) {
                for (auto* in_flight : {&blocks_in_flight_, &txs_in_flight_}) {
                    auto it = in_flight->find(item.hash);
                    if (it != in_flight->end() && it->second.first == s.peer->id) in_flight->erase(it);
                }
            }
            return;
        default:
            // The rest (filters, compact blocks, mempool, ...) has no effect on a header-only node.
            return;
    }
}

template <class AddFn>
void PeerManager::on_addr(PeerState& s, const std::string& type, size_t count, AddFn add) {
    if (count > MAX_ADDR_TO_SEND) return misbehaving(s, type + " message size = " + std::to_string(count));
    const size_t added = add();
    s.addr_processed += count;
    log_net("received " + std::to_string(count) + " addresses (" + std::to_string(added) + " new) " + s.tag());
    // An addr-fetch connection exists only to get addresses.
    if (s.peer->type == ConnectionType::AddrFetch) connman_.disconnect(s.peer, "addr-fetch done");
}

void PeerManager::on_version(PeerState& s, const MsgVersion& m) {
    if (s.version_received) {
        log_net("redundant version message " + s.tag());
        return;
    }
    if (m.nNonce == local_nonce_ && s.peer->inbound()) return misbehaving(s, "connected to self");
    if (m.nVersion < MIN_PEER_PROTO_VERSION) return misbehaving(s, "obsolete version " + std::to_string(m.nVersion));
    if (m.strSubVer.size() > MAX_SUBVERSION_LENGTH) {
        return misbehaving(s, "user agent of " + std::to_string(m.strSubVer.size()) + " bytes, over " + std::to_string(MAX_SUBVERSION_LENGTH));
    }
    s.version_received = true;
    s.version = m.nVersion;
    s.services = m.nServices;
    s.user_agent = sanitize_string(m.strSubVer);  // shown in logs and getpeerinfo, as Core's cleanSubVer
    s.starting_height = m.nStartingHeight;
    s.relay = m.relay.value_or(true);
    if (s.peer->inbound()) send_version(s);
    if (m.nVersion >= WTXID_RELAY_VERSION) send(s, MsgWtxidRelay{});  // BIP339, before verack
    send(s, MsgSendAddrV2{});                           // BIP155, before verack
    send(s, MsgVerack{});
}

void PeerManager::on_verack(PeerState& s) {
    if (s.verack_received) return;
    s.verack_received = true;
    log_info(std::string(s.peer->inbound() ? "New inbound" : "New outbound") + " peer connected: version: " +
             std::to_string(s.version) + ", blocks=" + std::to_string(s.starting_height) + ", " + s.tag() +
             " (" + connection_type_name(s.peer->type) + ", " + s.user_agent + ")");
    send(s, MsgSendHeaders{});
    send(s, MsgSendCmpct{false, 2});
    send(s, MsgFeeFilter{DEFAULT_FEE_FILTER});
    s.next_ping_us = now_micros();  // the first ping right away, as Bitcoin Core does
    std::vector<Uint256> locator;
    {
        std::lock_guard lock(chain_.mutex);
        locator = chain_.chain.locator();
    }
    send_getheaders(s, locator);  // headers sync from every peer
    const bool full_relay_outbound = !s.peer->inbound() && s.peer->type != ConnectionType::BlockRelayOnly;
    if (full_relay_outbound) {
        // Tell the peer where we listen, so it can pass us on; then ask for addresses.
        auto listening = connman_.listening_on();
        auto local = parse_ip_endpoint(s.peer->local_address, 0);
        if (!listening.empty() && local && config_.listen) {
            const auto ip = local->address();
            if (is_usable_address(ip, config_.params.local_network)) {
                TimedNetAddress self;
                self.time = static_cast<uint32_t>(now_seconds());
                {
                    std::lock_guard lock(chain_.mutex);
                    self.addr.nServices = chain_.local_services();
                }
                self.addr.ip = to_v1_bytes(ip);
                self.addr.port = config_.port;
                if (s.wants_addrv2) {
                    send(s, MsgAddrV2{{to_addrv2(self)}});
                } else {
                    send(s, MsgAddr{{self}});
                }
            }
        }
        send(s, MsgGetAddr{});
    }
}

void PeerManager::on_getaddr(PeerState& s) {
    // As Bitcoin Core: only inbound peers are answered, and only once per connection.
    if (!s.peer->inbound() || s.getaddr_answered) return;
    s.getaddr_answered = true;
    auto sample = addrman_.sample(MAX_ADDR_TO_SEND);
    if (sample.empty()) return;
    if (!s.wants_addrv2) return send(s, MsgAddr{sample});
    MsgAddrV2 v2;
    for (const auto& a : sample) v2.addrs.push_back(to_addrv2(a));
    send(s, v2);
}

void PeerManager::on_headers(PeerState& s, const MsgHeaders& m) {
    s.getheaders_sent_us = 0;  // the answer: another getheaders may go out
    if (m.headers.empty()) return;
    if (m.headers.size() > MAX_HEADERS_RESULTS) return misbehaving(s, "headers message size = " + std::to_string(m.headers.size()));
    const BlockIndex* last = nullptr;
    std::vector<Uint256> locator;
    bool disconnected = false;
    std::string invalid;
    int height = 0;
    {
        std::lock_guard lock(chain_.mutex);
        for (const auto& header : m.headers) {
            auto result = chain_.chain.accept(header, now_seconds());
            if (result.status == HeaderChain::Status::Disconnected) {
                disconnected = true;
                locator = chain_.chain.locator();
                break;
            }
            if (result.status == HeaderChain::Status::Invalid) {
                invalid = result.reason;
                break;
            }
            last = result.index;
        }
        if (last && m.headers.size() == MAX_HEADERS_RESULTS && invalid.empty() && !disconnected) locator = chain_.chain.locator(*last);
        if (last && (!s.best_known || last->chain_work > s.best_known->chain_work)) s.best_known = last;
        height = chain_.chain.height();
    }
    if (invalid == "time-too-new") {
        log_peer(s, "header from " + s.tag() + " is too far in the future; ignored");
    } else if (!invalid.empty()) {
        return misbehaving(s, "invalid header received (" + invalid + ")");
    }
    if (disconnected) {
        // Headers that do not connect: ask for the path from what we have.
        log_net("received headers that do not connect from " + s.tag() + "; asking for the chain");
        send_getheaders(s, locator);
        return;
    }
    log_net("received " + std::to_string(m.headers.size()) + " headers from " + s.tag() + ", best header height " + std::to_string(height));
    if (!locator.empty()) {
        send_getheaders(s, locator);  // a full batch: there is more
    } else {
        request_blocks(s);
    }
}

void PeerManager::on_getheaders(PeerState& s, const MsgGetHeaders& m) {
    std::vector<BlockHeader> headers;
    {
        std::lock_guard lock(chain_.mutex);
        if (m.locator.vHave.empty()) {
            // Only the header named by hashstop.
            if (const BlockIndex* index = chain_.chain.lookup(m.hashstop)) headers.push_back(index->header);
        } else {
            headers = chain_.chain.headers_after(m.locator.vHave, m.hashstop, MAX_HEADERS_RESULTS);
            // Whatever the locator names, the peer has.
            const BlockIndex& fork = chain_.chain.find_fork(m.locator.vHave);
            if (!s.best_known || fork.chain_work > s.best_known->chain_work) s.best_known = &fork;
        }
    }
    send(s, MsgHeaders{headers});
}

void PeerManager::on_getblocks(PeerState& s, const MsgGetBlocks& m) {
    std::vector<Inventory> inv;
    {
        std::lock_guard lock(chain_.mutex);
        const HeaderChain& chain = chain_.chain;
        const BlockIndex& fork = chain.find_fork(m.locator.vHave);
        if (!s.best_known || fork.chain_work > s.best_known->chain_work) s.best_known = &fork;
        for (int h = fork.height + 1; h <= chain.height(); ++h) {
            const BlockIndex* index = chain.at_height(h);
            // Only blocks the node can serve; the stop block itself is not sent (as in Core).
            if (index->hash == m.hashstop || !chain_.blocks.contains(index->hash)) break;
            inv.push_back({MSG_BLOCK, index->hash});
            if (inv.size() == MAX_GETBLOCKS_RESULTS) {
                s.continue_hash = index->hash;
                break;
            }
        }
    }
    if (!inv.empty()) send(s, MsgInv{inv});
}

void PeerManager::on_inv(PeerState& s, const std::vector<Inventory>& inv) {
    std::vector<Inventory> wanted;
    bool unknown_block = false;
    for (const auto& item : inv) {
        const uint32_t type = item.type & ~MSG_WITNESS_FLAG;
        if (type == MSG_TX || type == MSG_WTX) {
            if (s.known_txs.size() >= MAX_KNOWN_TXS) s.known_txs.clear();
            s.known_txs.insert(item.hash);
            bool have;
            {
                std::lock_guard lock(chain_.mutex);
                have = type == MSG_WTX ? chain_.pool.by_wtxid(item.hash) != nullptr : chain_.pool.by_txid(item.hash) != nullptr;
            }
            if (have || txs_in_flight_.count(item.hash) || txs_in_flight_.size() >= MAX_TXS_IN_FLIGHT) continue;
            txs_in_flight_[item.hash] = {s.peer->id, now_micros()};
            // Ask for the witness form: by wtxid as announced, or by txid with the witness flag.
            wanted.push_back({type == MSG_WTX ? MSG_WTX : (MSG_TX | MSG_WITNESS_FLAG), item.hash});
            continue;
        }
        if (type != MSG_BLOCK) continue;
        std::lock_guard lock(chain_.mutex);
        if (const BlockIndex* known = chain_.chain.lookup(item.hash)) {
            if (!s.best_known || known->chain_work > s.best_known->chain_work) s.best_known = known;
        } else {
            unknown_block = true;
        }
    }
    // Unknown blocks: learn the headers, with one getheaders per peer in
    // flight as Core does, however many blocks were announced (each extra
    // request would cost up to 2,000 headers for a few bytes of inv).
    if (unknown_block && (s.getheaders_sent_us == 0 || now_micros() - s.getheaders_sent_us > HEADERS_RESPONSE_TIME)) {
        std::vector<Uint256> locator;
        {
            std::lock_guard lock(chain_.mutex);
            locator = chain_.chain.locator();
        }
        send_getheaders(s, locator);
    }
    for (size_t i = 0; i < wanted.size(); i += MAX_INV_PER_MESSAGE) {
        send(s, MsgGetData{{wanted.begin() + static_cast<std::ptrdiff_t>(i),
                            wanted.begin() + static_cast<std::ptrdiff_t>(std::min(wanted.size(), i + MAX_INV_PER_MESSAGE))}});
    }
    request_blocks(s);
}

void PeerManager::serve_getdata(PeerState& s) {
    std::vector<Inventory> missing;
    // Items are served until the send buffer is full; the rest waits for the
    // peer to read (process_one comes back to them first).
    while (!s.getdata_queue.empty() && !s.peer->send_buffer_full() && !s.peer->disconnect_requested) {
        const Inventory item = s.getdata_queue.front();
        s.getdata_queue.pop_front();
        // A compact block request is answered with the whole block, as Core
        // answers one for a block too deep to send compactly (this node does
        // not do compact blocks).
        const uint32_t type = (item.type & ~MSG_WITNESS_FLAG) == MSG_CMPCT_BLOCK ? MSG_BLOCK : item.type & ~MSG_WITNESS_FLAG;
        const bool witness = (item.type & MSG_WITNESS_FLAG) != 0 || item.type == MSG_WTX || item.type == MSG_CMPCT_BLOCK;
        std::optional<std::pair<size_t, Bytes>> reply;  // type index, payload
        {
            std::lock_guard lock(chain_.mutex);
            if (type == MSG_BLOCK) {
                if (const Bytes* raw = chain_.blocks.find(item.hash)) reply.emplace(message_index<MsgBlock>, *raw);
            } else if (type == MSG_TX || type == MSG_WTX) {
                const PoolTx* p = type == MSG_WTX ? chain_.pool.by_wtxid(item.hash) : chain_.pool.by_txid(item.hash);
                if (p) reply.emplace(message_index<MsgTx>, encode_payload(MsgTx{p->tx}));
            }
        }
        if (!reply) {
            missing.push_back(item);
            continue;
        }
        if (!witness) {
            // The pre-segwit serialization, for peers that asked without the witness flag.
            if (reply->first == message_index<MsgBlock>) {
                MsgBlock block;
                decode_payload(reply->second, block);
                for (auto& tx : block.block.vtx) tx.wit.vtxinwit.clear();
                reply->second = encode_payload(block);
            } else {
                MsgTx tx;
                decode_payload(reply->second, tx);
                tx.tx.wit.vtxinwit.clear();
                reply->second = encode_payload(tx);
            }
        }
        send_raw(s, reply->first, reply->second);
        if (type == MSG_BLOCK && s.continue_hash == item.hash) {
            // The peer has reached the end of a full getblocks answer: our
            // tip in an inv makes it ask for the next batch (as Core does).
            s.continue_hash.reset();
            Uint256 tip;
            {
                std::lock_guard lock(chain_.mutex);
                tip = chain_.chain.tip().hash;
            }
            send(s, MsgInv{{{MSG_BLOCK, tip}}});
        }
    }
    if (!missing.empty()) send(s, MsgNotFound{missing});
}

void PeerManager::request_blocks(PeerState& s) {
    if (!s.ready() || !s.best_known) return;
    std::vector<Inventory> wanted;
    {
        std::lock_guard lock(chain_.mutex);
        const HeaderChain& chain = chain_.chain;
        const BlockIndex& tip = chain.tip();
        // A node far behind is syncing headers; blocks are only worth having near a recent tip.
        if (!config_.params.local_network && now_seconds() - static_cast<int64_t>(tip.header.nTime) > 24 * 3600) return;
        for (int h = std::max(1, tip.height - config_.params.block_download_window + 1); h <= tip.height; ++h) {
            const BlockIndex* index = chain.at_height(h);
            if (chain_.blocks.contains(index->hash) || blocks_in_flight_.count(index->hash)) continue;
            if (s.best_known->ancestor(h) != index) continue;  // this peer cannot have it
            blocks_in_flight_[index->hash] = {s.peer->id, now_micros()};
            wanted.push_back({MSG_BLOCK | MSG_WITNESS_FLAG, index->hash});
        }
    }
    if (!wanted.empty()) send(s, MsgGetData{wanted});
}

void PeerManager::on_block(PeerState& s, const Block& block, const Bytes& payload) {
    const Uint256 hash = block.header.hash();
    blocks_in_flight_.erase(hash);
    std::vector<Uint256> locator;
    std::string invalid;
    {
        std::lock_guard lock(chain_.mutex);
        const BlockIndex* index = chain_.chain.lookup(hash);
        if (!index) {
            auto result = chain_.chain.accept(block.header, now_seconds());
            if (result.status == HeaderChain::Status::Disconnected) {
                locator = chain_.chain.locator();
            } else if (result.status == HeaderChain::Status::Invalid) {
                invalid = "invalid block header (" + result.reason + ")";
            }
            index = result.index;
        }
        if (index && invalid.empty() && !chain_.blocks.contains(hash)) {
            // Its transactions must be the ones the header commits to; scripts are not checked.
            if (auto bad = check_block_contents(block)) {
                invalid = "invalid block (" + *bad + ")";
            } else {
                chain_.add_block(*index, block, payload);
                s.last_block_us = now_micros();
                if (!s.best_known || index->chain_work > s.best_known->chain_work) s.best_known = index;
                log_net("block " + hash.display_hex() + " height " + std::to_string(index->height) + " with " +
                        std::to_string(block.vtx.size()) + " transactions from " + s.tag());
            }
        }
    }
    if (!invalid.empty()) return misbehaving(s, invalid);
    if (!locator.empty()) send_getheaders(s, locator);
}

void PeerManager::on_tx(PeerState& s, const Transaction& tx) {
    const Uint256 id = txid(tx), wid = wtxid(tx);
    txs_in_flight_.erase(id);
    txs_in_flight_.erase(wid);
    s.known_txs.insert(id);
    s.known_txs.insert(wid);
    if (tx.vin.empty() || tx.vout.empty()) return;
    bool added;
    {
        std::lock_guard lock(chain_.mutex);
        added = chain_.pool.add(tx, now_micros());
    }
    if (added) s.last_tx_us = now_micros();
    if (added) log_net("accepted transaction " + id.display_hex() + " from " + s.tag() + " (not validated)");
}

void PeerManager::announce_transactions(PeerState& s) {
    if (!s.ready() || !s.relay) return;
    std::vector<Inventory> inv;
    {
        std::lock_guard lock(chain_.mutex);
        for (const PoolTx* p : chain_.pool.all()) {
            const Uint256& announced = s.wtxid_relay ? p->wtxid : p->txid;
            if (s.known_txs.count(announced)) continue;
            if (s.known_txs.size() >= MAX_KNOWN_TXS) s.known_txs.clear();
            s.known_txs.insert(announced);
            inv.push_back({s.wtxid_relay ? MSG_WTX : MSG_TX, announced});
        }
    }
    for (size_t i = 0; i < inv.size(); i += MAX_INV_PER_MESSAGE) {
        send(s, MsgInv{{inv.begin() + static_cast<std::ptrdiff_t>(i),
                        inv.begin() + static_cast<std::ptrdiff_t>(std::min(inv.size(), i + MAX_INV_PER_MESSAGE))}});
    }
}

void PeerManager::announce_to(PeerState& s, const BlockIndex& tip) {
    if (s.best_known && s.best_known->ancestor(tip.height) == &tip) return;  // it has the block already
    if (s.prefers_headers) {
        // BIP130: the new headers since what we last announced, if there are few.
        std::vector<BlockHeader> headers;
        const BlockIndex* walk = &tip;
        while (walk && walk != announced_tip_ && headers.size() <= 8) {
            if (s.best_known && s.best_known->ancestor(walk->height) == walk) break;
            headers.insert(headers.begin(), walk->header);
            walk = walk->prev;
        }
        if (!headers.empty() && headers.size() <= 8) {
            send(s, MsgHeaders{headers});
            s.best_known = &tip;
            return;
        }
    }
    send(s, MsgInv{{{MSG_BLOCK, tip.hash}}});
    s.best_known = &tip;
}

void PeerManager::periodic(int64_t now) {
    events_.tick(now);
    for (auto& [id, state] : states_) {
        PeerState& s = *state;
        if (s.peer->disconnect_requested || s.peer->closed) continue;
        if (!s.verack_received) {
            if (now - s.peer->connected_us > HANDSHAKE_TIMEOUT) misbehaving(s, "version handshake timeout");
            continue;
        }
        if (s.ping_nonce != 0 && now - s.ping_sent_us > TIMEOUT_INTERVAL) {
            misbehaving(s, "ping timeout");
            continue;
        }
        const int64_t last_receive = std::max<int64_t>(s.peer->last_receive_us, s.peer->connected_us);
        if (now - last_receive > TIMEOUT_INTERVAL) {
            misbehaving(s, "no data received for 20 minutes");
            continue;
        }
        if (s.ping_nonce == 0 && now >= s.next_ping_us) {
            do s.ping_nonce = random_u64();
            while (s.ping_nonce == 0);
            s.ping_sent_us = now;
            s.next_ping_us = now + PING_INTERVAL;
            send(s, MsgPing{s.ping_nonce});
        }
    }
    // Announce a new tip (mined here or learned from a peer) to everyone else.
    const BlockIndex* tip;
    {
        std::lock_guard lock(chain_.mutex);
        tip = &chain_.chain.tip();
    }
    if (tip != announced_tip_) {
        if (announced_tip_) {
            for (auto& [id, state] : states_) {
                if (state->ready()) announce_to(*state, *tip);
            }
        }
        announced_tip_ = tip;
    }
    if (now - last_housekeeping_us_ >= SECOND) {
        last_housekeeping_us_ = now;
        // Requests nobody answered may go to another peer.
        for (auto* in_flight : {&blocks_in_flight_, &txs_in_flight_}) {
            std::erase_if(*in_flight, [&](const auto& e) { return now - e.second.second > REQUEST_TIMEOUT || !states_.count(e.second.first); });
        }
        {
            std::lock_guard lock(chain_.mutex);
            chain_.pool.expire(now);
        }
        for (auto& [id, state] : states_) {
            announce_transactions(*state);
            request_blocks(*state);
        }
    }
}

std::vector<PeerStats> PeerManager::stats() {
    auto promise = std::make_shared<std::promise<std::vector<PeerStats>>>();
    auto future = promise->get_future();
    post([this, promise] {
        std::vector<PeerStats> out;
        for (const auto& [id, state] : states_) {
            const PeerState& s = *state;
            PeerStats st;
            st.id = id;
            st.address = s.peer->address;
            st.local_address = s.peer->local_address;
            st.connection_type = connection_type_name(s.peer->type);
            st.inbound = s.peer->inbound();
            st.version = s.version;
            st.services = s.services;
            st.user_agent = s.user_agent;
            st.starting_height = s.starting_height;
            st.synced_headers = s.best_known ? s.best_known->height : -1;
            st.relay = s.relay;
            st.handshake_done = s.verack_received;
            st.connected_time = s.peer->connected_us / SECOND;
            st.last_send = s.peer->last_send_us / SECOND;
            st.last_recv = s.peer->last_receive_us / SECOND;
            st.bytes_sent = s.peer->bytes_sent;
            st.bytes_received = s.peer->bytes_received;
            if (s.last_ping_us) st.ping_time = static_cast<double>(*s.last_ping_us) / 1e6;
            if (s.min_ping_us) st.min_ping = static_cast<double>(*s.min_ping_us) / 1e6;
            st.last_block = s.last_block_us / SECOND;
            st.last_transaction = s.last_tx_us / SECOND;
            st.addr_processed = s.addr_processed;
            st.fee_filter = s.fee_filter;
            out.push_back(std::move(st));
        }
        promise->set_value(std::move(out));
    });
    if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) return {};
    return future.get();
}

void PeerManager::ping_all() {
    post([this] {
        for (auto& [id, state] : states_) {
            if (state->ready() && state->ping_nonce == 0) state->next_ping_us = 0;  // sent on this pass
        }
    });
}

void PeerManager::announce_tip() { wake(); }

}  // namespace node
