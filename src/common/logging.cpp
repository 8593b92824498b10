#include "common/logging.h"

#include <chrono>
#include <ctime>

namespace node {

Logger& Logger::instance() {
    static Logger logger;
    return logger;
}

bool Logger::open(const std::string& path, bool print_to_console) {
    std::lock_guard lock(mutex_);
    console_ = print_to_console;
    if (path.empty()) return true;
    file_ = std::fopen(path.c_str(), "a");
    return file_ != nullptr;
}

void Logger::enable_category(const std::string& category) {
    std::lock_guard lock(mutex_);
    if (category == "1" || category == "all" || category.empty()) all_ = true;
    categories_.insert(category);
}

bool Logger::enabled(const std::string& category) const {
    std::lock_guard lock(mutex_);
    return all_ || categories_.count(category) != 0;
}

void Logger::close() {
    std::lock_guard lock(mutex_);
    if (file_) std::fclose(file_);
    file_ = nullptr;
}

std::string sanitize_string(std::string_view text, size_t max_length) {
    static constexpr std::string_view SAFE_PUNCTUATION = " .,;-_/:?@()";
    std::string out;
    for (const char c : text) {
        if (out.size() == max_length) break;
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (alnum || SAFE_PUNCTUATION.find(c) != std::string_view::npos) out.push_back(c);
    }
    return out;
}

void Logger::log(const std::string& line) {
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
    std::lock_guard lock(mutex_);
    if (file_) {
        std::fprintf(file_, "%s %s\n", stamp, line.c_str());
        std::fflush(file_);
    }
    if (console_) {
        std::fprintf(stdout, "%s %s\n", stamp, line.c_str());
        std::fflush(stdout);
    }
}

}  // namespace node
