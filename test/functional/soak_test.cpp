// The soak: 50 hostile clients of mixed kinds against one capturing node for
// 60 seconds. It passes when the node's peak memory stays under the bound in
// doc/reliability.md, RPC answers every probe within a second, an honest peer
// keeps getting its pongs, and the node shuts down cleanly.
//
// Run in the normal build only: under the sanitizers both memory and time
// mean something else (contrib/test.sh leaves the "soak" label out there).
#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>

#include "common/time.h"
#include "msgcapture/protocol/codec.h"
#include "msgcapture/protocol/messages.h"
#include "msgcapture/protocol/v1_framing.h"
#include "node_process.h"

using namespace functional;
using msgcapture::Bytes;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto SOAK = std::chrono::seconds(60);
constexpr uint64_t PEAK_RSS_BOUND = 400'000'000;  // doc/reliability.md

template <class M>
Bytes framed(const M& message) {
    return msgcapture::frame_message(REGTEST, M::TYPE, msgcapture::encode_payload(message));
}

Bytes repeated(const Bytes& one, size_t times) {
    Bytes out;
    for (size_t i = 0; i < times; ++i) out.insert(out.end(), one.begin(), one.end());
    return out;
}

// Writes what the socket takes without blocking; false once the node has closed it.
bool push(int fd, const Bytes& bytes) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    return n >= 0 || errno == EAGAIN;
}

// Reads and drops whatever is waiting; false once the node has closed the socket.
bool drain(int fd) {
    char buf[65536];
    for (;;) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n == 0) return false;
        if (n < 0) return errno == EAGAIN;
    }
}

enum class Kind {
    GetheadersNeverReads,  // pause-send
    EmptyMessageFlood,     // whole-cost receive limit
    UndecodablePings,      // disconnected, reconnects
    HugeInvAnnouncer,      // one getheaders in flight
    OversizedUserAgent,    // refused at version, reconnects
    Trickler,              // one byte at a time
    ConnectStorm,          // connect and close, again and again
    RpcUnauthenticatedBody,  // 401 before the body
    RpcSlowloris,          // partial headers, timed out or evicted
    GetdataNeverReads,     // the same block asked for over and over
};
constexpr int KINDS = 10;

