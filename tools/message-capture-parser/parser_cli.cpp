// message-capture-parser's command line: capture files in, the chosen
// records out in the chosen format (CAPTURE-SPEC §5).
#include "parser_cli.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "msgcapture/format/capture_files.h"
#include "msgcapture/pipeline/capture_pipeline.h"
#include "msgcapture/pipeline/corpus_format.h"
#include "msgcapture/version.h"
#include "output_file.h"
#include "parser_options.h"
#include "progress_bar.h"

namespace {

constexpr const char* DESCRIPTION =
    "Parse Bitcoin P2P message capture files (msgs_recv.dat, msgs_sent.dat, or their .zst\n"
    "forms, as written by -capturemessages) into JSON ordered by time, or another format.\n"
    "Directories are searched recursively for capture files; - reads standard input.";

constexpr const char* FOOTER =
    "Filters combine with AND; a list (inv,tx) or a repeated option matches any of its items.\n"
    "\n"
    "Examples:\n"
    "  message-capture-parser ~/.bitcoin/regtest/message_capture -o out.json\n"
    "  message-capture-parser cap --format ndjson --type ping,pong | jq -c .body\n"
    "  message-capture-parser cap --peer 127.0.0.1:18444 --since 2026-11-22T02:00:00Z --limit 10\n"
    "  message-capture-parser cap --stats\n"
    "  message-capture-parser ~/.bitcoin/regtest/message_capture --follow --type inv,tx\n"
    "\n"
    "Exit status: 0 when every input was read (entries with an \"error\" included),\n"
    "1 when an input cannot be read or the output cannot be written, 2 on bad usage\n"
    "(an -o FILE that is one of the inputs included). -o FILE is replaced only by a\n"
    "run that succeeds.";

// Following ends on Ctrl-C or SIGTERM, with the output closed properly.
std::atomic<bool> stop_requested{false};

void on_stop_signal(int) { stop_requested = true; }

// Catches SIGINT and SIGTERM for as long as it lives, then puts back what was there.
class StopSignals {
public:
    StopSignals() {
        struct sigaction action {};
        action.sa_handler = on_stop_signal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = 0;  // no SA_RESTART: a wait in progress returns at once
        sigaction(SIGINT, &action, &old_int_);
        sigaction(SIGTERM, &action, &old_term_);
    }
    ~StopSignals() {
        sigaction(SIGINT, &old_int_, nullptr);
        sigaction(SIGTERM, &old_term_, nullptr);
    }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

private:
    struct sigaction old_int_ {}, old_term_ {};
};

int fail(const std::string& reason) {
    std::fprintf(stderr, "message-capture-parser: error: %s\n", reason.c_str());
    return 1;
}

int usage_error(const std::string& reason) {
    std::fprintf(stderr, "message-capture-parser: error: %s\nRun with --help for usage.\n", reason.c_str());
    return 2;
}

// The progress bar goes to stderr when it is a terminal, but never to the
// terminal that also shows the output.
bool progress_wanted(const ParserOptions& o) {
    if (o.no_progress || !isatty(STDERR_FILENO)) return false;
    const bool to_stdout = o.output.empty() || o.output == "-";
    return !(to_stdout && isatty(STDOUT_FILENO));
}

void add_options(CLI::App& app, ParserOptions& o) {
    app.add_option("capture_paths", o.inputs, "Capture files or directories to parse; - for standard input")->required();
    app.add_option("-o,--output", o.output, "Write to FILE instead of standard output (- for standard output)")->option_text("FILE");
    app.add_flag("-n,--no-progress-bar", o.no_progress,
                 "Do not show the progress bar (shown only when stderr is a terminal that does not also show the output)");
    app.add_option("-j,--jobs", o.jobs, "Decode and format on N threads (the output is the same for any N); 0, the default, picks: one per core that is free, or one for a capture under 64 MB or when following")
        ->option_text("N")
        ->default_val(0)
        ->check(CLI::Range(0u, 256u));
    app.add_option("-f,--format", o.format,
                   "Output format: json (one array, the default), ndjson (one entry per line), pcap (v1 frames in "
                   "TCP/IP packets, for Wireshark and tshark), or corpus (-o DIR: one file per message, a seed corpus "
                   "for the message fuzz target)")
        ->option_text("FORMAT")
        ->check(CLI::IsMember(FORMAT_NAMES))
        ->each([&o](const std::string&) { o.format_given = true; });
    app.add_option("-t,--type", o.types, "Only messages of these types (T[,T...])")->option_text("T");
    app.add_option("--not-type", o.not_types, "No messages of these types (T[,T...])")->option_text("T");
    app.add_option("-d,--direction", o.direction, "Only messages received (recv) or sent (sent)")->option_text("recv|sent");
    app.add_option("-p,--peer", o.peers,
                   "Only messages with this peer: its address (with or without the port), its peer id from "
                   "session.json, or its session directory (by name or path)")
        ->option_text("ADDR|ID|SESSION");
    app.add_option("--since", o.since, "Only messages at or after TIME (µs since the epoch, or ISO 8601 in UTC)")->option_text("TIME");
    app.add_option("--until", o.until, "Only messages before TIME (µs since the epoch, or ISO 8601 in UTC)")->option_text("TIME");
    app.add_option("-l,--limit", o.limit, "Stop after N entries")->option_text("N")->check(CLI::NonNegativeNumber);
    app.add_flag("-s,--stats", o.stats,
                 "Print a summary of the chosen messages instead of the messages (as text; as JSON with --format json)");
    app.add_flag("-a,--annotate", o.annotate,
                 "Add \"annotation\" to each entry: ISO time, the peer in words, and hashes in display order with txids");
    app.add_option("--chain", o.chain,
                   "The network whose magic frames pcap messages when session.json does not say: main, test, testnet4, "
                   "signet or regtest (default: from a regtest, testnet3, testnet4 or signet directory in the path, else main)")
        ->option_text("NAME");
    app.add_option("--stdin-direction", o.stdin_direction, "Direction of the messages read from standard input (default recv)")
        ->option_text("recv|sent");
    app.add_flag("--follow", o.follow,
                 "Keep reading as the captures grow, like tail -f: print what is there, then each new record as it is "
                 "written (NDJSON unless --format says otherwise), until Ctrl-C or --until. New sessions are picked up "
                 "as they appear");
    app.add_flag("--poll", o.poll, "With --follow: find new sessions by searching every second instead of with inotify");
    app.add_option("--grace", o.grace_s,
                   "With --follow: records are printed in time order once they are this old, since every file may still "
                   "hold earlier ones until then (default 2 s, above the writer's 1 s flush interval)")
        ->option_text("SECONDS")
        ->each([&o](const std::string&) { o.grace_given = true; });
    app.set_version_flag("-V,--version", std::string("message-capture-parser ") + msgcapture::VERSION);
}

}  // namespace

