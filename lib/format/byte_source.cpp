#include "msgcapture/format/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <vector>

namespace msgcapture {
namespace {

std::string errno_text() { return std::strerror(errno); }

class FileSource : public ByteSource {
public:
    explicit FileSource(const std::string& path, uint64_t offset = 0, uint64_t expect_device = 0, uint64_t expect_inode = 0)
        : path_(path), read_(offset) {
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) throw ReadError("cannot open " + path + ": " + errno_text());
        struct stat st {};
        if (::fstat(fd_, &st) == 0 && S_ISDIR(st.st_mode)) {
            ::close(fd_);
            throw ReadError("cannot read " + path + ": it is a directory");
        }
        size_at_open_ = static_cast<uint64_t>(st.st_size);
        device_ = static_cast<uint64_t>(st.st_dev);
        inode_ = static_cast<uint64_t>(st.st_ino);
        if (expect_inode != 0 && (device_ != expect_device || inode_ != expect_inode)) {
            ::close(fd_);
            throw ReadError("cannot reopen " + path + ": it is another file now (rotated, or deleted and created again)");
        }
        if (expect_inode != 0 && size_at_open_ < offset) {
            ::close(fd_);
            throw ReadError("cannot reopen " + path + ": it is shorter than when it was read (truncated, or replaced)");
        }
        if (offset > 0 && ::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0) {
            const std::string error = errno_text();
            ::close(fd_);
            throw ReadError("cannot reopen " + path + " at offset " + std::to_string(offset) + ": " + error);
        }
    }
    ~FileSource() override { ::close(fd_); }
    FileSource(const FileSource&) = delete;
    FileSource& operator=(const FileSource&) = delete;

    size_t read(uint8_t* dst, size_t n) override {
        for (;;) {
            ssize_t got = ::read(fd_, dst, n);
            if (got >= 0) {
                read_ += static_cast<uint64_t>(got);
                return static_cast<size_t>(got);
            }
            if (errno != EINTR) throw ReadError("cannot read " + path_ + ": " + errno_text());
        }
    }
    uint64_t file_bytes_read() const override { return read_; }
    // A file still being written only grows, so this errs on the low side.
    std::optional<uint64_t> bytes_known_left() const override {
        return size_at_open_ > read_ ? size_at_open_ - read_ : 0;
    }
    std::optional<SourcePosition> position_of(uint64_t stream_offset) const override {
        return SourcePosition{stream_offset, stream_offset, 0, device_, inode_};
    }
    uint64_t device() const { return device_; }
    uint64_t inode() const { return inode_; }

private:
    std::string path_;
    int fd_ = -1;
    uint64_t device_ = 0;
    uint64_t inode_ = 0;
    uint64_t read_ = 0;  // the file offset
    uint64_t size_at_open_ = 0;
};

// Streaming zstd decompression: memory is the decoder's window (at most
// 8 MiB) plus its buffers, whatever the size of the file. Frame starts are
// remembered a little way back, so that the source can be reopened at any
// point the reader still needs: at the frame's start, decoding from there.
class ZstdSource : public ByteSource {
public:
    ZstdSource(const std::string& path, const SourcePosition& at)
        : path_(path), file_(path, at.file_offset, at.device, at.inode), in_(IN_BUFFER), stream_(ZSTD_createDStream()), delivered_(at.stream_offset) {
        if (!stream_) throw ReadError("cannot decompress " + path + ": out of memory");
        ZSTD_DCtx_setParameter(stream_, ZSTD_d_windowLogMax, MAX_ZSTD_WINDOW_LOG);
        frame_starts_.push_back({at.file_offset, at.stream_offset});
        std::vector<uint8_t> discard(std::min<uint64_t>(at.skip, 64 * 1024));
        for (uint64_t left = at.skip; left > 0;) {
            const size_t got = read(discard.data(), static_cast<size_t>(std::min<uint64_t>(left, discard.size())));
            if (got == 0) throw ReadError("cannot reopen " + path + ": it is shorter than when it was read");
            left -= got;
        }
    }
    ~ZstdSource() override { ZSTD_freeDStream(stream_); }
    ZstdSource(const ZstdSource&) = delete;
    ZstdSource& operator=(const ZstdSource&) = delete;

