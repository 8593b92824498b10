// The k-way merge: order by time, ties to the file given first, each file's
// own order kept when its clock steps back.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "msgcapture/format/merge.h"
#include "test_support.h"

using namespace msgcapture;
using testsupport::TempDir;

namespace {

struct Entry {
    int64_t time;
    size_t file;
    uint8_t tag;
    bool operator==(const Entry&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Entry& e) {
    return os << "{" << e.time << ", file " << e.file << ", tag " << int(e.tag) << "}";
}

class MergeTest : public ::testing::Test {
protected:
    // Writes one file per list of (time, tag) records.
    // `frames` > 0: a .dat.zst file of that many zstd frames.
    void add_file(std::vector<std::pair<int64_t, uint8_t>> records, size_t frames = 0) {
        Bytes data;
        for (auto [time, tag] : records) append_record(data, time, "ping", Bytes(8, tag));
        auto path = dir_ / ("f" + std::to_string(paths_.size()) + (frames ? ".dat.zst" : ".dat"));
        if (frames) {
            Bytes compressed;
            const size_t step = data.size() / frames + 1;
            for (size_t at = 0; at < data.size(); at += step) {
                auto frame = testsupport::zstd_compress(Bytes(data.begin() + static_cast<std::ptrdiff_t>(at),
                                                              data.begin() + static_cast<std::ptrdiff_t>(std::min(data.size(), at + step))));
                compressed.insert(compressed.end(), frame.begin(), frame.end());
            }
            data = compressed;
        }
        testsupport::write_file(path, data);
        paths_.push_back(path.string());
    }

    std::vector<Entry> merge(MergeLimits limits = {}) {
        std::vector<RecordReader> readers;
        for (const auto& p : paths_) readers.push_back(RecordReader::open(p));
        RecordMerger merger(std::move(readers), [&](const std::string& w) { warnings_.push_back(w); }, limits);
        std::vector<Entry> out;
        while (auto m = merger.next()) out.push_back({m->record.header.time_us, m->source, m->record.payload[0]});
        return out;
    }

    TempDir dir_;
    std::vector<std::string> paths_;
    std::vector<std::string> warnings_;
};

}  // namespace

TEST_F(MergeTest, InterleavesByTime) {
    add_file({{1, 1}, {4, 2}, {9, 3}});
    add_file({{2, 4}, {3, 5}, {10, 6}});
    std::vector<Entry> want = {{1, 0, 1}, {2, 1, 4}, {3, 1, 5}, {4, 0, 2}, {9, 0, 3}, {10, 1, 6}};
    EXPECT_EQ(merge(), want);
    EXPECT_TRUE(warnings_.empty());
}

TEST_F(MergeTest, TiesGoToTheFileGivenFirstAndKeepFileOrder) {
    add_file({{5, 1}, {5, 2}});
    add_file({{5, 3}, {6, 4}});
    add_file({{5, 5}});
    std::vector<Entry> want = {{5, 0, 1}, {5, 0, 2}, {5, 1, 3}, {5, 2, 5}, {6, 1, 4}};
    EXPECT_EQ(merge(), want);
}

TEST_F(MergeTest, ClockStepBackKeepsTheFilesOwnOrderAndWarnsOnce) {
    add_file({{10, 1}, {3, 2}, {4, 3}, {1, 4}});
    add_file({{2, 5}, {5, 6}});
    // File 0's records keep their order; after the step back its 3 and 4 come
    // before file 1's 5.
    std::vector<Entry> want = {{2, 1, 5}, {5, 1, 6}, {10, 0, 1}, {3, 0, 2}, {4, 0, 3}, {1, 0, 4}};
    EXPECT_EQ(merge(), want);
    ASSERT_EQ(warnings_.size(), 1u);
    EXPECT_NE(warnings_[0].find("f0.dat: time goes backwards at offset 32"), std::string::npos) << warnings_[0];
}

TEST_F(MergeTest, EqualsAStableSortWhenTimesNeverDecrease) {
    std::mt19937 rng(7);
    std::vector<Entry> all;
    for (size_t f = 0; f < 6; ++f) {
        std::vector<std::pair<int64_t, uint8_t>> records;
        int64_t t = 0;
        for (int i = 0; i < 200; ++i) {
            t += rng() % 3;  // many ties
            records.push_back({t, static_cast<uint8_t>(i)});
            all.push_back({t, f, static_cast<uint8_t>(i)});
        }
        add_file(records);
    }
    std::stable_sort(all.begin(), all.end(), [](const Entry& a, const Entry& b) { return a.time < b.time; });
    EXPECT_EQ(merge(), all);
}

TEST_F(MergeTest, EmptyFilesAndNoFiles) {
    EXPECT_TRUE(merge().empty());
    add_file({});
    add_file({{1, 1}});
    add_file({});
    EXPECT_EQ(merge(), (std::vector<Entry>{{1, 1, 1}}));
}

// Past the open-file limit files are parked and reopened where they stopped,
// plain ones at their offset and zstd ones at the start of their frame: the
// merge is the same as with every file open.
TEST_F(MergeTest, ParkedFilesResumeExactlyWhereTheyStopped) {
    std::mt19937 rng(11);
    for (size_t f = 0; f < 12; ++f) {
        std::vector<std::pair<int64_t, uint8_t>> records;
        int64_t t = 0;
        for (int i = 0; i < 300; ++i) records.push_back({t += rng() % 5, static_cast<uint8_t>(i)});
        add_file(records, f % 3 == 0 ? 0 : f % 3 == 1 ? 1 : 7);  // plain, one frame, seven frames
    }
    const auto all_open = merge();
    ASSERT_EQ(all_open.size(), 12u * 300);
    EXPECT_EQ(merge({2, 128u << 20}), all_open);
    EXPECT_EQ(merge({1, 128u << 20}), all_open);
    EXPECT_EQ(merge({256, 1}), all_open);  // a memory budget that parks every other file
}
