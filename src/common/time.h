#pragma once
#include <chrono>
#include <cstdint>

namespace node {

// Wall-clock time, as capture records and the protocol carry it.
inline int64_t now_micros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
inline int64_t now_seconds() { return now_micros() / 1'000'000; }

}  // namespace node
