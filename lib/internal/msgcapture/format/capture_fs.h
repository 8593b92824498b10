#pragma once
// The capture writer's only way to the disk. Tests swap in a file system that
// fails or fills up on cue, so the error paths are exercised deterministically.
#include <cstdint>
#include <memory>
#include <string>

#include "msgcapture/errors.h"
#include "msgcapture/protocol/bytes.h"

namespace msgcapture {

class AppendFile {
public:
    virtual ~AppendFile() = default;
    // Writes all of `data` or throws CaptureIoError.
    virtual void append(ByteSpan data) = 0;
    // Closes the file; throws CaptureIoError when the system reports that
    // written data may be lost (close(2) can fail on NFS, quotas, ...).
    virtual void close() = 0;
};

class CaptureFs {
public:
    virtual ~CaptureFs() = default;
    virtual void create_directories(const std::string& path) = 0;
    // Opens for appending, creating the file if needed.
    virtual std::unique_ptr<AppendFile> open_append(const std::string& path) = 0;
    // Writes a whole small file (session.json), replacing it.
    virtual void write_file(const std::string& path, const std::string& content) = 0;
};

// The real disk, through POSIX calls.
std::shared_ptr<CaptureFs> posix_capture_fs();

}  // namespace msgcapture
