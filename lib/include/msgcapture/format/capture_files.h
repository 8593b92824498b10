#pragma once
// Turning the paths a user gives into the ordered list of capture files.
#include <string>
#include <vector>

#include "msgcapture/format/record.h"

namespace msgcapture {

struct CaptureFile {
    std::string path;
    Direction direction;
};

// Files are taken as given; directories are searched recursively for
// msgs_*.dat and msgs_*.dat.zst, in byte-wise sorted path order. A path given
// twice is read once. Throws ReadError for a path that does not exist.
std::vector<CaptureFile> find_capture_files(const std::vector<std::string>& inputs);

// True for names the directory search picks up.
bool is_capture_file_name(std::string_view file_name);

}  // namespace msgcapture
