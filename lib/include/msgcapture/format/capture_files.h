#pragma once
// Turning the paths a user gives into the ordered list of capture files.
#include <optional>
#include <string>
#include <vector>

#include "msgcapture/export.h"
#include "msgcapture/format/record.h"
#include "msgcapture/format/record_reader.h"
#include "msgcapture/format/session.h"

namespace msgcapture {

struct MSGCAPTURE_EXPORT CaptureFile {
    std::string path;
    Direction direction;
    // From session.json beside the file (our node writes one per connection;
    // Bitcoin Core does not): who the messages were exchanged with.
    std::optional<SessionInfo> session;
    std::string session_name;  // the session directory's name
    // The peer's address: from session.json, or else from the name of a
    // Bitcoin Core capture directory (`<addr>_<port>`); empty when unknown.
    std::string peer_address;
};

// "-" means standard input (STANDARD_INPUT_PATH), a plain capture file of
// received messages with no label. Other files are taken as given; directories are searched recursively for
// msgs_*.dat and msgs_*.dat.zst, in byte-wise sorted path order. A path given
// twice is read once. A session.json beside a file labels it. Throws
// ReadError for a path that does not exist and for a directory (at any
// depth) that cannot be read. A session.json over MAX_SESSION_JSON_BYTES or
// nested deeper than MAX_SESSION_JSON_DEPTH labels nothing, with a warning.
MSGCAPTURE_EXPORT std::vector<CaptureFile> find_capture_files(const std::vector<std::string>& inputs, const WarningHandler& warn = {});

inline constexpr const char* STANDARD_INPUT_PATH = "/dev/stdin";

// Our node writes session.json files of about 250 bytes, 3 levels deep, and
// up to about 750 KB when capture of a session paused the most it may.
inline constexpr size_t MAX_SESSION_JSON_BYTES = 1024 * 1024;  // room for MAX_CAPTURE_INTERVALS intervals
inline constexpr size_t MAX_SESSION_JSON_DEPTH = 8;

// session.json at `path`, if it is there and usable; a warning when it is
// there and too large, too deep or holds a NUL byte.
MSGCAPTURE_EXPORT std::optional<SessionInfo> read_session_json(const std::string& path, const WarningHandler& warn = {});
// The file at `path` labelled with its session (or its directory's name).
MSGCAPTURE_EXPORT CaptureFile describe_capture_file(const std::string& path, std::optional<SessionInfo> session);

// True for names the directory search picks up.
MSGCAPTURE_EXPORT bool is_capture_file_name(std::string_view file_name);

}  // namespace msgcapture
