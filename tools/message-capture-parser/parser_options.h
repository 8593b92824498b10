#pragma once
// message-capture-parser's options as typed, and what they turn into: the
// filter stage and the output format. Kept apart from the command-line
// plumbing so that each rule is stated once and tested (and fuzzed) directly.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "msgcapture/live/capture_follower.h"
#include "msgcapture/pipeline/output_format.h"
#include "msgcapture/pipeline/record_filter.h"

// Bad usage: the message says which option and why (exit status 2).
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct ParserOptions {
    std::vector<std::string> inputs;
    std::string output;  // "" or "-": standard output
    std::string format = "json";
    bool format_given = false;  // --stats prints text unless --format json is asked for
    bool stats = false;
    bool annotate = false;
    std::vector<std::string> types, not_types, peers;  // as typed: each may hold a comma-separated list
    std::string direction, since, until;
    std::optional<uint64_t> limit;
    std::string chain;            // for pcap's frame magic, when session.json does not say
    std::string stdin_direction = "recv";
    bool no_progress = false;
    unsigned jobs = 0;
    bool follow = false;  // keep reading as the captures grow
    bool poll = false;    // find new sessions by searching, not with inotify
    double grace_s = 2.0;
    bool grace_given = false;
};

// --follow's settings, checked against the other options. Throws UsageError.
msgcapture::FollowOptions build_follow_options(const ParserOptions& options);

inline const std::vector<std::string> FORMAT_NAMES = {"json", "ndjson", "pcap", "corpus"};

// The filter the options ask for. Throws UsageError.
msgcapture::RecordFilter build_filter(const ParserOptions& options);

// The output format (a summary with --stats; NDJSON by default with --follow). Throws UsageError, and
// WriteError when the corpus directory cannot be made.
std::unique_ptr<msgcapture::OutputFormat> build_format(const ParserOptions& options);

// Whether the output is text a person may read on a terminal.
bool output_is_text(const ParserOptions& options);