int run_parser_cli(int argc, char** argv) {
    CLI::App app{DESCRIPTION, "message-capture-parser"};
    app.footer(FOOTER);
    ParserOptions o;
    add_options(app, o);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return usage_error(e.what());
    }

    std::unique_ptr<msgcapture::OutputFormat> format;
    msgcapture::RecordFilter filter;
    msgcapture::FollowOptions follow;
    const auto stdin_direction = msgcapture::parse_direction(o.stdin_direction);
    try {
        if (!stdin_direction) throw UsageError("--stdin-direction: \"" + o.stdin_direction + "\" is neither recv nor sent");
        filter = build_filter(o);
        follow = build_follow_options(o);
        format = build_format(o);  // last: the corpus format makes its directory
    } catch (const UsageError& e) {
        return usage_error(e.what());
    } catch (const msgcapture::WriteError& e) {
        return fail(e.what());
    }
    const std::string output = o.output == "-" ? "" : o.output;
    if (!output_is_text(o) && output.empty() && isatty(STDOUT_FILENO)) {
        return usage_error("--format " + o.format + " writes binary data; give -o FILE or send it to a pipe, not to a terminal");
    }
    auto warn = [](const std::string& text) { std::fprintf(stderr, "message-capture-parser: warning: %s\n", text.c_str()); };

    try {
        std::vector<msgcapture::CaptureFile> files;
        std::unique_ptr<msgcapture::CaptureFollower> follower;
        if (o.follow) {
            follower = std::make_unique<msgcapture::CaptureFollower>(o.inputs, follow, warn);
        } else {
            files = msgcapture::find_capture_files(o.inputs, warn);
            if (files.empty()) warn("no capture files (msgs_*.dat, msgs_*.dat.zst) found in the given paths");
        }
        std::vector<std::string> read_paths;
        for (auto& f : files) {
            if (f.path == msgcapture::STANDARD_INPUT_PATH) f.direction = *stdin_direction;
            read_paths.push_back(f.path);
            read_paths.push_back(f.path.substr(0, f.path.rfind('/') + 1) + "session.json");
        }
        if (auto input = output_overwrites_input(output, o.follow ? o.inputs : read_paths)) {
            return usage_error("the output " + output + " is one of the inputs (" + *input + "); refusing to overwrite it");
        }
        auto pipeline = follower ? msgcapture::CapturePipeline(*follower, filter, warn) : msgcapture::CapturePipeline(files, filter, warn);

        // The corpus format writes its own files: -o names their directory.
        const bool writes_own_files = o.format == "corpus" && !o.stats;
        std::unique_ptr<OutputFile> out;
        try {
            // Followed output grows in place, as tail -f's does.
            out = std::make_unique<OutputFile>(writes_own_files ? "/dev/null" : output, o.follow);
        } catch (const std::runtime_error& e) {
            return fail(e.what());
        }
        bool write_failed = false;
        // NDJSON is read as it comes, and so is anything followed: each batch
        // (each release, when following) goes out at once.
        const bool flush_each = o.format == "ndjson" || o.follow;
        auto sink = [&](std::string_view chunk) {
            if (write_failed || chunk.empty()) return;
            if (std::fwrite(chunk.data(), 1, chunk.size(), out->stream()) != chunk.size() ||
                (flush_each && std::fflush(out->stream()) != 0)) {
                write_failed = true;
                stop_requested = true;  // following: nobody reads on
            }
        };

        ProgressBar bar;
        const bool show_progress = !o.follow && progress_wanted(o);
        msgcapture::PipelineOptions run;
        run.threads = o.jobs;
        run.limit = o.limit;
        if (show_progress) run.progress = [&](uint64_t done, uint64_t total) { bar.update(done, total); };
        std::optional<StopSignals> stop_signals;
        if (o.follow) {
            stop_requested = false;  // a program may run the CLI more than once (the fuzzer does)
            stop_signals.emplace();
            run.stop = &stop_requested;
        }

        std::string read_error, format_error;
        try {
            pipeline.run(*format, sink, run);
        } catch (const msgcapture::ReadError& e) {
            read_error = e.what();
        } catch (const msgcapture::WriteError& e) {
            format_error = e.what();
        }
        if (show_progress) bar.finish();
        // A failed run leaves -o's file as it was; standard output gets the closed output of what was read.
        const auto write_error = out->finish(read_error.empty() && format_error.empty() && !write_failed);
        if (!format_error.empty()) return fail(format_error);
        if (writes_own_files) {
            const auto& corpus = static_cast<const msgcapture::CorpusFormat&>(*format);
            std::fprintf(stderr, "message-capture-parser: %s: %llu files written, %llu duplicate messages, %llu records left out (unknown type, torn or oversized)\n",
                         output.c_str(), static_cast<unsigned long long>(corpus.files_written()),
                         static_cast<unsigned long long>(corpus.duplicates()), static_cast<unsigned long long>(corpus.left_out()));
        }
        if (!read_error.empty()) {
            return fail(read_error + (output.empty() || writes_own_files ? "" : "; " + output + " is left as it was"));
        }
        if (write_failed || write_error) {
            return fail("cannot write " + (output.empty() ? std::string("standard output") : output) + ": " +
                        (write_error ? *write_error : std::strerror(errno)));
        }
    } catch (const msgcapture::ReadError& e) {
        return fail(e.what());
    }
    return 0;
}
