// The capture write path: our writer (files kept open, buffered, flushed
// once a second) against capture off and against the way Bitcoin Core writes
// (create the directories, open in append mode, write one record, close, for
// every message), in one run, on the real disk.
#include <benchmark/benchmark.h>

#include <boost/filesystem.hpp>
#include <cstdio>
#include <random>

#include "msgcapture/format/capture_fs.h"
#include "msgcapture/format/capture_writer.h"
#include "msgcapture/format/record.h"

namespace fs = boost::filesystem;
using namespace msgcapture;

namespace {

fs::path scratch_dir() {
    fs::path dir = fs::temp_directory_path() / fs::unique_path("msgcapture-bench-%%%%%%%%");
    fs::create_directories(dir);
    return dir;
}

// A typical small message: an inv with one entry is 37 bytes, a ping 8.
const Bytes PAYLOAD(static_cast<size_t>(37), 0xab);

SessionInfo bench_session() { return {1, "10.0.0.1:8333", "outbound-full-relay", 1795313274322264, "main", "/bench/", 70016, {}, {}}; }

void BM_CaptureOff(benchmark::State& state) {
    int64_t time_us = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(++time_us);
        benchmark::DoNotOptimize(PAYLOAD.data());
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_CaptureWriter(benchmark::State& state) {
    const fs::path dir = scratch_dir();
    {
        CaptureOptions options{(dir / "message_capture").string()};
        options.compress = state.range(0) != 0;
        CaptureWriter writer(options, posix_capture_fs(), {});
        writer.open_session(bench_session());
        int64_t time_us = 0;
        for (auto _ : state) {
            ++time_us;
            writer.record(1, (time_us & 1) ? Direction::Sent : Direction::Received, time_us, "inv", PAYLOAD);
            if ((time_us & 1023) == 0) writer.flush_due();  // the message handler looks about this often
        }
        writer.flush_all();
    }
    fs::remove_all(dir);
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(RECORD_HEADER_SIZE + PAYLOAD.size()));
}

// Bitcoin Core's CaptureMessageToFile: every record re-creates the directory
// path, opens the file for appending, writes and closes it.
void BM_OpenAppendClose(benchmark::State& state) {
    const fs::path dir = scratch_dir();
    const fs::path peer = dir / "message_capture" / "10.0.0.1_8333";
    Bytes record;
    int64_t time_us = 0;
    for (auto _ : state) {
        ++time_us;
        fs::create_directories(peer);
        const fs::path file = peer / ((time_us & 1) ? "msgs_sent.dat" : "msgs_recv.dat");
        std::FILE* f = std::fopen(file.c_str(), "ab");
        record.clear();
        append_record(record, time_us, "inv", PAYLOAD);
        std::fwrite(record.data(), 1, record.size(), f);
        std::fclose(f);
    }
    fs::remove_all(dir);
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(RECORD_HEADER_SIZE + PAYLOAD.size()));
}

}  // namespace

BENCHMARK(BM_CaptureOff);
BENCHMARK(BM_CaptureWriter)->Arg(0)->ArgName("zstd");
BENCHMARK(BM_CaptureWriter)->Arg(1)->ArgName("zstd");
BENCHMARK(BM_OpenAppendClose);
BENCHMARK_MAIN();
