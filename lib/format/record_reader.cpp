#include "msgcapture/format/record_reader.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include <sys/stat.h>

#include "msgcapture/mapped_pages.h"
#include "msgcapture/protocol/constants.h"

namespace msgcapture {
namespace {

constexpr size_t MIN_BUFFER = 64 * 1024;
// One maximum-size record plus the byte that proves a longer one goes on.
constexpr size_t MAX_BUFFER = RECORD_HEADER_SIZE + MAX_PROTOCOL_MESSAGE_LENGTH + 1;
// Bytes read past what the record at hand needs: enough to make small records
// cheap, few enough that a large buffer can be given back as soon as its
// record is consumed.
constexpr size_t READ_AHEAD = MIN_BUFFER;
// Idle buffers a pool keeps; past either limit the smallest is freed.
constexpr size_t POOL_SPARES = 64;
constexpr size_t POOL_SPARE_BYTES = 16 << 20;

}  // namespace

// Read buffers are pages of their own: a block's in huge pages, a quiet
// file's 64 KiB costing only what was written to it.
BufferPool::Buffer::Buffer(size_t n) : data(static_cast<uint8_t*>(detail::map_pages(n))), size(n) {}

BufferPool::Buffer::~Buffer() { detail::unmap_pages(data, size); }

std::shared_ptr<BufferPool::Buffer> BufferPool::take(size_t size) {
    // The smallest idle buffer that fits without wasting more than half of it.
    auto best = given_.end();
    for (auto it = given_.begin(); it != given_.end(); ++it) {
        const size_t have = (*it)->size;
        if (it->use_count() == 1 && have >= size && have / 2 <= size && (best == given_.end() || have < (*best)->size)) best = it;
    }
    if (best == given_.end()) return std::make_shared<Buffer>(size);
    std::shared_ptr<Buffer> out = std::move(*best);
    given_.erase(best);
    return out;
}

void BufferPool::give(std::shared_ptr<Buffer> buffer) {
    if (!buffer) return;
    given_.push_back(std::move(buffer));
    // Buffers still held stay listed until they are idle; past the spares
    // kept, idle ones are freed, the smallest first.
    for (;;) {
        size_t idle = 0, idle_bytes = 0;
        auto smallest = given_.end();
        for (auto it = given_.begin(); it != given_.end(); ++it) {
            if (it->use_count() != 1) continue;
            ++idle;
            idle_bytes += (*it)->size;
            if (smallest == given_.end() || (*it)->size < (*smallest)->size) smallest = it;
        }
        if (idle <= POOL_SPARES && idle_bytes <= POOL_SPARE_BYTES) return;
        given_.erase(smallest);
    }
}

RecordReader::RecordReader(std::unique_ptr<ByteSource> source, std::string name, WarningHandler warn)
    : source_(std::move(source)), name_(std::move(name)), warn_(std::move(warn)) {}

RecordReader RecordReader::open(const std::string& path, WarningHandler warn) {
    RecordReader reader(open_byte_source(path), path, std::move(warn));
    reader.path_ = path;
    return reader;
}

void RecordReader::warn(const std::string& text) const {
    if (warn_) warn_(name_ + ": " + text);
}

size_t RecordReader::fill(size_t n) {
    while (end_ - begin_ < n && !at_end_) {
        if (end_ == capacity()) {
            // Move the unconsumed bytes to the front: into a larger buffer when
            // they fill this one, into another when a caller still holds
            // payloads in this one. New buffers are not zero-filled: read() writes them.
            const size_t have = end_ - begin_;
            if (have == capacity() || buffer_held_elsewhere()) {
                std::shared_ptr<BufferPool::Buffer> next = take_buffer(have == capacity() || n > capacity() ? grown_size(n) : capacity());
                if (have > 0) std::memcpy(next->data, data() + begin_, have);
                give_buffer();
                buf_ = std::move(next);
            } else if (begin_ > 0) {
                std::memmove(data(), data() + begin_, have);
            }
            begin_ = 0;
            end_ = have;
        }
        const size_t want = std::min(capacity() - end_, std::max(n - (end_ - begin_), READ_AHEAD));
        const size_t got = source_->read(data() + end_, want);
        if (got == 0) {
            at_end_ = true;
            // A growing file's end is only where the writer has got to.
            if (auto note = source_->end_warning(); !growing_ && !note.empty() && !end_warned_) {
                warn(note);
                end_warned_ = true;
            }
        }
        end_ += got;
    }
    return std::min(n, end_ - begin_);
}

// Grows only when the buffer is full of real bytes, and by doubling, so memory
// follows what the file holds, not what a length field claims; when the source
// is known to hold all `n` bytes, straight to the power of two that holds them
// (the size the doubling would reach, without the copies and fresh pages of
// the steps between).
size_t RecordReader::grown_size(size_t n) const {
    size_t size = std::max(MIN_BUFFER, capacity() * 2);
    const size_t have = end_ - begin_;
    if (const auto left = source_->bytes_known_left(); left && n > have && *left >= n - have) size = std::max(size, std::bit_ceil(n));
    return std::min(MAX_BUFFER, size);
}

std::shared_ptr<BufferPool::Buffer> RecordReader::take_buffer(size_t size) {
    if (pool_) return pool_->take(size);
    return std::make_shared<BufferPool::Buffer>(size);
}

void RecordReader::give_buffer() {
    if (pool_) pool_->give(std::move(buf_));
    buf_.reset();
    begin_ = end_ = 0;
}

void RecordReader::consume_loaded() {
    if (loaded_bytes_ == 0) return;
    begin_ += loaded_bytes_;
    offset_ += loaded_bytes_;
    loaded_bytes_ = 0;
    // A large buffer whose record is gone goes back to the pool.
    if (pool_ && capacity() > MIN_BUFFER && end_ - begin_ <= MIN_BUFFER) {
        std::shared_ptr<BufferPool::Buffer> small = take_buffer(MIN_BUFFER);
        std::memcpy(small->data, data() + begin_, end_ - begin_);
        const size_t have = end_ - begin_;
        give_buffer();
        buf_ = std::move(small);
        end_ = have;
    }
}

bool RecordReader::next(Record& out) {
    if (!next_header(out)) return false;
    load_payload(out);
    return true;
}

bool RecordReader::next_header(Record& out) {
    if (parked_) reopen();
    if (header_pending_) {
        Record skipped;  // not loaded by the caller: read past it
        load_payload(skipped);
    }
    consume_loaded();
    if (finished_) return false;
    if (growing_ && !whole_record_available()) return false;
    const size_t have = fill(RECORD_HEADER_SIZE);
    if (have == 0) {
        finished_ = true;
        return false;
    }
    if (have < RECORD_HEADER_SIZE) {
        warn("torn header at offset " + std::to_string(offset_) + " (" + std::to_string(have) + " of " +
             std::to_string(RECORD_HEADER_SIZE) + " bytes); no entry for it");
        finished_ = true;
        return false;
    }
    out.header = parse_record_header(data() + begin_);
    out.offset = offset_;
    out.status = RecordStatus::Complete;
    out.payload = ByteSpan();
    header_pending_ = true;
    return true;
}

bool RecordReader::whole_record_available() {
    at_end_ = false;  // the file may have grown since the last look
    if (fill(RECORD_HEADER_SIZE) < RECORD_HEADER_SIZE) return false;
    const uint64_t declared = parse_record_header(data() + begin_).length;
    // As load_payload() decides: an oversized length shows once one byte past
    // the limit is there; until then, and until the file is final, it might
    // still be a torn record, as a read of the finished file would say.
    const size_t wanted = RECORD_HEADER_SIZE + static_cast<size_t>(std::min<uint64_t>(declared, MAX_PROTOCOL_MESSAGE_LENGTH + 1));
    return fill(wanted) == wanted;
}

bool RecordReader::file_grew() const {
    if (!parked_) return true;
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) return true;  // reopening will say what is wrong
    return static_cast<uint64_t>(st.st_size) > file_bytes_read_;
}

