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

    // Opens (appends to) the log file; an empty path logs nowhere but the console.
    bool open(const std::string& path, bool print_to_console);
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
    bool console_ = false;
    std::set<std::string> categories_;
    bool all_ = false;
};

// What a peer sent, made safe to log (Bitcoin Core's SanitizeString): only
// letters, digits and " .,;-_/:?@()" are kept, so that no line can be forged
// or the terminal driven, and the result is cut to `max_length` bytes.
std::string sanitize_string(std::string_view text, size_t max_length = 256);

inline void log_info(const std::string& line) { Logger::instance().log(line); }
inline void log_net(const std::string& line) { Logger::instance().log_category("net", line); }

}  // namespace node
