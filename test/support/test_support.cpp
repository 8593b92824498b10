#include "test_support.h"

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

msgcapture::Bytes read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    return msgcapture::Bytes(std::istreambuf_iterator<char>(in), {});
}

void write_file(const fs::path& path, const msgcapture::Bytes& data) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_text(const fs::path& path) {
    auto b = read_file(path);
    return std::string(b.begin(), b.end());
}

msgcapture::Bytes zstd_compress(const msgcapture::Bytes& data, int level) {
    msgcapture::Bytes out(ZSTD_compressBound(data.size()));
    size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
    if (ZSTD_isError(n)) throw std::runtime_error(ZSTD_getErrorName(n));
    out.resize(n);
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
