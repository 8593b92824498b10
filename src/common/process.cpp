#include "common/process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace node {

std::optional<DirectoryLock> DirectoryLock::take(const std::string& dir, std::string& error) {
    const std::string path = dir + "/.lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        error = "Cannot create the lock file " + path + ": " + std::strerror(errno);
        return std::nullopt;
    }
    // An fcntl lock, as Bitcoin Core takes: it ends with the process, so a
    // crashed node never leaves the directory locked.
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    if (::fcntl(fd, F_SETLK, &lock) != 0) {
        const int err = errno;
        ::close(fd);
        error = err == EACCES || err == EAGAIN
                    ? "Cannot obtain a lock on directory " + dir + ". msgcapture bitcoind is probably already running."
                    : "Cannot lock " + path + ": " + std::strerror(err);
        return std::nullopt;
    }
    return DirectoryLock(fd);
}

DirectoryLock::~DirectoryLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock; the file stays, as in Core
}

DaemonParent DaemonParent::detach(bool wait_for_start) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        std::fprintf(stderr, "Error: cannot create a pipe for -daemon: %s\n", std::strerror(errno));
        std::exit(EXIT_FAILURE);
    }
    std::fflush(nullptr);
    const pid_t child = ::fork();
    if (child < 0) {
        std::fprintf(stderr, "Error: fork for -daemon failed: %s\n", std::strerror(errno));
        std::exit(EXIT_FAILURE);
    }
    if (child > 0) {
        ::close(pipe_fds[1]);
        if (!wait_for_start) std::_Exit(EXIT_SUCCESS);
        char status = 0;
        ssize_t n;
        do {
            n = ::read(pipe_fds[0], &status, 1);
        } while (n < 0 && errno == EINTR);
        // No byte: the child ended before it could say (it printed its error to debug.log).
        if (n != 1) std::fprintf(stderr, "Error: the daemon exited during startup; see debug.log\n");
        std::_Exit(n == 1 && status == 1 ? EXIT_SUCCESS : EXIT_FAILURE);
    }
    ::close(pipe_fds[0]);
    ::setsid();
    const int null_fd = ::open("/dev/null", O_RDWR);
    if (null_fd >= 0) {
        ::dup2(null_fd, STDIN_FILENO);
        ::dup2(null_fd, STDOUT_FILENO);
        ::dup2(null_fd, STDERR_FILENO);
        if (null_fd > STDERR_FILENO) ::close(null_fd);
    }
    DaemonParent parent;
    parent.fd_ = pipe_fds[1];
    return parent;
}

void DaemonParent::report(bool started) {
    if (fd_ < 0) return;
    const char status = started ? 1 : 0;
    [[maybe_unused]] const ssize_t n = ::write(fd_, &status, 1);
    ::close(fd_);
    fd_ = -1;
}

}  // namespace node
