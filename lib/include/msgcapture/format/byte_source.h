#pragma once
// Where record bytes come from: a plain file or a zstd-compressed one.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace msgcapture {

// An input that cannot be opened or read: the message names the file and the cause.
class ReadError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ByteSource {
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
};

// Opens `path`, decompressing when its name ends in ".zst". Throws ReadError.
std::unique_ptr<ByteSource> open_byte_source(const std::string& path);

// Bytes already in memory (records received over a pipe, fuzz inputs).
std::unique_ptr<ByteSource> memory_byte_source(std::vector<uint8_t> data);

}  // namespace msgcapture
