#pragma once
// Streams records from one capture file with bounded memory: a declared length
// is never allocated up front; the buffer grows only as real bytes arrive, and
// never past one maximum-size record.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "msgcapture/format/byte_source.h"
#include "msgcapture/format/record.h"

namespace msgcapture {

using WarningHandler = std::function<void(const std::string&)>;

class RecordReader {
public:
    // `name` labels warnings and errors (usually the path).
    RecordReader(std::unique_ptr<ByteSource> source, std::string name, WarningHandler warn = {});

    // Opens a .dat or .dat.zst file. Throws ReadError.
    static RecordReader open(const std::string& path, WarningHandler warn = {});

    // The next record, or false at the end of the file. A torn header ends the
    // file with a warning and no record; a torn payload gives a Truncated record
    // and a warning; an oversized length gives an Oversized record and ends the
    // file. Throws ReadError when the file cannot be read.
    bool next(Record& out);

    const std::string& name() const { return name_; }
    uint64_t file_bytes_read() const { return source_->file_bytes_read(); }

private:
    // Makes at least `n` bytes available from begin_; returns how many are (fewer only at the end).
    size_t fill(size_t n);
    size_t grown_size(size_t n) const;  // the buffer's next size when it is full
    void warn(const std::string& text) const;

    std::unique_ptr<ByteSource> source_;
    std::string name_;
    WarningHandler warn_;
    std::unique_ptr<uint8_t[]> buf_;
    size_t buf_size_ = 0;
    size_t begin_ = 0;         // first unconsumed byte in buf_
    size_t end_ = 0;           // one past the last valid byte in buf_
    uint64_t offset_ = 0;      // stream offset of buf_[begin_]
    bool at_end_ = false;      // the source returned 0
    bool finished_ = false;    // no more records will come
};

}  // namespace msgcapture
