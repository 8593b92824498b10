#include "common/logging.h"

#include <chrono>
#include <ctime>

namespace node {

Logger& Logger::instance() {
    static Logger logger;
    return logger;
}

bool Logger::open(const Options& options) {
    std::lock_guard lock(mutex_);
    options_ = options;
    if (options_.path.empty()) return true;
    file_ = std::fopen(options_.path.c_str(), "a");
    return file_ != nullptr;
}

bool Logger::reopen() {
    std::lock_guard lock(mutex_);
    if (options_.path.empty()) return true;
    std::FILE* fresh = std::fopen(options_.path.c_str(), "a");
    if (!fresh) return false;  // keep writing to the old file rather than lose lines
    if (file_) std::fclose(file_);
    file_ = fresh;
    return true;
}

std::string Logger::peer_address_suffix(const std::string& address) const {
    std::lock_guard lock(mutex_);
    return options_.ips ? ", peeraddr=" + address : "";
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
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ ", &utc);
    std::lock_guard lock(mutex_);
    const char* prefix = options_.timestamps ? stamp : "";
    if (file_) {
        std::fprintf(file_, "%s%s\n", prefix, line.c_str());
        std::fflush(file_);
    }
    if (options_.print_to_console) {
        std::fprintf(stdout, "%s%s\n", prefix, line.c_str());
        std::fflush(stdout);
    }
}

void shrink_log_file(const std::string& path) {
    constexpr long KEEP = 10'000'000, LIMIT = 11'000'000;
    std::FILE* in = std::fopen(path.c_str(), "rb");
    if (!in) return;
    std::string tail;
    if (std::fseek(in, 0, SEEK_END) == 0 && std::ftell(in) > LIMIT && std::fseek(in, -KEEP, SEEK_END) == 0) {
        tail.resize(KEEP);
        tail.resize(std::fread(tail.data(), 1, tail.size(), in));
    }
    std::fclose(in);
    if (tail.empty()) return;
    const auto first_line = tail.find('\n');
    if (first_line != std::string::npos) tail.erase(0, first_line + 1);  // no half line at the top
    if (std::FILE* out = std::fopen(path.c_str(), "wb")) {
        std::fwrite(tail.data(), 1, tail.size(), out);
        std::fclose(out);
    }
}

}  // namespace node
