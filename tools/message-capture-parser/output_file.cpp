#include "output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

OutputFile::OutputFile(const std::string& path, bool in_place) : path_(path) {
    if (path.empty()) {
        stream_ = stdout;
        return;
    }
    struct stat st {};
    const bool exists = ::stat(path.c_str(), &st) == 0;
    if (in_place || (exists && !S_ISREG(st.st_mode))) {
        // /dev/null, a FIFO, a terminal: written in place, never replaced.
        stream_ = std::fopen(path.c_str(), "w");
        if (!stream_) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
        return;
    }
    temporary_ = path + ".tmp-XXXXXX";
    const int fd = ::mkstemp(temporary_.data());
    if (fd < 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    // mkstemp makes the file 0600; give it the mode a plain create would.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd, exists ? (st.st_mode & 07777) : (0666 & ~mask));
    stream_ = ::fdopen(fd, "w");
    if (!stream_) {
        ::close(fd);
        ::unlink(temporary_.c_str());
        throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    }
}

OutputFile::~OutputFile() {
    if (!done_) finish(false);
}

std::optional<std::string> OutputFile::finish(bool keep) {
    done_ = true;
    std::optional<std::string> error;
    if (std::fflush(stream_) != 0 || std::ferror(stream_)) error = std::strerror(errno);
    if (stream_ != stdout && std::fclose(stream_) != 0 && !error) error = std::strerror(errno);
    stream_ = nullptr;
    if (temporary_.empty()) return error;
    if (keep && !error && ::rename(temporary_.c_str(), path_.c_str()) != 0) error = std::strerror(errno);
    if (!keep || error) ::unlink(temporary_.c_str());
    return error;
}

std::optional<std::string> output_overwrites_input(const std::string& output, const std::vector<std::string>& inputs) {
    struct stat out {};
    if (output.empty() || ::stat(output.c_str(), &out) != 0) return std::nullopt;  // a new file is nobody's input
    for (const std::string& input : inputs) {
        struct stat in {};
        if (::stat(input.c_str(), &in) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino) return input;
    }
    return std::nullopt;
}
