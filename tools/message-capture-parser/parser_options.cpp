#include "parser_options.h"

#include "msgcapture/format/utc_time.h"
#include "msgcapture/pipeline/corpus_format.h"
#include "msgcapture/pipeline/json_format.h"
#include "msgcapture/pipeline/pcap_format.h"
#include "msgcapture/protocol/networks.h"
#include "msgcapture/pipeline/stats_format.h"

using namespace msgcapture;

namespace {

// "inv,tx" and "--type inv --type tx" alike; an empty item is a mistake.
std::vector<std::string> split_list(const std::vector<std::string>& values, const char* option) {
    std::vector<std::string> out;
    for (const std::string& value : values) {
        size_t start = 0;
        for (;;) {
            const size_t comma = value.find(',', start);
            std::string item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (item.empty()) throw UsageError(std::string(option) + ": an empty item in \"" + value + "\"");
            out.push_back(std::move(item));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    return out;
}

std::optional<int64_t> time_option(const std::string& text, const char* option) {
    if (text.empty()) return std::nullopt;
    if (auto t = parse_time(text)) return t;
    throw UsageError(std::string(option) + ": \"" + text +
                     "\" is not a time: give µs since the epoch or ISO 8601 in UTC, such as 2026-11-22T02:07:54Z");
}

}  // namespace

RecordFilter build_filter(const ParserOptions& o) {
    RecordFilter f;
    f.types = split_list(o.types, "--type");
    f.not_types = split_list(o.not_types, "--not-type");
    f.peers = split_list(o.peers, "--peer");
    if (!o.direction.empty()) {
        f.direction = parse_direction(o.direction);
        if (!f.direction) throw UsageError("--direction: \"" + o.direction + "\" is neither recv nor sent");
    }
    f.since_us = time_option(o.since, "--since");
    f.until_us = time_option(o.until, "--until");
    if (f.since_us && f.until_us && *f.since_us >= *f.until_us) {
        throw UsageError("--since must come before --until (the window includes --since and ends just before --until)");
    }
    return f;
}

msgcapture::FollowOptions build_follow_options(const ParserOptions& o) {
    msgcapture::FollowOptions f;
    if (!o.follow) {
        if (o.poll) throw UsageError("--poll goes with --follow");
        if (o.grace_given) throw UsageError("--grace goes with --follow");
        return f;
    }
    if (o.stats) throw UsageError("--stats prints once, at the end; it does not go with --follow");
    for (const std::string& input : o.inputs) {
        if (input == "-") throw UsageError("--follow reads capture files and directories as they grow, not standard input");
    }
    // Shorter than the writer's flush interval would release records before
    // all that came earlier is on disk; a minute is more than anyone waits.
    if (!(o.grace_s >= 1.0 && o.grace_s <= 60.0)) throw UsageError("--grace: give 1 to 60 seconds (the capture writer flushes every second)");
    f.grace = std::chrono::milliseconds(static_cast<int64_t>(o.grace_s * 1000));
    f.use_inotify = !o.poll;
    return f;
}

bool output_is_text(const ParserOptions& o) { return o.stats || o.format == "json" || o.format == "ndjson"; }

std::unique_ptr<OutputFormat> build_format(const ParserOptions& o) {
    if (o.stats) {
        if (o.format_given && o.format != "json") throw UsageError("--stats prints text, or JSON with --format json; not " + o.format);
        if (o.annotate) throw UsageError("--annotate adds keys to entries; --stats prints none");
        return std::make_unique<StatsFormat>(o.format_given ? StatsFormat::Style::Json : StatsFormat::Style::Text);
    }
    if (o.format == "json" && !(o.follow && !o.format_given)) return std::make_unique<JsonFormat>(JsonFormat::Layout::Array, o.annotate);
    if (o.format == "ndjson" || o.format == "json") return std::make_unique<JsonFormat>(JsonFormat::Layout::Lines, o.annotate);
    if (o.annotate) throw UsageError("--annotate adds keys to JSON entries; the " + o.format + " format has none");
    if (o.format == "pcap") {
        if (!o.chain.empty() && !network_by_name(o.chain)) {
            throw UsageError("--chain: unknown network \"" + o.chain + "\" (main, test, testnet4, signet or regtest)");
        }
        return std::make_unique<PcapFormat>(o.chain);
    }
    if (o.format == "corpus") {
        if (o.output.empty() || o.output == "-") throw UsageError("--format corpus writes files into a directory: give -o DIR");
        return std::make_unique<CorpusFormat>(o.output);
    }
    throw UsageError("--format: unknown format \"" + o.format + "\"");
}
