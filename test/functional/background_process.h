#pragma once
// A program a test runs beside the node (tshark, bpftrace, Prometheus): its
// output goes to files the test reads while it runs; it is stopped by a
// signal, and killed if the test ends first.
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "test_support.h"

namespace functional {

class BackgroundProcess {
public:
    // Starts argv[0] (a path, no shell) with stdout and stderr to files in a
    // temporary directory. Throws std::runtime_error when it cannot start.
    explicit BackgroundProcess(const std::vector<std::string>& argv);
    ~BackgroundProcess();
    BackgroundProcess(const BackgroundProcess&) = delete;
    BackgroundProcess& operator=(const BackgroundProcess&) = delete;

    std::string out() const;
    std::string err() const;
    // True once `text` appears in stdout or stderr within `timeout`; false
    // if it does not, or the process ends first.
    bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout);
    bool running();
    // Sends `sig`, waits up to `timeout` for the exit, then kills; returns the
    // exit status (128 + signal when a signal ended it).
    int stop(int sig, std::chrono::milliseconds timeout = std::chrono::seconds(20));
    pid_t pid() const { return pid_; }

private:
    testsupport::TempDir dir_;
    pid_t pid_ = -1;
    int status_ = -1;
};

}  // namespace functional
