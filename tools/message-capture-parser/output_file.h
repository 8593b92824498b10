#pragma once
// Where the JSON goes. A regular file named with -o is written beside itself
// under a temporary name and renamed over the target only when the run
// succeeds, so that a failed run never leaves a half-written file where a good
// one was; standard output, devices and pipes are written directly, and so is
// a file asked to be written in place (a followed capture's output, which
// grows as it is read, like tail -f's).
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

class OutputFile {
public:
    // Opens `path` ("" for standard output). Throws std::runtime_error with the reason.
    explicit OutputFile(const std::string& path, bool in_place = false);
    ~OutputFile();  // discards the temporary file unless commit() succeeded
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    std::FILE* stream() const { return stream_; }
    // Flushes and closes; puts the file in place when `keep`. Returns the
    // error, if writing failed.
    std::optional<std::string> finish(bool keep);

private:
    std::string path_;
    std::string temporary_;  // empty when writing in place
    std::FILE* stream_ = nullptr;
    bool done_ = false;
};

// The input among `inputs` (capture files and the session.json files beside
// them) that `output` names, through any link or path; nullopt when none.
std::optional<std::string> output_overwrites_input(const std::string& output, const std::vector<std::string>& inputs);