void attack(Kind kind, NodeProcess& node, const msgcapture::Uint256& block, std::atomic<bool>& stop) {
    msgcapture::MsgGetHeaders getheaders;
    getheaders.locator.nVersion = 70016;
    getheaders.locator.vHave = {block};
    msgcapture::MsgInv inv;
    for (uint32_t i = 0; i < 50'000; ++i) {
        msgcapture::Uint256 h;
        std::memcpy(h.bytes.data(), &i, 4);
        h.bytes[31] = 0x55;
        inv.inv.push_back({2, h});
    }
    const Bytes getheaders_burst = repeated(framed(getheaders), 200);
    const Bytes empty_burst = repeated(msgcapture::frame_message(REGTEST, "zz", {}), 20'000);
    const Bytes bad_ping = msgcapture::frame_message(REGTEST, "ping", Bytes{1, 2, 3});
    const Bytes inv_message = framed(inv);
    const Bytes getdata_burst = repeated(framed(msgcapture::MsgGetData{std::vector<msgcapture::Inventory>(1000, {2 | (1u << 30), block})}), 5);
    msgcapture::MsgVersion huge;
    huge.nVersion = 70016;
    huge.strSubVer = std::string(1'000'000, 'U');
    const Bytes huge_version = framed(huge);
    const Bytes ping = framed(msgcapture::MsgPing{1});

    while (!stop) {
        const bool p2p = kind != Kind::RpcUnauthenticatedBody && kind != Kind::RpcSlowloris;
        const bool handshake = kind != Kind::OversizedUserAgent && kind != Kind::Trickler && kind != Kind::ConnectStorm && p2p;
        const int fd = handshake ? handshaken_peer(node.port()) : connect_loopback(p2p ? node.port() : node.rpc_port());
        if (fd < 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            continue;
        }
        const auto until = Clock::now() + std::chrono::seconds(5);
        bool open = true;
        size_t step = 0;
        while (!stop && open && Clock::now() < until) {
            switch (kind) {
                case Kind::GetheadersNeverReads: open = push(fd, getheaders_burst); break;
                case Kind::EmptyMessageFlood: open = push(fd, empty_burst) && drain(fd); break;
                case Kind::UndecodablePings: open = push(fd, bad_ping) && drain(fd); break;
                case Kind::HugeInvAnnouncer: open = push(fd, inv_message) && drain(fd); break;
                case Kind::OversizedUserAgent: open = push(fd, huge_version) && drain(fd); break;
                case Kind::Trickler: open = push(fd, Bytes{ping[step++ % ping.size()]}) && drain(fd); break;
                case Kind::ConnectStorm: open = false; break;
                case Kind::RpcUnauthenticatedBody: {
                    const std::string head = "POST / HTTP/1.1\r\nContent-Length: 16000000\r\n\r\n" + std::string(60'000, 'x');
                    open = push(fd, Bytes(head.begin(), head.end())) && drain(fd);
                    break;
                }
                case Kind::RpcSlowloris: open = push(fd, Bytes{'P'}) && drain(fd); break;
                case Kind::GetdataNeverReads: open = push(fd, getdata_burst); break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(kind == Kind::Trickler || kind == Kind::RpcSlowloris ? 200 : 20));
        }
        ::close(fd);
    }
}

}  // namespace

TEST(Soak, FiftyHostileClientsForSixtySeconds) {
    NodeProcess a({"-connect=0", "-capturemessages", "-capturesessionrate=0"});
    a.without_debug_log();
    a.start();
    a.generate(300);
    const std::string hex = a.rpc("getblockhash", {150});
    msgcapture::Uint256 block;
    for (size_t i = 0; i < 32; ++i) block.bytes[i] = static_cast<uint8_t>(std::stoi(hex.substr(62 - 2 * i, 2), nullptr, 16));

    std::atomic<bool> stop{false};
    std::vector<std::thread> attackers;
    for (int i = 0; i < 50; ++i) attackers.emplace_back(attack, static_cast<Kind>(i % KINDS), std::ref(a), block, std::ref(stop));

    // An honest peer pings once a second throughout and must always get its pong.
    std::atomic<int> pings{0}, pongs{0};
    std::thread honest([&] {
        const int fd = handshaken_peer(a.port());
        msgcapture::V1Deserializer d(REGTEST);
        std::vector<msgcapture::NetMessage> got;
        char buf[65536];
        while (!stop) {
            ++pings;
            send_all(fd, framed(msgcapture::MsgPing{static_cast<uint64_t>(pings.load())}));
            const auto deadline = Clock::now() + std::chrono::seconds(1);
            bool answered = false;
            while (!answered && Clock::now() < deadline) {
                pollfd p{fd, POLLIN, 0};
                if (::poll(&p, 1, 50) <= 0) continue;
                const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
                if (n <= 0) break;
                got.clear();
                d.feed(msgcapture::ByteSpan(reinterpret_cast<uint8_t*>(buf), static_cast<size_t>(n)), got);
                for (const auto& m : got) answered |= m.type == "pong";
            }
            pongs += answered ? 1 : 0;
            std::this_thread::sleep_for(std::chrono::milliseconds(1000));
        }
        ::close(fd);
    });

    uint64_t peak = 0;
    int probes = 0, slow = 0;
    std::chrono::milliseconds slowest{0};
    const auto end = Clock::now() + SOAK;
    while (Clock::now() < end) {
        peak = std::max(peak, a.rss_bytes());
        const auto t0 = Clock::now();
        try {
            a.rpc("getblockcount");
        } catch (const std::exception&) {
            ++slow;
        }
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
        slowest = std::max(slowest, took);
        slow += took >= std::chrono::seconds(1) ? 1 : 0;
        ++probes;
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    stop = true;
    for (auto& t : attackers) t.join();
    honest.join();
    std::printf("soak: %d s, 50 hostile clients: peak RSS %.1f MB (bound %.0f MB); %d RPC probes, slowest %lld ms, %d over 1 s; "
                "%d of %d pings answered within 1 s\n",
                static_cast<int>(SOAK.count()), peak / 1e6, PEAK_RSS_BOUND / 1e6, probes, static_cast<long long>(slowest.count()), slow,
                pongs.load(), pings.load());
    EXPECT_MEMORY_BELOW(peak, PEAK_RSS_BOUND);
    EXPECT_EQ(slow, 0);
    EXPECT_GE(pongs, pings - 1);  // the last ping may be cut off by the end of the soak
    EXPECT_EQ(a.stop(), 0);
}
