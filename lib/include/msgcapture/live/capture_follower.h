#pragma once
// Following captures while they are written: which capture files there are,
// which are new, and which will not grow any more. New sessions are noticed
// with inotify where the kernel offers it, by searching the directories again
// every `rescan` otherwise; either way every file is checked each `rescan`
// for truncation, rotation and deletion, each with a warning.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "msgcapture/export.h"
#include "msgcapture/format/capture_files.h"

namespace msgcapture {

struct MSGCAPTURE_EXPORT FollowOptions {
    // Records this long ago are taken to be on disk: above the capture
    // writer's flush interval (1 s), so that a quiet file holds nothing back
    // for longer than this.
    std::chrono::milliseconds grace{2000};
    // How often files at their end are looked at again.
    std::chrono::milliseconds tick{100};
    // How often every file is checked, and (without inotify) directories
    // are searched again for new sessions.
    std::chrono::milliseconds rescan{1000};
    bool use_inotify = true;
};

struct MSGCAPTURE_EXPORT FollowUpdate {
    // New files in path order; their indexes go on from the last file's.
    std::vector<CaptureFile> added;
    // Files (by index) that will not grow: their session closed (session.json
    // has an end time), or they were deleted, replaced or truncated.
    std::vector<size_t> final;
};

class MSGCAPTURE_EXPORT CaptureFollower {
public:
    // `inputs` are capture files and directories, as for find_capture_files;
    // each must exist now. Throws ReadError.
    explicit CaptureFollower(std::vector<std::string> inputs, FollowOptions options = {}, WarningHandler warn = {});
    ~CaptureFollower();
    CaptureFollower(const CaptureFollower&) = delete;
    CaptureFollower& operator=(const CaptureFollower&) = delete;

    // What changed since the last call; the first call gives every file
    // there is now. `bytes_read(index)` tells how much of a file was read,
    // so that a file that shrank below it is noticed.
    FollowUpdate poll(const std::function<uint64_t(size_t)>& bytes_read = {});
    // Sleeps for a tick, or less when inotify sees a directory change.
    // Returns early on a signal.
    void wait();

    bool using_inotify() const { return inotify_fd_ >= 0; }
    // How long a new capture file can exist before poll() reports it: a few
    // ticks with inotify, a search interval and a tick without. (Our writer
    // makes a session's files when the session opens, so no record is older
    // than its file.)
    std::chrono::milliseconds notice_delay() const { return using_inotify() ? 3 * options_.tick : options_.rescan + 2 * options_.tick; }
    const FollowOptions& options() const { return options_; }
    size_t file_count() const { return files_.size(); }

private:
    struct Known {
        std::string path;
        uint64_t device = 0, inode = 0;
        bool final = false;
    };
    struct Stamp {  // a session.json as last seen: it is replaced by rename
        uint64_t inode = 0;
        int64_t mtime_ns = 0;
        uint64_t size = 0;
        bool operator==(const Stamp&) const = default;
    };
    // session.json in a session directory, and how it looks now (nullopt: not there).
    static std::string session_json_in(const std::string& dir);
    static std::optional<Stamp> stamp_of(const std::string& path);

    void search(FollowUpdate& update);
    void check_known(FollowUpdate& update, const std::function<uint64_t(size_t)>& bytes_read);
    void add_file(const std::string& path, FollowUpdate& update, std::map<std::string, std::optional<SessionInfo>>& sessions);
    void make_final(size_t index, FollowUpdate& update);
    void watch_directory(const std::string& dir);
    void read_events();
    void warn(const std::string& text) const;

    std::vector<std::string> inputs_;
    FollowOptions options_;
    WarningHandler warn_;
    std::vector<Known> files_;
    std::map<std::string, size_t> by_path_;                 // the file now followed under each path
    std::map<std::string, Stamp> session_stamps_;           // by session directory, for live files
    std::map<std::string, std::vector<size_t>> by_directory_;
    int inotify_fd_ = -1;
    std::map<int, std::string> watches_;
    std::set<std::string> watched_;
    bool changed_ = true;  // inotify saw something: search now
    std::chrono::steady_clock::time_point next_rescan_{};
};

}  // namespace msgcapture
