#pragma once
// Turning the paths a user gives into the ordered list of capture files.
#include <optional>
#include <string>
#include <vector>

#include "msgcapture/format/record.h"
#include "msgcapture/format/session.h"

namespace msgcapture {

struct CaptureFile {
    std::string path;
    Direction direction;
    // From session.json beside the file (our node writes one per connection;
    // Bitcoin Core does not): who the messages were exchanged with.
    std::optional<SessionInfo> session;
    std::string session_name;  // the session directory's name
};

// Files are taken as given; directories are searched recursively for
// msgs_*.dat and msgs_*.dat.zst, in byte-wise sorted path order. A path given
// twice is read once. A session.json beside a file labels it. Throws
// ReadError for a path that does not exist.
std::vector<CaptureFile> find_capture_files(const std::vector<std::string>& inputs);

// True for names the directory search picks up.
bool is_capture_file_name(std::string_view file_name);

}  // namespace msgcapture
