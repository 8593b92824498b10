// A capture file read while it grows, piece by piece (as --follow reads a
// file the node is writing), against the same file read whole once it is
// complete: for any bytes and any pieces, both give the same records,
// statuses, offsets and warnings. Plain files and zstd files (one frame per
// piece, as the writer ends a frame at each flush, each appended in two
// halves so that the reader also meets half a frame); with parking between
// pieces when the input asks for it.
#include <unistd.h>
#include <zstd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "msgcapture/format/record_reader.h"

using namespace msgcapture;

namespace {

struct Outcome {
    std::vector<std::string> records;
    std::vector<std::string> warnings;
    bool failed = false;
    bool operator==(const Outcome&) const = default;
};

std::string describe(const Record& r) {
    return std::to_string(r.header.time_us) + ":" + std::string(r.header.msgtype_text()) + ":" + std::to_string(r.header.length) + ":" +
           std::to_string(static_cast<int>(r.status)) + ":" + std::to_string(r.offset) + ":" + std::string(r.payload.begin(), r.payload.end());
}

void append(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string compress(const std::string& part) {
    std::string frame(ZSTD_compressBound(part.size()), '\0');
    const size_t n = ZSTD_compress(frame.data(), frame.size(), part.data(), part.size(), 1);
    if (ZSTD_isError(n)) std::abort();
    frame.resize(n);
    return frame;
}

// Reads what is there now; false once the reader failed.
bool read_available(RecordReader& reader, Outcome& out) {
    try {
        Record r;
        while (reader.next(r)) out.records.push_back(describe(r));
        return true;
    } catch (const ReadError&) {
        out.failed = true;
        return false;
    }
}

}  // namespace

// Input: a mode byte (bit 0: zstd; bit 1: park between pieces), then the
// file's content in pieces separated by "\xff\xfe".
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::string dir = [] {
        char name[] = "/tmp/fuzz-growing-XXXXXX";
        if (!::mkdtemp(name)) std::abort();
        return std::string(name);
    }();
    if (size == 0) return 0;
    const bool zstd = data[0] & 1, park = data[0] & 2;
    const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::vector<std::string> pieces;
    for (size_t start = 0; start <= input.size() && pieces.size() < 64;) {
        size_t end = input.find("\xff\xfe", start);
        if (end == std::string::npos) end = input.size();
        pieces.push_back(input.substr(start, end - start));
        start = end + 2;
    }
    const std::string growing_path = dir + (zstd ? "/growing.dat.zst" : "/growing.dat");
    const std::string whole_path = dir + (zstd ? "/whole.dat.zst" : "/whole.dat");
    ::unlink(growing_path.c_str());
    ::unlink(whole_path.c_str());
    append(growing_path, "");

    Outcome growing;
    {
        RecordReader reader = RecordReader::open(growing_path, [&](const std::string& w) { growing.warnings.push_back(w.substr(w.find(": ") + 2)); });
        reader.set_growing(true);
        bool ok = true;
        for (const std::string& piece : pieces) {
            const std::string bytes = zstd ? compress(piece) : piece;
            append(whole_path, bytes);
            // Half the piece, a look, the rest, a look.
            append(growing_path, bytes.substr(0, bytes.size() / 2));
            if (ok) ok = read_available(reader, growing);
            append(growing_path, bytes.substr(bytes.size() / 2));
            if (ok) ok = read_available(reader, growing);
            if (ok && park) reader.park();
        }
        reader.set_growing(false);
        if (ok) read_available(reader, growing);
    }

    Outcome whole;
    try {
        RecordReader reader = RecordReader::open(whole_path, [&](const std::string& w) { whole.warnings.push_back(w.substr(w.find(": ") + 2)); });
        read_available(reader, whole);
    } catch (const ReadError&) {
        whole.failed = true;
    }
    if (!(growing == whole)) {
        auto print = [](const char* name, const Outcome& o) {
            std::fprintf(stderr, "%s: %zu records%s\n", name, o.records.size(), o.failed ? ", failed" : "");
            for (const auto& r : o.records) std::fprintf(stderr, "  %s\n", r.substr(0, 60).c_str());
            for (const auto& w : o.warnings) std::fprintf(stderr, "  warning: %s\n", w.c_str());
        };
        print("growing", growing);
        print("whole", whole);
        std::abort();
    }
    return 0;
}
