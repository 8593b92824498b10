// message-capture-monitor: every peer's traffic as it happens, in a
// terminal, read from the capture files; no root, no tracing.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "monitor_format.h"
#include "monitor_model.h"
#include "msgcapture/live/capture_follower.h"
#include "msgcapture/pipeline/capture_pipeline.h"
#include "msgcapture/version.h"
#include "screen.h"

namespace fs = std::filesystem;

namespace {

std::atomic<bool> stop{false};
void on_signal(int) { stop = true; }

// A data directory holds <chain>/message_capture (or message_capture for
// main); anything else is taken as a capture directory itself.
std::vector<std::string> capture_directories(const std::string& path) {
    std::vector<std::string> found;
    for (const char* chain : {"", "regtest", "testnet3", "testnet4", "signet"}) {
        const fs::path dir = fs::path(path) / chain / "message_capture";
        std::error_code ec;
        if (fs::is_directory(dir, ec)) found.push_back(dir.lexically_normal().string());
    }
    if (found.empty()) found.push_back(path);
    return found;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Show every peer's P2P traffic as it happens, from the capture files a node writes with\n"
                 "-capturemessages (ours or Bitcoin Core's). Needs no root and no tracing: it follows the files.",
                 "message-capture-monitor"};
    std::vector<std::string> paths;
    bool poll = false;
    double grace_s = 2.0;
    app.add_option("path", paths, "A node's data directory (its <chain>/message_capture is found) or a capture directory")->required();
    app.add_flag("--poll", poll, "Find new sessions by searching every second instead of with inotify");
    app.add_option("--grace", grace_s, "Show messages in time order once they are this old (default 2 s, above the writer's 1 s flush interval)")
        ->option_text("SECONDS")
        ->check(CLI::Range(1.0, 60.0));
    app.set_version_flag("-V,--version", std::string("message-capture-monitor ") + msgcapture::VERSION);
    app.footer(
        "Keys: Up/Down (or j/k) select, Enter opens a peer and then a message's decoded JSON, Esc goes back,\n"
        "< and > choose the sort column, r reverses it, t filters by message type, Space pauses, q quits.\n"
        "\n"
        "Example:\n"
        "  message-capture-monitor ~/.bitcoin/regtest");
    CLI11_PARSE(app, argc, argv);
    if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
        std::fprintf(stderr, "message-capture-monitor: error: needs a terminal (for a stream of entries, use message-capture-parser --follow)\n");
        return 2;
    }

    std::vector<std::string> inputs;
    for (const auto& p : paths) {
        for (auto& dir : capture_directories(p)) inputs.push_back(dir);
    }
    monitor::Model model;
    msgcapture::FollowOptions follow;
    follow.use_inotify = !poll;
    follow.grace = std::chrono::milliseconds(static_cast<int64_t>(grace_s * 1000));
    auto warn = [&](const std::string& text) { model.warn(text); };

    std::unique_ptr<msgcapture::CaptureFollower> follower;
    std::optional<msgcapture::CapturePipeline> pipeline;
    try {
        follower = std::make_unique<msgcapture::CaptureFollower>(inputs, follow, warn);
        pipeline.emplace(*follower, msgcapture::RecordFilter{}, warn);
    } catch (const msgcapture::ReadError& e) {
        std::fprintf(stderr, "message-capture-monitor: error: %s\n", e.what());
        return 1;
    }

    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);

    monitor::MonitorFormat format(model);
    std::string failure;
    std::thread reading([&] {
        msgcapture::PipelineOptions run;
        run.threads = 1;  // the monitor decodes only what it shows
        run.stop = &stop;
        run.on_final = [&](const msgcapture::CaptureFile& f) { model.file_final(f); };
        try {
            pipeline->run(format, [](std::string_view) {}, run);
        } catch (const std::exception& e) {
            failure = e.what();
            stop = true;
        }
    });
    std::string title;
    for (const auto& i : inputs) title += (title.empty() ? "" : " ") + i;
    monitor::run_screen(model, {title}, stop);
    stop = true;
    reading.join();
    for (const auto& w : model.warnings()) std::fprintf(stderr, "message-capture-monitor: warning: %s\n", w.c_str());
    if (!failure.empty()) {
        std::fprintf(stderr, "message-capture-monitor: error: %s\n", failure.c_str());
        return 1;
    }
    return 0;
}
