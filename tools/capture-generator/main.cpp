// capture-generator: writes a synthetic capture directory of a chosen size with
// a mainnet-like mix of messages (mostly inv, getdata and segwit tx; some
// ping/pong, addr with up to 1,000 entries, headers with up to 2,000, and
// blocks of 500-3,000 transactions), for the parser's benchmarks. With
// --mix blocks the bytes are mostly blocks of 200 kB to 2 MB, as in a real
// node's capture, and with --mix dense every message is a maximum-size
// transaction of empty outputs: the most JSON per byte, for the memory bound.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "msgcapture/format/record.h"
#include "msgcapture/protocol/codec.h"
#include "msgcapture/protocol/messages.h"

namespace fs = std::filesystem;
using namespace msgcapture;

namespace {

class Generator {
public:
    explicit Generator(uint64_t seed) : rng_(seed) {}

    uint64_t u64() { return rng_(); }
    uint32_t below(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }

    Uint256 hash() {
        Uint256 h;
        for (size_t i = 0; i < 32; i += 8) {
            const uint64_t v = rng_();
            std::memcpy(h.bytes.data() + i, &v, 8);
        }
        return h;
    }

    Bytes bytes(size_t n) {
        Bytes b(n);
        for (auto& x : b) x = static_cast<uint8_t>(rng_());
        return b;
    }

