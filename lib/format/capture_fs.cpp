#include <utility>
#include "msgcapture/format/capture_fs.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <cerrno>
#include <cstring>

namespace msgcapture {
namespace {

std::string errno_text() { return std::strerror(errno); }

// Shortages that pass: another session may well succeed in a moment.
bool transient_errno() { return errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == EAGAIN; }

void write_all(int fd, ByteSpan data, const std::string& path) {
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw CaptureIoError("cannot write " + path + ": " + errno_text());
        }
        done += static_cast<size_t>(n);
    }
}

class PosixAppendFile : public AppendFile {
public:
    explicit PosixAppendFile(const std::string& path) : path_(path) {
        fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd_ < 0) throw CaptureIoError("cannot open " + path + ": " + errno_text(), transient_errno());
    }
    ~PosixAppendFile() override {
        if (fd_ >= 0) ::close(fd_);
    }
    PosixAppendFile(const PosixAppendFile&) = delete;
    PosixAppendFile& operator=(const PosixAppendFile&) = delete;
    void append(ByteSpan data) override { write_all(fd_, data, path_); }
    void close() override {
        const int fd = std::exchange(fd_, -1);
        if (fd >= 0 && ::close(fd) != 0 && errno != EINTR) throw CaptureIoError("cannot close " + path_ + ": " + errno_text());
    }

private:
    std::string path_;
    int fd_ = -1;
};

class PosixCaptureFs : public CaptureFs {
public:
    void create_directories(const std::string& path) override {
        boost::system::error_code ec;
        boost::filesystem::create_directories(path, ec);
        if (ec) throw CaptureIoError("cannot create " + path + ": " + ec.message());
    }
    std::unique_ptr<AppendFile> open_append(const std::string& path) override {
        return std::make_unique<PosixAppendFile>(path);
    }
    void write_file(const std::string& path, const std::string& content) override {
        const std::string tmp = path + ".tmp";
        int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) throw CaptureIoError("cannot open " + tmp + ": " + errno_text(), transient_errno());
        try {
            write_all(fd, ByteSpan(reinterpret_cast<const uint8_t*>(content.data()), content.size()), tmp);
        } catch (...) {
            ::close(fd);
            throw;
        }
        if (::close(fd) != 0 && errno != EINTR) throw CaptureIoError("cannot close " + tmp + ": " + errno_text());
        if (::rename(tmp.c_str(), path.c_str()) != 0) throw CaptureIoError("cannot rename " + tmp + ": " + errno_text());
    }
};

}  // namespace

std::shared_ptr<CaptureFs> posix_capture_fs() { return std::make_shared<PosixCaptureFs>(); }

}  // namespace msgcapture
