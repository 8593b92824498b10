#include "progress_bar.h"

#include <cstdio>
#include <string>

void ProgressBar::update(uint64_t done, uint64_t total) {
    auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100) && done < total) return;
    last_draw_ = now;
    drawn_ = true;
    constexpr int width = 40;
    const double fraction = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
    const int filled = static_cast<int>(fraction * width);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(width, ' ');
    std::fprintf(stderr, "\r[%s] %3d%%  %.1f / %.1f MB", bar.c_str(), static_cast<int>(fraction * 100),
                 static_cast<double>(done) / 1e6, static_cast<double>(total) / 1e6);
    std::fflush(stderr);
}

void ProgressBar::finish() {
    if (!drawn_) return;
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
}
