// Every conformance folder: the parser's output equals expected.json as JSON
// values, given the files, given the directory, and given zstd copies.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "msgcapture/format/capture_files.h"
#include "test_support.h"

using nlohmann::json;
using namespace testsupport;

namespace {

std::vector<std::string> folders() {
    std::vector<std::string> out;
    for (const auto& group : {"core-regtest", "edge"}) {
        fs::path base = conformance_dir() / group;
        if (fs::exists(base / "expected.json")) {
            out.push_back(group);
            continue;
        }
        for (const auto& e : fs::directory_iterator(base)) out.push_back(std::string(group) + "/" + e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Capture files below `dir`, relative to it, in byte-wise order.
std::vector<std::string> capture_files(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (msgcapture::is_capture_file_name(e.path().filename().string())) out.push_back(fs::relative(e.path(), dir).string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

class Conformance : public ::testing::TestWithParam<std::string> {
protected:
    fs::path folder() const { return conformance_dir() / GetParam(); }
    json expected() const { return json::parse(read_text(folder() / "expected.json")); }

    // Runs the parser with `paths` (relative to `base`) and returns its JSON.
    json parse(const fs::path& base, const std::vector<std::string>& paths) {
        TempDir out;
        std::vector<std::string> argv = {parser_binary(), "-o", (out / "out.json").string()};
        for (const auto& p : paths) argv.push_back((base / p).string());
        ProcessResult res = run_process(argv);
        EXPECT_EQ(res.exit_code, 0) << res.err;
        last_stderr_ = res.err;
        return json::parse(read_text(out / "out.json"));
    }

    std::string last_stderr_;
};

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
    std::string name = info.param;
    std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
    return name;
}

}  // namespace

TEST_P(Conformance, GivenTheFiles) {
    EXPECT_EQ(parse(folder(), capture_files(folder())), expected());
}

TEST_P(Conformance, GivenTheDirectory) {
    EXPECT_EQ(parse(folder(), {"."}), expected());
}

TEST_P(Conformance, GivenZstdCompressedCopies) {
    TempDir copy;
    std::vector<std::string> compressed;
    for (const auto& rel : capture_files(folder())) {
        write_file(copy / (rel + ".zst"), zstd_compress(read_file(folder() / rel)));
        compressed.push_back(rel + ".zst");
    }
    EXPECT_EQ(parse(copy.path(), compressed), expected());
    EXPECT_EQ(parse(copy.path(), {"."}), expected());
}

INSTANTIATE_TEST_SUITE_P(Folders, Conformance, ::testing::ValuesIn(folders()), test_name);

// The torn-header case prints a warning that names the file and the offset.
TEST(ConformanceWarnings, TornHeaderNamesFileAndOffset) {
    fs::path folder = conformance_dir() / "edge" / "torn-header";
    ProcessResult res = run_process({parser_binary(), "-n", (folder / "msgs_recv.dat").string()});
    EXPECT_EQ(res.exit_code, 0);
    EXPECT_NE(res.err.find("msgs_recv.dat: torn header at offset 32"), std::string::npos) << res.err;
    EXPECT_EQ(json::parse(res.out), json::parse(read_text(folder / "expected.json")));
}