    size_t read(uint8_t* dst, size_t n) override {
        ZSTD_outBuffer out{dst, n, 0};
        while (out.pos == 0) {
            bool file_ended = false;
            if (input_.pos == input_.size) {
                const size_t got = file_.read(in_.data(), in_.size());
                if (got == 0) {
                    file_ended = true;
                } else {
                    input_ = ZSTD_inBuffer{in_.data(), got, 0};
                    end_warning_.clear();  // a file still being written went on
                }
            }
            // The file ended between frames: a clean end.
            if (file_ended && !in_frame_) break;
            // Otherwise this runs even at the end of the file, with no input
            // left: inside a frame, the decoder may hold decoded bytes that did
            // not fit the last `dst`.
            const size_t ret = ZSTD_decompressStream(stream_, &out, &input_);
            if (ZSTD_isError(ret)) throw ReadError("cannot decompress " + path_ + ": " + describe(ret));
            in_frame_ = ret != 0;
            if (ret == 0) frame_ended(delivered_ + out.pos);
            if (file_ended && out.pos == 0) {
                // A file cut off inside a frame (a crash while compressing):
                // everything decodable was delivered; the record layer sees
                // the end and reports the torn record.
                if (in_frame_) end_warning_ = "compressed stream ends inside a zstd frame";
                break;
            }
        }
        delivered_ += out.pos;
        return out.pos;
    }
    uint64_t file_bytes_read() const override { return file_.file_bytes_read() - (input_.size - input_.pos); }
    std::string end_warning() const override { return end_warning_; }
    std::optional<SourcePosition> position_of(uint64_t stream_offset) const override {
        for (auto it = frame_starts_.rbegin(); it != frame_starts_.rend(); ++it) {
            if (it->second <= stream_offset) {
                return SourcePosition{it->first, it->second, stream_offset - it->second, file_.device(), file_.inode()};
            }
        }
        return std::nullopt;
    }
    size_t memory_usage() const override { return ZSTD_sizeof_DStream(stream_) + in_.capacity(); }

private:
    static constexpr size_t IN_BUFFER = 32 * 1024;
    // A reader holds at most one maximum-size record of read-ahead, so frame
    // starts further back than this are never needed again.
    static constexpr uint64_t KEEP_BEHIND = 8 * 1024 * 1024;

    // A frame ended with the stream at `stream_offset`: the next one starts here.
    void frame_ended(uint64_t stream_offset) {
        frame_starts_.push_back({file_bytes_read(), stream_offset});
        while (frame_starts_.size() > 1 && frame_starts_[1].second + KEEP_BEHIND <= stream_offset) frame_starts_.pop_front();
    }

    std::string describe(size_t error) const {
        switch (ZSTD_getErrorCode(error)) {
            case ZSTD_error_checksum_wrong:
                return "the zstd content checksum does not match: the file is corrupted";
            case ZSTD_error_frameParameter_windowTooLarge:
                return "a zstd frame asks for a window over " + std::to_string((1u << MAX_ZSTD_WINDOW_LOG) >> 20) +
                       " MiB; no capture writer needs one, so it is refused rather than allocated";
            default:
                return ZSTD_getErrorName(error);
        }
    }

    std::string path_;
    FileSource file_;
    std::vector<uint8_t> in_;
    ZSTD_DStream* stream_;
    ZSTD_inBuffer input_{nullptr, 0, 0};
    bool in_frame_ = false;
    std::string end_warning_;
    uint64_t delivered_ = 0;  // stream offset of the next byte read() returns
    std::deque<std::pair<uint64_t, uint64_t>> frame_starts_;  // (file offset, stream offset)
};

class MemorySource : public ByteSource {
public:
    explicit MemorySource(std::vector<uint8_t> data) : data_(std::move(data)) {}
    size_t read(uint8_t* dst, size_t n) override {
        size_t take = std::min(n, data_.size() - pos_);
        std::copy_n(data_.data() + pos_, take, dst);
        pos_ += take;
        return take;
    }
    uint64_t file_bytes_read() const override { return pos_; }
    std::optional<uint64_t> bytes_known_left() const override { return data_.size() - pos_; }

private:
    std::vector<uint8_t> data_;
    size_t pos_ = 0;
};

}  // namespace

std::unique_ptr<ByteSource> memory_byte_source(std::vector<uint8_t> data) {
    return std::make_unique<MemorySource>(std::move(data));
}

std::unique_ptr<ByteSource> open_byte_source(const std::string& path, const SourcePosition& at) {
    if (path.ends_with(".zst")) return std::make_unique<ZstdSource>(path, at);
    return std::make_unique<FileSource>(path, at.file_offset, at.device, at.inode);
}

}  // namespace msgcapture
