#include "test_support.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "msgcapture/format/record_reader.h"

namespace testsupport {

fs::path conformance_dir() { return fs::path(MSGCAPTURE_TEST_DATA) / "conformance"; }

TempDir::TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("msgcapture-test-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

namespace {

// The whole file in one read (a byte-at-a-time iterator over a parser's
// 23 MB output took about 30 s under the sanitizers).
template <typename Container>
Container read_whole(const fs::path& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    Container out(static_cast<size_t>(in.tellg()), {});
    in.seekg(0);
    in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size()));
    if (!in) throw std::runtime_error("cannot read " + path.string());
    return out;
}

}  // namespace

msgcapture::Bytes read_file(const fs::path& path) { return read_whole<msgcapture::Bytes>(path); }

void write_file(const fs::path& path, const msgcapture::Bytes& data) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_text(const fs::path& path) { return read_whole<std::string>(path); }

msgcapture::Bytes zstd_compress(const msgcapture::Bytes& data, int level) {
    msgcapture::Bytes out(ZSTD_compressBound(data.size()));
    size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
    if (ZSTD_isError(n)) throw std::runtime_error(ZSTD_getErrorName(n));
    out.resize(n);
    return out;
}

msgcapture::Bytes zstd_compress_streamed(const msgcapture::Bytes& data, int window_log) {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, window_log);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    msgcapture::Bytes out(ZSTD_compressBound(data.size()) + 1024);
    ZSTD_outBuffer o{out.data(), out.size(), 0};
    ZSTD_inBuffer i{data.data(), data.size(), 0};
    ZSTD_compressStream2(cctx, &o, &i, ZSTD_e_continue);  // the size stays unknown
    ZSTD_inBuffer none{nullptr, 0, 0};
    while (ZSTD_compressStream2(cctx, &o, &none, ZSTD_e_end) != 0) {
    }
    ZSTD_freeCCtx(cctx);
    out.resize(o.pos);
    return out;
}

std::vector<OwnedRecord> read_records(const fs::path& path) {
    auto reader = msgcapture::RecordReader::open(path.string());
    std::vector<OwnedRecord> out;
    msgcapture::Record r;
    while (reader.next(r)) {
        if (r.status != msgcapture::RecordStatus::Complete) continue;
        out.push_back({r.header.time_us, std::string(r.header.msgtype_text()),
                       msgcapture::Bytes(r.payload.begin(), r.payload.end())});
    }
    return out;
}

std::vector<fs::path> core_regtest_files() {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(conformance_dir() / "core-regtest")) {
        if (e.path().extension() == ".dat") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace testsupport

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace testsupport {

ProcessResult run_process(const std::vector<std::string>& argv) {
    TempDir dir;
    const fs::path out_path = dir / "stdout", err_path = dir / "stderr";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
    int status = 0;
    rusage usage{};
    while (wait4(pid, &status, 0, &usage) < 0) {
    }
    ProcessResult res;
    res.max_rss_bytes = static_cast<uint64_t>(usage.ru_maxrss) * 1024;
    res.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    res.out = read_text(out_path);
    res.err = read_text(err_path);
    return res;
}

// MSGCAPTURE_PARSER in the environment runs another build (an older one, to
// show that a test fails without the fix it checks).
std::string parser_binary() {
    const char* other = std::getenv("MSGCAPTURE_PARSER");
    return other && *other ? other : MSGCAPTURE_PARSER_BINARY;
}
std::string generator_binary() { return MSGCAPTURE_GENERATOR_BINARY; }

std::vector<nlohmann::json> run_parser_ndjson(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {parser_binary(), "--format", "ndjson"};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult res = run_process(argv);
    EXPECT_EQ(res.exit_code, 0) << res.err;
    std::vector<nlohmann::json> out;
    std::istringstream lines(res.out);
    for (std::string line; std::getline(lines, line);) out.push_back(nlohmann::json::parse(line));
    return out;
}

void write_session_json(const fs::path& dir, const msgcapture::SessionInfo& info) {
    const std::string text = msgcapture::session_to_json(info);
    write_file(dir / "session.json", msgcapture::Bytes(text.begin(), text.end()));
}

}  // namespace testsupport
