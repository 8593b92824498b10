// How far behind the files `message-capture-parser --follow` runs. A
// CaptureWriter in this process (the node's writer: 1 s flush interval,
// flush_due every 100 ms as the node's tick calls it) writes messages of a
// mix at a steady rate over several sessions, stamped with the time they are
// written; a real follower process reads the directory, and this process
// reads its NDJSON through a pipe. Reported:
//   latency:  from a record's capture time to its line reaching us (p50, p99, max);
//   keeping up: the follower's CPU time over the run (cores), and whether
//             every record came out.
// Usage: follow_bench PARSER RATE SECONDS SESSIONS MIX [-- extra parser options]
//   MIX: small (ping, inv, getdata, tx, headers of mainnet-like sizes) or
//        samples (every message type in turn, blocks included)
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "msgcapture/format/capture_writer.h"
#include "msgcapture/protocol/message.h"
#include "sample_messages.h"
#include "test_support.h"

using namespace msgcapture;
using Clock = std::chrono::steady_clock;

namespace {

int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Sample {
    std::string type;
    Bytes payload;
};

std::vector<Sample> mix(const std::string& name) {
    std::vector<Sample> out;
    if (name == "samples") {
        for (const auto& m : testsupport::sample_messages()) out.push_back({std::string(message_type(m)), encode_message(m)});
        return out;
    }
    // By count, roughly what a mainnet node sees: mostly inv, getdata and tx.
    out.push_back({"inv", Bytes(1 + 36 * 3, 0)});
    out.push_back({"inv", Bytes(1 + 36, 0)});
    out.push_back({"getdata", Bytes(1 + 36, 0)});
    for (const auto& m : testsupport::sample_messages()) {
        const std::string type(message_type(m));
        if (type == "tx" || type == "ping" || type == "pong" || type == "headers") out.push_back({type, encode_message(m)});
    }
    out.push_back({"tx", out.back().payload});
    return out;
}

double cpu_seconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14) utime = std::stoull(field);
        if (i == 15) stime = std::stoull(field);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 6) {
        std::fprintf(stderr, "usage: follow_bench PARSER RATE SECONDS SESSIONS small|samples [-- parser options]\n");
        return 2;
    }
    const std::string parser = argv[1];
    const double rate = std::stod(argv[2]);
    const double seconds = std::stod(argv[3]);
    const int sessions = std::stoi(argv[4]);
    const auto messages = mix(argv[5]);
    std::vector<std::string> extra;
    for (int i = 6; i < argc; ++i) {
        if (std::strcmp(argv[i], "--") != 0) extra.push_back(argv[i]);
    }

    testsupport::TempDir dir;
    CaptureOptions options;
    options.root = (dir / "message_capture").string();
    testsupport::fs::create_directories(options.root);
    options.max_sessions_per_ip_per_minute = options.max_sessions_per_minute = static_cast<size_t>(sessions) + 1;

    // The follower, its output through a pipe.
    int out_pipe[2];
    if (::pipe(out_pipe) != 0) return 1;
    const pid_t follower = ::fork();
    if (follower == 0) {
        ::dup2(out_pipe[1], STDOUT_FILENO);
        ::close(out_pipe[0]);
        ::close(out_pipe[1]);
        std::vector<std::string> args = {parser, options.root, "--follow", "--format", "ndjson"};
        args.insert(args.end(), extra.begin(), extra.end());
        std::vector<char*> c_args;
        for (auto& a : args) c_args.push_back(a.data());
        c_args.push_back(nullptr);
        ::execv(parser.c_str(), c_args.data());
        _exit(127);
    }
    ::close(out_pipe[1]);

    std::vector<int64_t> latencies;
    latencies.reserve(static_cast<size_t>(rate * seconds) + 16);
    std::thread reader([&] {
        std::string pending;
        std::vector<char> buf(1 << 16);
        for (;;) {
            const ssize_t got = ::read(out_pipe[0], buf.data(), buf.size());
            if (got <= 0) break;
            const int64_t arrived = now_us();
            pending.append(buf.data(), static_cast<size_t>(got));
            size_t start = 0;
            for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
                const size_t at = pending.find("\"time\": ", start);
                if (at != std::string::npos && at < nl) latencies.push_back(arrived - std::stoll(pending.substr(at + 8, 20)));
            }
            pending.erase(0, start);
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the follower is up

    uint64_t written = 0;
    const double cpu_before = cpu_seconds(follower);
    const auto started = Clock::now();
    {
        CaptureWriter writer(options, {});
        for (int s = 0; s < sessions; ++s) {
            SessionInfo info{s, "10.0.0." + std::to_string(s % 250 + 1) + ":8333", "outbound-full-relay", now_us(), "main", "/bench/", 70016, {{now_us(), std::nullopt}}, {}};
            writer.open_session(info);
        }
        auto next_flush_check = Clock::now();
        const auto end = started + std::chrono::duration<double>(seconds);
        for (auto now = Clock::now(); now < end; now = Clock::now()) {
            // Messages due by now at `rate`, in bursts, as a node's message handler writes them.
            const double elapsed = std::chrono::duration<double>(now - started).count();
            const uint64_t due = static_cast<uint64_t>(elapsed * rate);
            for (; written < due; ++written) {
                const Sample& m = messages[written % messages.size()];
                // Each session receives and sends, as every real one does.
                writer.record(static_cast<int64_t>(written / 2 % static_cast<uint64_t>(sessions)), written % 2 ? Direction::Sent : Direction::Received,
                              now_us(), m.type, m.payload);
            }
            if (now >= next_flush_check) {
                writer.flush_due(now);
                next_flush_check = now + std::chrono::milliseconds(100);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        for (int s = 0; s < sessions; ++s) writer.close_session(s, now_us());
    }
    const double run_seconds = std::chrono::duration<double>(Clock::now() - started).count();
    // Everything written goes out within the grace period and a tick.
    const auto drain_started = Clock::now();
    while (latencies.size() < written && Clock::now() - drain_started < std::chrono::seconds(10)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const double drain = std::chrono::duration<double>(Clock::now() - drain_started).count();
    const double cpu = cpu_seconds(follower) - cpu_before;
    ::kill(follower, SIGINT);
    int status = 0;
    ::waitpid(follower, &status, 0);
    reader.join();

    // The baseline: the same files parsed once they are complete, in one
    // run, on one thread (CPU time of that child alone).
    rusage before{}, after{};
    ::getrusage(RUSAGE_CHILDREN, &before);
    const pid_t offline = ::fork();
    if (offline == 0) {
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, STDOUT_FILENO);
        ::execl(parser.c_str(), parser.c_str(), "-n", "-j", "1", "-f", "ndjson", options.root.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    ::waitpid(offline, nullptr, 0);
    ::getrusage(RUSAGE_CHILDREN, &after);
    auto seconds_of = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    const double offline_cpu = seconds_of(after.ru_utime) - seconds_of(before.ru_utime) + seconds_of(after.ru_stime) - seconds_of(before.ru_stime);

    std::vector<int64_t> sorted = latencies;
    std::sort(sorted.begin(), sorted.end());
    auto pct = [&](double p) { return sorted.empty() ? 0.0 : static_cast<double>(sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * static_cast<double>(sorted.size())))]) / 1e6; };
    std::printf("  %s mix, %.0f msg/s over %d sessions for %.0f s: %llu written, %zu printed; latency p50 %.2f s, p99 %.2f s, max %.2f s; "
                "follower CPU %.2f cores (%.2f s, %.2fx a parse of the finished files: %.2f s); last line %.2f s after the writer stopped; exit %d\n",
                argv[5], rate, sessions, seconds, static_cast<unsigned long long>(written), latencies.size(), pct(0.5), pct(0.99),
                sorted.empty() ? 0.0 : static_cast<double>(sorted.back()) / 1e6, cpu / (run_seconds + drain), cpu, offline_cpu > 0 ? cpu / offline_cpu : 0.0,
                offline_cpu, drain,
                WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return latencies.size() == written ? 0 : 1;
}
