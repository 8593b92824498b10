#pragma once
// A one-line progress bar on stderr, redrawn at most ten times a second.
#include <chrono>
#include <cstdint>

class ProgressBar {
public:
    void update(uint64_t done, uint64_t total);
    // Clears the line so that what follows starts clean.
    void finish();

private:
    std::chrono::steady_clock::time_point last_draw_{};
    bool drawn_ = false;
};
