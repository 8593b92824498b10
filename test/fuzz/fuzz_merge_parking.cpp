// The merge with files parked and reopened (plain files at their offset, zstd
// files at the start of a frame) against the same merge with every file open:
// for any files, both give the same records, statuses and warnings, or both
// fail.
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "msgcapture/format/merge.h"

using namespace msgcapture;

namespace {

struct Outcome {
    std::vector<std::string> records;  // header, status and payload, flattened
    std::vector<std::string> warnings;
    bool failed = false;
    bool operator==(const Outcome&) const = default;
};

Outcome merge(const std::vector<std::string>& paths, MergeLimits limits) {
    Outcome out;
    try {
        std::vector<RecordReader> readers;
        for (const auto& p : paths) readers.push_back(RecordReader::open(p, [&](const std::string& w) { out.warnings.push_back(w); }));
        RecordMerger merger(std::move(readers), {}, limits);
        while (auto m = merger.next()) {
            const Record& r = m->record;
            out.records.push_back(std::to_string(m->source) + ":" + std::to_string(r.header.time_us) + ":" +
                                  std::string(r.header.msgtype_text()) + ":" + std::to_string(static_cast<int>(r.status)) + ":" +
                                  std::to_string(r.offset) + ":" + std::string(r.payload.begin(), r.payload.end()));
        }
    } catch (const ReadError&) {
        out.failed = true;  // the error text names a path; that both fail is what counts
    }
    // Each file warns at most once per kind; when it does may shift with parking.
    std::sort(out.warnings.begin(), out.warnings.end());
    return out;
}

}  // namespace

// Input: up to four files separated by "\xff\xfe"; a file's first byte says
// whether to compress it and into how many frames.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::string dir = [] {
        char name[] = "/tmp/fuzz-merge-XXXXXX";
        if (!::mkdtemp(name)) std::abort();
        return std::string(name);
    }();
    const std::string input(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> paths;
    size_t start = 0;
    while (start < input.size() && paths.size() < 4) {
        size_t end = input.find("\xff\xfe", start);
        if (end == std::string::npos) end = input.size();
        std::string content = input.substr(start, end - start);
        start = end + 2;
        if (content.empty()) continue;
        const uint8_t mode = static_cast<uint8_t>(content[0]);
        content.erase(0, 1);
        const std::string path = dir + "/f" + std::to_string(paths.size()) + (mode & 1 ? ".dat.zst" : ".dat");
        std::string bytes = content;
        if (mode & 1) {
            bytes.clear();
            const size_t frames = 1 + (mode >> 1) % 8;
            const size_t step = content.size() / frames + 1;
            for (size_t at = 0; at < content.size() || at == 0; at += step) {
                const std::string part = content.substr(at, step);
                std::string frame(ZSTD_compressBound(part.size()), '\0');
                const size_t n = ZSTD_compress(frame.data(), frame.size(), part.data(), part.size(), 1);
                if (ZSTD_isError(n)) std::abort();
                bytes += frame.substr(0, n);
                if (content.empty()) break;
            }
            if (mode & 0x80) bytes.resize(bytes.size() / 2);  // cut inside a frame
        }
        std::ofstream(path, std::ios::binary) << bytes;
        paths.push_back(path);
    }
    const Outcome open = merge(paths, {});
    if (!(merge(paths, {1, 128u << 20}) == open)) std::abort();
    if (!(merge(paths, {256, 1}) == open)) std::abort();
    for (const auto& p : paths) ::unlink(p.c_str());
    return 0;
}