    // A P2WPKH spend: one or two inputs with a signature and a key in the witness.
    Transaction segwit_tx() {
        Transaction tx;
        tx.version = 2;
        const uint32_t inputs = 1 + below(2), outputs = 1 + below(2);
        for (uint32_t i = 0; i < inputs; ++i) tx.vin.push_back({{hash(), below(4)}, {}, 0xfffffffd});
        for (uint32_t i = 0; i < outputs; ++i) {
            Bytes script = {0x00, 0x14};
            auto h = bytes(20);
            script.insert(script.end(), h.begin(), h.end());
            tx.vout.push_back({static_cast<int64_t>(below(100'000'000)), script});
        }
        tx.wit.vtxinwit.resize(inputs);
        for (auto& w : tx.wit.vtxinwit) w.scriptWitness.stack = {bytes(71), bytes(33)};
        tx.nLockTime = below(900'000);
        return tx;
    }

    // A transaction just under the 4,000,000-byte message limit: one input and
    // as many 9-byte empty outputs as fit.
    std::pair<std::string_view, Bytes> dense_tx() {
        Transaction tx;
        tx.version = 1;
        tx.vin.push_back({{hash(), 0}, {}, 0xffffffff});
        constexpr size_t FIXED = 4 + 1 + 41 + 5 + 4;  // version, input count, input, output count, lock time
        tx.vout.resize((MAX_PROTOCOL_MESSAGE_LENGTH - FIXED) / 9, TxOut{0, {}});
        return {MsgTx::TYPE, encode_payload(MsgTx{tx})};
    }

    BlockHeader header() {
        return {0x20000000, hash(), hash(), 1'700'000'000 + below(10'000'000), 0x17034219, static_cast<uint32_t>(u64())};
    }

    // One message of the mix; returns its type and payload.
    std::pair<std::string_view, Bytes> message() { return message_below(1000); }

    // The mainnet mix's message for a roll below `rolls` (of 1,000): 970 gives
    // only its small messages.
    std::pair<std::string_view, Bytes> message_below(uint32_t rolls) {
        const uint32_t roll = below(rolls);
        if (roll < 380) {
            MsgInv m;
            const uint32_t n = 1 + below(35);
            for (uint32_t i = 0; i < n; ++i) m.inv.push_back({5, hash()});
            return {MsgInv::TYPE, encode_payload(m)};
        }
        if (roll < 560) {
            MsgGetData m;
            const uint32_t n = 1 + below(10);
            for (uint32_t i = 0; i < n; ++i) m.inv.push_back({5, hash()});
            return {MsgGetData::TYPE, encode_payload(m)};
        }
        if (roll < 910) return {MsgTx::TYPE, encode_payload(MsgTx{segwit_tx()})};
        if (roll < 940) return {MsgPing::TYPE, encode_payload(MsgPing{u64()})};
        if (roll < 970) return {MsgPong::TYPE, encode_payload(MsgPong{u64()})};
        if (roll < 980) {
            MsgAddr m;
            const uint32_t n = 1 + below(1000);
            for (uint32_t i = 0; i < n; ++i) {
                TimedNetAddress a;
                a.time = 1'700'000'000 + below(1000);
                a.addr.nServices = 0x409;
                a.addr.ip = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, static_cast<uint8_t>(u64()), static_cast<uint8_t>(u64()),
                             static_cast<uint8_t>(u64()), static_cast<uint8_t>(u64())};
                a.addr.port = 8333;
                m.addrs.push_back(a);
            }
            return {MsgAddr::TYPE, encode_payload(m)};
        }
        if (roll < 995) return headers_message();
        MsgBlock m;
        m.block.header = header();
        const uint32_t n = 500 + below(2501);
        for (uint32_t i = 0; i < n; ++i) m.block.vtx.push_back(segwit_tx());
        return {MsgBlock::TYPE, encode_payload(m)};
    }

    // A real node's capture: by count mostly inv, getdata and tx, as in the
    // mainnet mix; by bytes mostly blocks of 200 kB to 2 MB (about 85%) and
    // headers messages (about 8%).
    std::pair<std::string_view, Bytes> block_heavy_message() {
        const uint32_t roll = below(1000);
        if (roll < 4) return block_of_about(200'000 + below(1'800'001));
        if (roll < 9) return headers_message();
        return message_below(970);  // inv, getdata, tx, ping and pong
    }

private:
    // A headers message of 1 to 2,000 headers.
    std::pair<std::string_view, Bytes> headers_message() {
        MsgHeaders m;
        const uint32_t n = 1 + below(2000);
        for (uint32_t i = 0; i < n; ++i) m.headers.push_back(header());
        return {MsgHeaders::TYPE, encode_payload(m)};
    }

    // Segwit transactions until the block holds about `bytes`.
    std::pair<std::string_view, Bytes> block_of_about(uint32_t bytes) {
        MsgBlock m;
        m.block.header = header();
        size_t size = 80;
        while (size < bytes) {
            m.block.vtx.push_back(segwit_tx());
            size += encode_payload(MsgTx{m.block.vtx.back()}).size();
        }
        return {MsgBlock::TYPE, encode_payload(m)};
    }

    std::mt19937_64 rng_;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Write a synthetic capture directory with a mainnet-like message mix.", "capture-generator"};
    double megabytes = 20;
    uint64_t seed = 1;
    int peers = 8;
    std::string mix = "mainnet";
    std::string out;
    app.add_option("-s,--size", megabytes, "Approximate total size in MB (10^6 bytes)")->check(CLI::PositiveNumber);
    app.add_option("--seed", seed, "Random seed (the same seed gives the same files)");
    app.add_option("--peers", peers, "Peer directories to spread the messages over")->check(CLI::Range(1, 1000));
    app.add_option("--mix", mix,
                   "mainnet (the default), blocks (by bytes mostly blocks of 200 kB to 2 MB, as real captures are) or "
                   "dense (only maximum-size transactions of empty outputs)")
        ->check(CLI::IsMember({"mainnet", "blocks", "dense"}));
    app.add_option("-o,--output", out, "Directory to create")->required();
    CLI11_PARSE(app, argc, argv);

    Generator gen(seed);
    const uint64_t target = static_cast<uint64_t>(megabytes * 1e6);
    std::vector<std::ofstream> files;
    for (int p = 0; p < peers; ++p) {
        const fs::path dir = fs::path(out) / ("10.0." + std::to_string(p / 256) + "." + std::to_string(p % 256) + "_8333");
        fs::create_directories(dir);
        files.emplace_back(dir / "msgs_recv.dat", std::ios::binary | std::ios::trunc);
        files.emplace_back(dir / "msgs_sent.dat", std::ios::binary | std::ios::trunc);
    }
    uint64_t written = 0, count = 0;
    int64_t time_us = 1'795'000'000'000'000;
    Bytes record;
    while (written < target) {
        auto [type, payload] = mix == "dense" ? gen.dense_tx() : mix == "blocks" ? gen.block_heavy_message() : gen.message();
        time_us += gen.below(2000);
        record.clear();
        append_record(record, time_us, type, payload);
        auto& f = files[gen.below(static_cast<uint32_t>(files.size()))];
        f.write(reinterpret_cast<const char*>(record.data()), static_cast<std::streamsize>(record.size()));
        written += record.size();
        ++count;
    }
    for (auto& f : files) {
        f.close();
        if (!f) {
            std::fprintf(stderr, "capture-generator: error: cannot write into %s\n", out.c_str());
            return 1;
        }
    }
    std::printf("%s: %llu records, %.1f MB in %zu files\n", out.c_str(), static_cast<unsigned long long>(count), written / 1e6,
                files.size());
    return 0;
}
