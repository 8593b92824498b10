#include "common/system.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace node {

int raise_open_file_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    constexpr rlim_t CAP = 1 << 20;  // far past any use here, and fits an int
    return static_cast<int>(limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur > CAP ? CAP : limit.rlim_cur);
}

std::optional<std::string> write_private_file(const std::string& path, const std::string& content) {
    const std::string tmp = path + ".tmp";
    ::unlink(tmp.c_str());  // a stale one from a crash; O_EXCL below must create it
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return std::string(std::strerror(errno));
    size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const std::string error = std::strerror(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            return error;
        }
        done += static_cast<size_t>(n);
    }
    if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string error = std::strerror(errno);
        ::unlink(tmp.c_str());
        return error;
    }
    return std::nullopt;
}

std::optional<std::string> write_pid_file(const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "w");
    if (!file) return std::string(std::strerror(errno));
    std::fprintf(file, "%d\n", static_cast<int>(::getpid()));
    if (std::fclose(file) != 0) return std::string(std::strerror(errno));
    return std::nullopt;
}

}  // namespace node
