// message-capture-parser's command line: capture files in, one JSON array
// out (CAPTURE-SPEC §5).
#include "parser_cli.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "msgcapture/format/capture_files.h"
#include "msgcapture/json/capture_json.h"
#include "output_file.h"
#include "progress_bar.h"

namespace {

constexpr const char* DESCRIPTION =
    "Parse Bitcoin P2P message capture files (msgs_recv.dat, msgs_sent.dat, or their .zst\n"
    "forms, as written by -capturemessages) into one JSON array, ordered by time.\n"
    "Directories are searched recursively for capture files.";

constexpr const char* FOOTER =
    "Examples:\n"
    "  message-capture-parser ~/.bitcoin/regtest/message_capture -o out.json\n"
    "  message-capture-parser peer/msgs_recv.dat peer/msgs_sent.dat | jq '.[0]'\n"
    "\n"
    "Exit status: 0 when every input was read (entries with an \"error\" included),\n"
    "1 when an input cannot be read or the output cannot be written, 2 on bad usage\n"
    "(an -o FILE that is one of the inputs included). -o FILE is replaced only by a\n"
    "run that succeeds.";

int fail(const std::string& reason) {
    std::fprintf(stderr, "message-capture-parser: error: %s\n", reason.c_str());
    return 1;
}

}  // namespace

int run_parser_cli(int argc, char** argv) {
    CLI::App app{DESCRIPTION, "message-capture-parser"};
    app.footer(FOOTER);
    std::vector<std::string> inputs;
    std::string output;
    bool no_progress = false;
    unsigned jobs = 0;
    app.add_option("capture_paths", inputs, "Capture files or directories to parse")->required();
    app.add_option("-o,--output", output, "Write the JSON to FILE instead of stdout")->option_text("FILE");
    app.add_flag("-n,--no-progress-bar", no_progress, "Do not show the progress bar (shown only when stderr is a terminal)");
    app.add_option("-j,--jobs", jobs, "Decode and format on N threads; 0 means one per core (the output is the same for any N)")
        ->option_text("N")
        ->default_val(0)
        ->check(CLI::Range(0u, 256u));
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "message-capture-parser: error: %s\nRun with --help for usage.\n", e.what());
        return 2;
    }

    auto warn = [](const std::string& text) { std::fprintf(stderr, "message-capture-parser: warning: %s\n", text.c_str()); };

    try {
        std::vector<msgcapture::CaptureFile> files = msgcapture::find_capture_files(inputs, warn);
        if (files.empty()) warn("no capture files (msgs_*.dat, msgs_*.dat.zst) found in the given paths");
        std::vector<std::string> read_paths;
        for (const auto& f : files) {
            read_paths.push_back(f.path);
            read_paths.push_back(f.path.substr(0, f.path.rfind('/') + 1) + "session.json");
        }
        if (auto input = output_overwrites_input(output, read_paths)) {
            std::fprintf(stderr, "message-capture-parser: error: the output %s is one of the inputs (%s); refusing to overwrite it\n",
                         output.c_str(), input->c_str());
            return 2;
        }
        msgcapture::CaptureJsonExporter exporter(files, warn);

        std::unique_ptr<OutputFile> out;
        try {
            out = std::make_unique<OutputFile>(output);
        } catch (const std::runtime_error& e) {
            return fail(e.what());
        }
        bool write_failed = false;
        auto sink = [&](std::string_view chunk) {
            if (!write_failed && std::fwrite(chunk.data(), 1, chunk.size(), out->stream()) != chunk.size()) write_failed = true;
        };

        ProgressBar bar;
        const bool show_progress = !no_progress && isatty(STDERR_FILENO);
        msgcapture::CaptureJsonExporter::Progress progress;
        if (show_progress) progress = [&](uint64_t done, uint64_t total) { bar.update(done, total); };

        std::string read_error;
        try {
            exporter.run(sink, progress, jobs);
        } catch (const msgcapture::ReadError& e) {
            read_error = e.what();
        }
        if (show_progress) bar.finish();
        // A failed run leaves -o's file as it was; standard output gets the closed array of what was read.
        const auto write_error = out->finish(read_error.empty() && !write_failed);
        if (!read_error.empty()) return fail(read_error + (output.empty() ? "" : "; " + output + " is left as it was"));
        if (write_failed || write_error) {
            return fail("cannot write " + (output.empty() ? std::string("standard output") : output) + ": " +
                        (write_error ? *write_error : std::strerror(errno)));
        }
    } catch (const msgcapture::ReadError& e) {
        return fail(e.what());
    }
    return 0;
}
