#include "msgcapture/format/capture_files.h"

#include <algorithm>
#include <boost/filesystem.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "msgcapture/format/byte_source.h"

namespace fs = boost::filesystem;

namespace msgcapture {
namespace {

std::vector<std::string> search_directory(const fs::path& dir) {
    std::vector<std::string> found;
    boost::system::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
    if (ec) throw ReadError("cannot read directory " + dir.string() + ": " + ec.message());
    for (; it != end; it.increment(ec)) {
        if (ec) throw ReadError("cannot read directory " + dir.string() + ": " + ec.message());
        const fs::path& p = it->path();
        if (is_capture_file_name(p.filename().string()) && fs::is_regular_file(p, ec)) found.push_back(p.string());
    }
    std::sort(found.begin(), found.end());  // byte-wise, as LC_ALL=C sort
    return found;
}

}  // namespace

bool is_capture_file_name(std::string_view name) {
    return name.starts_with("msgs_") && (name.ends_with(".dat") || name.ends_with(".dat.zst"));
}

std::vector<CaptureFile> find_capture_files(const std::vector<std::string>& inputs) {
    std::vector<CaptureFile> files;
    std::set<std::string> seen;  // canonical paths
    auto add = [&](const std::string& path) {
        boost::system::error_code ec;
        fs::path canonical = fs::canonical(path, ec);
        if (!seen.insert(ec ? path : canonical.string()).second) return;
        CaptureFile file{path, direction_from_file_name(fs::path(path).filename().string()), std::nullopt, ""};
        const fs::path session_json = fs::path(path).parent_path() / "session.json";
        if (fs::is_regular_file(session_json, ec)) {
            std::ifstream in(session_json.string());
            std::stringstream text;
            text << in.rdbuf();
            file.session = session_from_json(text.str());
            if (file.session) file.session_name = fs::path(path).parent_path().filename().string();
        }
        files.push_back(std::move(file));
    };
    for (const std::string& input : inputs) {
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
