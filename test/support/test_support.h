#pragma once
// Helpers shared by the test programs: temporary directories, files, and the
// records of the bundled conformance captures.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "msgcapture/format/record.h"
#include "msgcapture/format/session.h"
#include "msgcapture/protocol/bytes.h"

// AddressSanitizer's quarantine keeps freed memory (256 MB by default) and its
// shadow memory and redzones add more, so under it a process's peak memory says
// little about the program: memory bounds are then reported, not checked. The
// normal build checks them.
#if defined(__SANITIZE_ADDRESS__)
#define MSGCAPTURE_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MSGCAPTURE_UNDER_ASAN 1
#endif
#endif
#ifdef MSGCAPTURE_UNDER_ASAN
#define EXPECT_MEMORY_BELOW(bytes, bound)                                                                            \
    std::printf("NOTE: memory bound of %.0f MB not checked under AddressSanitizer (measured %.1f MB); the normal build checks it\n", \
                static_cast<double>(bound) / 1e6, static_cast<double>(bytes) / 1e6)
#else
#define EXPECT_MEMORY_BELOW(bytes, bound) EXPECT_LT((bytes), (bound))
#endif

namespace testsupport {

namespace fs = std::filesystem;

// The project's copy of ../shared/conformance.
fs::path conformance_dir();

// A fresh directory under the system temp dir, removed with the object.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }
    fs::path operator/(const std::string& name) const { return path_ / name; }

private:
    fs::path path_;
};

msgcapture::Bytes read_file(const fs::path& path);
void write_file(const fs::path& path, const msgcapture::Bytes& data);
std::string read_text(const fs::path& path);

// zstd-compresses `data` in one frame.
msgcapture::Bytes zstd_compress(const msgcapture::Bytes& data, int level = 3);
// zstd-compresses `data` as one streamed frame with a content checksum: no
// content size, so the frame declares a window of 2^window_log bytes.
msgcapture::Bytes zstd_compress_streamed(const msgcapture::Bytes& data, int window_log);

struct OwnedRecord {
    int64_t time_us;
    std::string msgtype;
    msgcapture::Bytes payload;
};

// Every complete record of a capture file.
std::vector<OwnedRecord> read_records(const fs::path& path);

// Every capture file of the core-regtest conformance folder.
std::vector<fs::path> core_regtest_files();

}  // namespace testsupport

namespace testsupport {

struct ProcessResult {
    int exit_code = -1;  // 128 + signal when killed by a signal
    std::string out;
    std::string err;
    uint64_t max_rss_bytes = 0;  // the process's peak resident memory
};

// Runs a program (no shell), capturing its standard output and error.
ProcessResult run_process(const std::vector<std::string>& argv);

// The message-capture-parser binary of this build.
std::string parser_binary();
// Runs the parser with `--format ndjson` and `args`, expecting success; one JSON value per line.
std::vector<nlohmann::json> run_parser_ndjson(const std::vector<std::string>& args);

// Writes `info` as <dir>/session.json, as our node does.
void write_session_json(const fs::path& dir, const msgcapture::SessionInfo& info);
// The capture-generator binary of this build.
std::string generator_binary();

}  // namespace testsupport
