#include "msgcapture/format/capture_files.h"

#include <algorithm>
#include <boost/filesystem.hpp>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "msgcapture/format/byte_source.h"
#include "msgcapture/json/json_depth.h"

namespace fs = boost::filesystem;

namespace msgcapture {
namespace {

std::vector<std::string> search_directory(const fs::path& root) {
    std::vector<std::string> found;
    // A directory that cannot be read is an input that cannot be read, at any
    // depth: skipping it would silently leave captures out. (Boost's
    // recursive iterator passes over some such directories without an error,
    // so the walk is done here.) Links to directories are not followed, so a
    // link loop cannot trap the walk.
    std::vector<fs::path> pending = {root};
    while (!pending.empty()) {
        const fs::path dir = std::move(pending.back());
        pending.pop_back();
        boost::system::error_code ec;
        fs::directory_iterator it(dir, ec), end;
        if (ec) throw ReadError("cannot read directory " + dir.string() + ": " + ec.message());
        for (; it != end; it.increment(ec)) {
            if (ec) throw ReadError("cannot read directory " + dir.string() + ": " + ec.message());
            const fs::path& p = it->path();
            const fs::file_status link_status = it->symlink_status(ec);
            if (fs::is_directory(link_status)) {
                pending.push_back(p);
            } else if (is_capture_file_name(p.filename().string()) && fs::is_regular_file(p, ec)) {
                found.push_back(p.string());
            }
        }
        if (ec) throw ReadError("cannot read directory " + dir.string() + ": " + ec.message());
    }
    std::sort(found.begin(), found.end());  // byte-wise, as LC_ALL=C sort
    return found;
}

}  // namespace

bool is_capture_file_name(std::string_view name) {
    return name.starts_with("msgs_") && (name.ends_with(".dat") || name.ends_with(".dat.zst"));
}

// It is untrusted input like the rest: its size and nesting are bounded, and
// one that is too large or unreadable labels nothing (with a warning).
std::optional<SessionInfo> read_session_json(const std::string& path_text, const WarningHandler& warn) {
    const fs::path path(path_text);
    boost::system::error_code ec;
    if (!fs::is_regular_file(path, ec)) return std::nullopt;
    const uintmax_t size = fs::file_size(path, ec);
    if (ec || size > MAX_SESSION_JSON_BYTES) {
        if (warn) warn(path.string() + ": over " + std::to_string(MAX_SESSION_JSON_BYTES) + " bytes; not used as a peer label");
        return std::nullopt;
    }
    std::ifstream in(path.string());
    std::string text(static_cast<size_t>(size), '\0');
    in.read(text.data(), static_cast<std::streamsize>(size));
    text.resize(static_cast<size_t>(in.gcount()));
    if (text.find('\0') != std::string::npos) {
        if (warn) warn(path.string() + ": has a NUL byte; not used as a peer label");
        return std::nullopt;
    }
    if (!json_depth_within(text, MAX_SESSION_JSON_DEPTH)) {
        if (warn) warn(path.string() + ": nested deeper than " + std::to_string(MAX_SESSION_JSON_DEPTH) + " levels; not used as a peer label");
        return std::nullopt;
    }
    return session_from_json(text);
}

CaptureFile describe_capture_file(const std::string& path, std::optional<SessionInfo> session) {
    CaptureFile file{path, direction_from_file_name(fs::path(path).filename().string()), std::move(session), "", ""};
    // Named by the real directory, so that a relative path such as
    // "msgs_recv.dat" is labelled too.
    boost::system::error_code ec;
    const fs::path canonical = fs::canonical(path, ec);
    const std::string dir_name = (ec ? fs::path(path).parent_path() : canonical.parent_path()).filename().string();
    if (file.session) {
        file.session_name = dir_name;
        file.peer_address = file.session->address;
    } else {
        file.peer_address = address_from_peer_directory_name(dir_name).value_or("");
    }
    return file;
}

std::vector<CaptureFile> find_capture_files(const std::vector<std::string>& inputs, const WarningHandler& warn) {
    std::vector<CaptureFile> files;
    std::set<std::string> seen;  // canonical paths
    std::map<std::string, std::optional<SessionInfo>> sessions;  // by directory: read once for both files
    auto add = [&](const std::string& path) {
        boost::system::error_code ec;
        fs::path canonical = fs::canonical(path, ec);
        if (!seen.insert(ec ? path : canonical.string()).second) return;
        const fs::path dir = fs::path(path).parent_path();
        auto known = sessions.find(dir.string());
        if (known == sessions.end()) {
            known = sessions.emplace(dir.string(), read_session_json((dir / "session.json").string(), warn)).first;
            if (known->second && warn) {
                if (auto gaps = capture_gap_warning(*known->second); !gaps.empty()) warn(dir.string() + ": " + gaps);
            }
        }
        files.push_back(describe_capture_file(path, known->second));
    };
    for (const std::string& input : inputs) {
        if (input == "-") {
            if (seen.insert(input).second) files.push_back({STANDARD_INPUT_PATH, Direction::Received, std::nullopt, "", ""});
            continue;
        }
        boost::system::error_code ec;
        fs::file_status status = fs::status(input, ec);
        if (status.type() == fs::file_not_found || (ec && status.type() == fs::status_error)) {
            throw ReadError("cannot open " + input + ": " + (ec ? ec.message() : "No such file or directory"));
        }
        if (fs::is_directory(status)) {
            for (const std::string& path : search_directory(input)) add(path);
        } else {
            add(input);
        }
    }
    return files;
}

}  // namespace msgcapture
