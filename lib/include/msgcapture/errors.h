#pragma once
// Every error type the library throws. Each message names what failed and why.
#include <stdexcept>
#include <string>

#include "msgcapture/export.h"

namespace msgcapture {

// An input that cannot be opened or read: the message names the file and the cause.
class MSGCAPTURE_EXPORT ReadError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// An output that cannot be written (a format that writes files of its own).
class MSGCAPTURE_EXPORT WriteError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A payload that cannot be decoded: ends early, overruns, or holds an invalid value.
class MSGCAPTURE_EXPORT DecodeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A failed file system operation of the capture writer; the message names
// the path and the cause. `transient` marks a shortage that may pass (out of
// descriptors or memory), as opposed to a disk that is full, read-only or gone.
class MSGCAPTURE_EXPORT CaptureIoError : public std::runtime_error {
public:
    explicit CaptureIoError(const std::string& what, bool transient_ = false) : std::runtime_error(what), transient(transient_) {}
    bool transient;
};

}  // namespace msgcapture