void RecordReader::load_payload(Record& out) {
    if (!header_pending_) return;
    if (parked_) reopen();
    header_pending_ = false;
    // The header is still in the buffer (it was re-read if the reader was parked).
    if (fill(RECORD_HEADER_SIZE) < RECORD_HEADER_SIZE) throw ReadError("cannot reread " + name_ + ": it is shorter than when it was read");
    out.header = parse_record_header(data() + begin_);
    out.offset = offset_;
    const uint64_t declared = out.header.length;
    const size_t wanted = RECORD_HEADER_SIZE + static_cast<size_t>(std::min<uint64_t>(declared, MAX_PROTOCOL_MESSAGE_LENGTH + 1));
    const size_t got = fill(wanted) - RECORD_HEADER_SIZE;
    const uint8_t* payload = data() + begin_ + RECORD_HEADER_SIZE;

    if (got < declared && got < wanted - RECORD_HEADER_SIZE) {
        out.status = RecordStatus::Truncated;
        out.payload = ByteSpan(payload, got);
        warn("torn record at offset " + std::to_string(offset_) + ": payload has " + std::to_string(got) + " of " +
             std::to_string(declared) + " bytes");
        finished_ = true;
    } else if (declared > MAX_PROTOCOL_MESSAGE_LENGTH) {
        out.status = RecordStatus::Oversized;
        out.payload = ByteSpan();
        warn("record at offset " + std::to_string(offset_) + " declares " + std::to_string(declared) +
             " payload bytes, over the " + std::to_string(MAX_PROTOCOL_MESSAGE_LENGTH) +
             "-byte limit; the rest of the file is skipped");
        finished_ = true;
    } else {
        out.status = RecordStatus::Complete;
        out.payload = ByteSpan(payload, got);
    }
    // The caller reads the payload in place; it is consumed on the next call.
    loaded_bytes_ = finished_ ? end_ - begin_ : RECORD_HEADER_SIZE + got;
}

void RecordReader::park() {
    if (parked_ || path_.empty() || !source_) return;
    if (finished_) return release();
    consume_loaded();
    const auto at = source_->position_of(offset_);
    if (!at) return;
    parked_at_ = *at;
    file_bytes_read_ = source_->file_bytes_read();
    source_.reset();
    give_buffer();
    at_end_ = false;
    parked_ = true;
}

void RecordReader::reopen() {
    source_ = open_byte_source(path_, parked_at_);
    parked_ = false;
}

void RecordReader::release() {
    if (!source_) return;
    file_bytes_read_ = source_->file_bytes_read();
    source_.reset();
    give_buffer();
    loaded_bytes_ = 0;
    header_pending_ = false;
    finished_ = true;
}

size_t RecordReader::memory_usage() const { return capacity() + (source_ ? source_->memory_usage() : 0); }

}  // namespace msgcapture
