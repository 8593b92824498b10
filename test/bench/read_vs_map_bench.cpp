// Getting a capture's bytes into the process: read() into a reused buffer
// against mapping the files, as a parser with bounded memory would have to
// (pages given back behind it, else the whole capture counts in its RSS).
// Each way touches every byte page; rounds alternate the ways, and each
// figure is the median, with its ratio to read() into 64 KiB.
// Usage: read_vs_map_bench ROUNDS FILE...
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

constexpr size_t PAGE = 4096;
volatile uint64_t sink;  // what was read, so that no way is optimised out

// read() into one buffer of `size`, reused.
void read_into(const std::vector<std::string>& files, size_t size) {
    std::vector<uint8_t> buffer(size);
    uint64_t sum = 0;
    for (const std::string& path : files) {
        const int fd = ::open(path.c_str(), O_RDONLY);
        for (ssize_t got; (got = ::read(fd, buffer.data(), size)) > 0;) {
            for (ssize_t i = 0; i < got; i += PAGE) sum += buffer[static_cast<size_t>(i)];
        }
        ::close(fd);
    }
    sink = sum;
}

// The whole file mapped with MADV_SEQUENTIAL, each page touched; with
// `window` > 0, MADV_POPULATE_READ maps each window ahead in one call and
// MADV_DONTNEED gives the one behind back.
void map_and_touch(const std::vector<std::string>& files, size_t window) {
    uint64_t sum = 0;
    for (const std::string& path : files) {
        const int fd = ::open(path.c_str(), O_RDONLY);
        struct stat st {};
        ::fstat(fd, &st);
        const size_t size = static_cast<size_t>(st.st_size);
        auto* data = static_cast<uint8_t*>(::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0));
        ::madvise(data, size, MADV_SEQUENTIAL);
        const size_t step = window > 0 ? window : size;
        for (size_t at = 0; at < size; at += step) {
            const size_t len = std::min(step, size - at);
            if (window > 0) ::madvise(data + at, len, 22 /* MADV_POPULATE_READ */);
            for (size_t i = at; i < at + len; i += PAGE) sum += data[i];
            if (window > 0 && at >= window) ::madvise(data + at - window, window, MADV_DONTNEED);
        }
        ::munmap(data, size);
        ::close(fd);
    }
    sink = sum;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: read_vs_map_bench ROUNDS FILE...\n");
        return 2;
    }
    const int rounds = std::atoi(argv[1]);
    const std::vector<std::string> files(argv + 2, argv + argc);
    struct Way {
        const char* name;
        void (*run)(const std::vector<std::string>&, size_t);
        size_t arg;
        std::vector<double> ms;
    };
    std::vector<Way> ways = {
        {"read() into 64 KiB", read_into, 64 << 10, {}},
        {"read() into 1 MiB", read_into, 1 << 20, {}},
        {"mmap, MADV_SEQUENTIAL, whole file", map_and_touch, 0, {}},
        {"mmap, 4 MiB windows populated ahead, dropped behind", map_and_touch, 4 << 20, {}},
    };
    read_into(files, 1 << 20);  // into page cache
    for (int r = 0; r < rounds; ++r) {
        for (size_t k = 0; k < ways.size(); ++k) {
            Way& way = ways[r % 2 ? ways.size() - 1 - k : k];
            const auto start = std::chrono::steady_clock::now();
            way.run(files, way.arg);
            way.ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        }
    }
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    const double base = median(ways[0].ms);
    for (const Way& way : ways) {
        const double ms = median(way.ms);
        std::printf("  %-52s %8.1f ms  %5.2fx\n", way.name, ms, ms / base);
    }
    return 0;
}
