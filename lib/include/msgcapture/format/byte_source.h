#pragma once
// Where record bytes come from: a plain file or a zstd-compressed one.
#include <cstdint>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "msgcapture/export.h"
#include "msgcapture/errors.h"

namespace msgcapture {

// Where a source can be reopened: at `file_offset` in the file, which is
// `stream_offset` in the (decompressed) stream, then `skip` bytes on.
struct MSGCAPTURE_EXPORT SourcePosition {
    uint64_t file_offset = 0;
    uint64_t stream_offset = 0;
    uint64_t skip = 0;
    // The file first opened (device and inode), when known: reopening the
    // path finds another file after a rotation or a delete, and that is
    // refused rather than read from the old offset.
    uint64_t device = 0;
    uint64_t inode = 0;
};

class MSGCAPTURE_EXPORT ByteSource {
public:
    virtual ~ByteSource() = default;
    // Reads up to `n` bytes; returns 0 only at the end. Throws ReadError.
    virtual size_t read(uint8_t* dst, size_t n) = 0;
    // Bytes taken from the file on disk so far (compressed bytes for zstd).
    virtual uint64_t file_bytes_read() const = 0;
    // Bytes the source is known to still hold (a plain file's size when it was
    // opened, less what was read); nullopt when that is not known (zstd).
    virtual std::optional<uint64_t> bytes_known_left() const { return std::nullopt; }
    // A note about how the stream ended, if it ended badly (e.g. inside a zstd
    // frame); empty otherwise. Valid once read() has returned 0.
    virtual std::string end_warning() const { return {}; }
    // How to reopen the source so that it reads from `stream_offset` on (at
    // most a few MiB behind what was read); nullopt when it cannot be.
    virtual std::optional<SourcePosition> position_of(uint64_t stream_offset) const {
        (void)stream_offset;
        return std::nullopt;
    }
    // Memory the source holds (a zstd decoder's window and buffers).
    virtual size_t memory_usage() const { return 0; }
};

// zstd frames may ask for any window up to 2 GiB; a capture writer never
// needs more than this, and a larger one is refused, not allocated.
inline constexpr int MAX_ZSTD_WINDOW_LOG = 23;  // 8 MiB

// Opens `path`, decompressing when its name ends in ".zst", reading from
// `at` on (see position_of). Throws ReadError.
MSGCAPTURE_EXPORT std::unique_ptr<ByteSource> open_byte_source(const std::string& path, const SourcePosition& at = {});

// Bytes already in memory (records received over a pipe, fuzz inputs).
MSGCAPTURE_EXPORT std::unique_ptr<ByteSource> memory_byte_source(std::vector<uint8_t> data);

}  // namespace msgcapture
