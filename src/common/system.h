#pragma once
// What the node asks of the operating system beyond sockets: descriptors and
// private files.
#include <optional>
#include <string>

namespace node {

// Bitcoin Core keeps this many descriptors for its own files (MIN_CORE_FILEDESCRIPTORS).
inline constexpr int RESERVED_FILE_DESCRIPTORS = 150;

// Raises the soft limit on open files to the hard limit, as Core does; returns the limit now in force.
int raise_open_file_limit();

// Writes `content` to `path` readable by the owner only, from the first byte
// on: a temporary file created with mode 0600 is renamed over `path`, so that
// nobody can read a half-written file or one with the umask's mode. Returns
// the error, if any.
std::optional<std::string> write_private_file(const std::string& path, const std::string& content);

// Writes this process's id and a newline to `path` (the -pid file). Returns the error, if any.
std::optional<std::string> write_pid_file(const std::string& path);

}  // namespace node
