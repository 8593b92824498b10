#include "msgcapture/format/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace msgcapture {
namespace {

std::string errno_text() { return std::strerror(errno); }

class FileSource : public ByteSource {
public:
    explicit FileSource(const std::string& path) : path_(path) {
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) throw ReadError("cannot open " + path + ": " + errno_text());
        struct stat st {};
        if (::fstat(fd_, &st) == 0 && S_ISDIR(st.st_mode)) {
            ::close(fd_);
            throw ReadError("cannot read " + path + ": it is a directory");
        }
        size_at_open_ = static_cast<uint64_t>(st.st_size);
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

private:
    std::string path_;
    int fd_ = -1;
    uint64_t read_ = 0;
    uint64_t size_at_open_ = 0;
};

// Streaming zstd decompression: memory is the decoder's window plus one input
// buffer, whatever the size of the file.
class ZstdSource : public ByteSource {
public:
    explicit ZstdSource(const std::string& path)
        : path_(path), file_(path), in_(ZSTD_DStreamInSize()), stream_(ZSTD_createDStream()) {
        if (!stream_) throw ReadError("cannot decompress " + path + ": out of memory");
    }
    ~ZstdSource() override { ZSTD_freeDStream(stream_); }
    ZstdSource(const ZstdSource&) = delete;
    ZstdSource& operator=(const ZstdSource&) = delete;

    size_t read(uint8_t* dst, size_t n) override {
        ZSTD_outBuffer out{dst, n, 0};
        while (out.pos == 0) {
            if (input_.pos == input_.size) {
                size_t got = file_.read(in_.data(), in_.size());
                if (got == 0) {
                    // A file cut off inside a frame (a crash while compressing):
                    // everything decodable was delivered; the record layer sees
                    // the end and reports the torn record.
                    if (in_frame_) end_warning_ = "compressed stream ends inside a zstd frame";
                    return 0;
                }
                input_ = ZSTD_inBuffer{in_.data(), got, 0};
            }
            size_t ret = ZSTD_decompressStream(stream_, &out, &input_);
            if (ZSTD_isError(ret)) {
                throw ReadError("cannot decompress " + path_ + ": " + ZSTD_getErrorName(ret));
            }
            in_frame_ = ret != 0;
        }
        return out.pos;
    }
    uint64_t file_bytes_read() const override { return file_.file_bytes_read() - (input_.size - input_.pos); }
    std::string end_warning() const override { return end_warning_; }

private:
    std::string path_;
    FileSource file_;
    std::vector<uint8_t> in_;
    ZSTD_DStream* stream_;
    ZSTD_inBuffer input_{nullptr, 0, 0};
    bool in_frame_ = false;
    std::string end_warning_;
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

std::unique_ptr<ByteSource> open_byte_source(const std::string& path) {
    if (path.ends_with(".zst")) return std::make_unique<ZstdSource>(path);
    return std::make_unique<FileSource>(path);
}

}  // namespace msgcapture
