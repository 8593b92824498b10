#pragma once
// Streams records from one capture file with bounded memory: a declared length
// is never allocated up front; the buffer grows only as real bytes arrive, and
// never past one maximum-size record.
//
// Payloads are read into the reader's buffer and handed out where they lie.
// A caller may keep one past the next call by holding payload_keeper(): the
// reader then never writes over it, and reads on into another buffer.
//
// A record is read in two steps, its header and then its payload, so that a
// merge of many files can order them by their headers while holding no
// payload but the one it hands out. A reader opened from a path can also be
// parked: its file closed and its buffers freed, to be reopened where it
// stopped, so that any number of files can be merged under a small limit on
// open files and memory.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "msgcapture/export.h"
#include "msgcapture/format/byte_source.h"
#include "msgcapture/format/record.h"

namespace msgcapture {

using WarningHandler = std::function<void(const std::string&)>;

// Read buffers shared by the readers of one merge. A buffer may still be
// held after its reader moved on (by a caller that kept payloads, see
// RecordReader::payload_keeper); it is reused once nobody holds it, for the
// next record of any file, so that memory follows the records held, not the
// files, and buffers are written again rather than freshly faulted in.
class MSGCAPTURE_EXPORT BufferPool {
public:
    struct MSGCAPTURE_EXPORT Buffer {
        explicit Buffer(size_t size);  // contents undefined
        ~Buffer();
        Buffer(const Buffer&) = delete;
        Buffer& operator=(const Buffer&) = delete;
        uint8_t* data;
        size_t size;
    };
    // A buffer of at least `size` bytes (contents undefined) that nobody holds.
    std::shared_ptr<Buffer> take(size_t size);
    // The reader is done with `buffer`; others may still hold it.
    void give(std::shared_ptr<Buffer> buffer);

private:
    std::vector<std::shared_ptr<Buffer>> given_;
};

class MSGCAPTURE_EXPORT RecordReader {
public:
    // `name` labels warnings and errors (usually the path).
    RecordReader(std::unique_ptr<ByteSource> source, std::string name, WarningHandler warn = {});

    // Opens a .dat or .dat.zst file. Throws ReadError.
    static RecordReader open(const std::string& path, WarningHandler warn = {});

    // A file that may still grow (one being captured): at its end, next()
    // and next_header() return false without finishing, consume nothing, and
    // try again on the next call; a record is only given once it is whole.
    // Nothing is torn until set_growing(false) says the file is final.
    void set_growing(bool growing) { growing_ = growing; }
    bool growing() const { return growing_; }
    // No more records will come (the end of a final file, or an error).
    bool finished() const { return finished_; }
    // For a parked reader: whether its file on disk is now longer than what
    // was read (a cheap stat instead of reopening it). True when unknown.
    bool file_grew() const;

    // The next record, or false at the end of the file. A torn header ends the
    // file with a warning and no record; a torn payload gives a Truncated record
    // and a warning; an oversized length gives an Oversized record and ends the
    // file. Throws ReadError when the file cannot be read. The payload stays
    // valid until the next call.
    bool next(Record& out);

    // next() in two steps: the header (and offset) of the next record, with an
    // empty payload; then, optionally, its payload and status. A record whose
    // payload is not loaded is skipped by the following next_header().
    bool next_header(Record& out);
    void load_payload(Record& out);

    // Closes the file and frees the buffers, keeping the position; the next
    // call reopens the file there. Does nothing for a reader not opened from
    // a path, or one whose source cannot say where to reopen.
    void park();
    bool parked() const { return parked_; }
    // Frees everything once the file is done.
    void release();

    // Buffers come from and go back to `pool` (owned by the caller).
    void share_buffers(BufferPool* pool) { pool_ = pool; }
    // Keeps the payload last handed out readable, where it lies, for as long
    // as it is held (by another thread too), after the reader moves on.
    std::shared_ptr<const void> payload_keeper() const { return buf_; }
    // Memory held now: the buffer and the source (a zstd decoder).
    size_t memory_usage() const;

    const std::string& name() const { return name_; }
    uint64_t file_bytes_read() const { return source_ ? source_->file_bytes_read() : file_bytes_read_; }

private:
    // Makes at least `n` bytes available from begin_; returns how many are (fewer only at the end).
    size_t fill(size_t n);
    // Growing files: whether the next record is all there (buffered if so).
    bool whole_record_available();
    size_t grown_size(size_t n) const;  // the buffer's next size when it is full
    void consume_loaded();              // moves past a loaded record
    std::shared_ptr<BufferPool::Buffer> take_buffer(size_t size);  // from the pool, if shared
    bool buffer_held_elsewhere() const { return buf_.use_count() > 1; }
    uint8_t* data() const { return buf_ ? buf_->data : nullptr; }
    size_t capacity() const { return buf_ ? buf_->size : 0; }
    void give_buffer();                 // back to the pool (or freed); the buffer is then empty
    void reopen();
    void warn(const std::string& text) const;

    std::unique_ptr<ByteSource> source_;
    std::string name_;
    std::string path_;  // empty when the source did not come from a file
    WarningHandler warn_;
    BufferPool* pool_ = nullptr;
    std::shared_ptr<BufferPool::Buffer> buf_;
    size_t begin_ = 0;         // first unconsumed byte in buf_
    size_t end_ = 0;           // one past the last valid byte in buf_
    uint64_t offset_ = 0;      // stream offset of buf_[begin_]
    bool at_end_ = false;      // the source returned 0
    bool end_warned_ = false;  // its end warning was given
    bool finished_ = false;    // no more records will come
    bool header_pending_ = false;  // next_header() gave a record not yet loaded or skipped
    size_t loaded_bytes_ = 0;      // bytes of the loaded record, consumed on the next call
    bool growing_ = false;
    bool parked_ = false;
    SourcePosition parked_at_;
    uint64_t file_bytes_read_ = 0;  // while parked or released
};

}  // namespace msgcapture
