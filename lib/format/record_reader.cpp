#include "msgcapture/format/record_reader.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "msgcapture/protocol/constants.h"

namespace msgcapture {
namespace {

constexpr size_t MIN_BUFFER = 64 * 1024;
// One maximum-size record plus the byte that proves a longer one goes on.
constexpr size_t MAX_BUFFER = RECORD_HEADER_SIZE + MAX_PROTOCOL_MESSAGE_LENGTH + 1;

}  // namespace

RecordReader::RecordReader(std::unique_ptr<ByteSource> source, std::string name, WarningHandler warn)
    : source_(std::move(source)), name_(std::move(name)), warn_(std::move(warn)) {}

RecordReader RecordReader::open(const std::string& path, WarningHandler warn) {
    return RecordReader(open_byte_source(path), path, std::move(warn));
}

void RecordReader::warn(const std::string& text) const {
    if (warn_) warn_(name_ + ": " + text);
}

size_t RecordReader::fill(size_t n) {
    while (end_ - begin_ < n && !at_end_) {
        if (end_ == buf_size_) {
            // Move the unconsumed bytes to the front; into a larger buffer when
            // they fill this one. New buffers are not zero-filled: read() writes them.
            const size_t have = end_ - begin_;
            if (have == buf_size_) {
                const size_t size = grown_size(n);
                auto bigger = std::make_unique_for_overwrite<uint8_t[]>(size);
                if (have > 0) std::memcpy(bigger.get(), buf_.get() + begin_, have);
                buf_ = std::move(bigger);
                buf_size_ = size;
            } else if (begin_ > 0) {
                std::memmove(buf_.get(), buf_.get() + begin_, have);
            }
            begin_ = 0;
            end_ = have;
        }
        size_t got = source_->read(buf_.get() + end_, buf_size_ - end_);
        if (got == 0) {
            at_end_ = true;
            if (auto note = source_->end_warning(); !note.empty()) warn(note);
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
    size_t size = std::max(MIN_BUFFER, buf_size_ * 2);
    const size_t have = end_ - begin_;
    if (const auto left = source_->bytes_known_left(); left && n > have && *left >= n - have) size = std::max(size, std::bit_ceil(n));
    return std::min(MAX_BUFFER, size);
}

bool RecordReader::next(Record& out) {
    if (finished_) return false;
    size_t have = fill(RECORD_HEADER_SIZE);
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
    out.header = parse_record_header(buf_.get() + begin_);
    out.offset = offset_;
    const uint64_t declared = out.header.length;
    const size_t wanted = RECORD_HEADER_SIZE + static_cast<size_t>(std::min<uint64_t>(declared, MAX_PROTOCOL_MESSAGE_LENGTH + 1));
    const size_t got = fill(wanted) - RECORD_HEADER_SIZE;
    const uint8_t* payload = buf_.get() + begin_ + RECORD_HEADER_SIZE;

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
    const size_t consumed = finished_ ? end_ - begin_ : RECORD_HEADER_SIZE + got;
    begin_ += consumed;
    offset_ += consumed;
    return true;
}

}  // namespace msgcapture
