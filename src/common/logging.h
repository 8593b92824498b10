#pragma once
// debug.log, optionally mirrored to the console; -debug=<category> enables
// the detailed lines of that category (net: one line per message).
#include <cstdio>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace node {

class Logger {
public:
    static Logger& instance();

    struct Options {
        std::string path;  // appended to; empty: no file (-nodebuglogfile)
        bool print_to_console = false;
        bool timestamps = true;  // -logtimestamps
        bool ips = false;        // -logips: peer addresses in peer lines
    };
    // Opens the log file. False when it cannot be opened.
    bool open(const Options& options);
    // Closes and opens the file again by name (SIGHUP): after logrotate has
    // renamed it, new lines go to a new file of the old name.
    bool reopen();
    // ", peeraddr=<address>" with -logips, else nothing (Bitcoin Core's rule).
    std::string peer_address_suffix(const std::string& address) const;
    void enable_category(const std::string& category);  // "net", or "1"/"all" for every one
    bool enabled(const std::string& category) const;
    void close();

    void log(const std::string& line);
    void log_category(const std::string& category, const std::string& line) {
        if (enabled(category)) log(line);
    }

private:
    mutable std::mutex mutex_;
    std::FILE* file_ = nullptr;
    Options options_;
    std::set<std::string> categories_;
    bool all_ = false;
};

// What a peer sent, made safe to log (Bitcoin Core's SanitizeString): only
// letters, digits and " .,;-_/:?@()" are kept, so that no line can be forged
// or the terminal driven, and the result is cut to `max_length` bytes.
std::string sanitize_string(std::string_view text, size_t max_length = 256);

// -shrinkdebugfile: a log file grown past 11 MB is cut to its last 10 MB
// (at a line start) before the node opens it, as Bitcoin Core does.
void shrink_log_file(const std::string& path);

inline void log_info(const std::string& line) { Logger::instance().log(line); }
inline void log_net(const std::string& line) { Logger::instance().log_category("net", line); }

}  // namespace node
