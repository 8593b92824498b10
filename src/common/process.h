#pragma once
// The node as a Unix process, the way Bitcoin Core runs: one node per data
// directory (.lock), a pid file, and -daemon/-daemonwait.
#include <optional>
#include <string>

namespace node {

// An exclusive lock on <dir>/.lock, held until destruction (or exit). A
// second process on the same directory cannot take it.
class DirectoryLock {
public:
    // nullopt and `error` set when the lock is held elsewhere or cannot be made.
    static std::optional<DirectoryLock> take(const std::string& dir, std::string& error);
    DirectoryLock(DirectoryLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    DirectoryLock(const DirectoryLock&) = delete;
    DirectoryLock& operator=(const DirectoryLock&) = delete;
    ~DirectoryLock();

private:
    explicit DirectoryLock(int fd) : fd_(fd) {}
    int fd_;
};

// Runs the rest of the program in a child detached from the terminal (its
// own session, standard streams on /dev/null) and returns in the child with
// a DaemonParent to report to. The parent process never returns: it exits at
// once (-daemon) or, with `wait_for_start`, when the child reports how its
// start went (-daemonwait), with that status.
class DaemonParent {
public:
    static DaemonParent detach(bool wait_for_start);
    DaemonParent() = default;
    // Tells a waiting parent the start's outcome; later calls do nothing.
    void report(bool started);

private:
    int fd_ = -1;
};

}  // namespace node
