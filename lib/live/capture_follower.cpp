#include "msgcapture/live/capture_follower.h"

#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

namespace fs = std::filesystem;

namespace msgcapture {
namespace {

// Directory changes that can mean a new session, a new file, a session
// closing (session.json is replaced by rename) or a file going away.
constexpr uint32_t WATCH_MASK = IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | IN_ONLYDIR;

std::string parent_of(const std::string& path) { return fs::path(path).parent_path().string(); }

}  // namespace

CaptureFollower::CaptureFollower(std::vector<std::string> inputs, FollowOptions options, WarningHandler warn)
    : inputs_(std::move(inputs)), options_(options), warn_(std::move(warn)) {
    for (const std::string& input : inputs_) {
        std::error_code ec;
        if (!fs::exists(input, ec)) throw ReadError("cannot follow " + input + ": " + (ec ? ec.message() : "No such file or directory"));
    }
    if (options_.use_inotify) {
        inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (inotify_fd_ < 0) warn("inotify is not available (" + std::string(std::strerror(errno)) + "); new sessions are found by searching every " +
                                  std::to_string(options_.rescan.count()) + " ms");
    }
}

CaptureFollower::~CaptureFollower() {
    if (inotify_fd_ >= 0) ::close(inotify_fd_);
}

void CaptureFollower::warn(const std::string& text) const {
    if (warn_) warn_(text);
}

void CaptureFollower::watch_directory(const std::string& dir) {
    if (inotify_fd_ < 0 || watched_.contains(dir)) return;
    const int wd = ::inotify_add_watch(inotify_fd_, dir.c_str(), WATCH_MASK);
    if (wd < 0) {
        if (errno == ENOENT || errno == ENOTDIR) return;  // gone already
        // Out of watches (fs.inotify.max_user_watches): polling still works.
        warn("cannot watch " + dir + " with inotify (" + std::strerror(errno) + "); new sessions are found by searching every " +
             std::to_string(options_.rescan.count()) + " ms from now on");
        ::close(inotify_fd_);
        inotify_fd_ = -1;
        watches_.clear();
        watched_.clear();
        return;
    }
    watches_[wd] = dir;
    watched_.insert(dir);
}

void CaptureFollower::read_events() {
    if (inotify_fd_ < 0) return;
    alignas(inotify_event) char buffer[16 * 1024];
    for (;;) {
        const ssize_t got = ::read(inotify_fd_, buffer, sizeof buffer);
        if (got <= 0) return;  // EAGAIN: all read
        for (ssize_t at = 0; at < got;) {
            const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
            if (event->mask & IN_IGNORED) {
                // The directory went away; a new one of that name is watched afresh.
                if (auto it = watches_.find(event->wd); it != watches_.end()) {
                    watched_.erase(it->second);
                    watches_.erase(it);
                }
            }
            changed_ = true;  // includes IN_Q_OVERFLOW: events were lost, so search
            at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
        }
    }
}

void CaptureFollower::wait() {
    if (inotify_fd_ < 0) {
        std::this_thread::sleep_for(options_.tick);
        return;
    }
    pollfd p{inotify_fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(options_.tick.count())) > 0) read_events();
}

FollowUpdate CaptureFollower::poll(const std::function<uint64_t(size_t)>& bytes_read) {
    FollowUpdate update;
    read_events();
    const auto now = std::chrono::steady_clock::now();
    const bool due = now >= next_rescan_;
    if (due) next_rescan_ = now + options_.rescan;
    // With inotify, directories are searched only when they changed.
    if (changed_ || (due && inotify_fd_ < 0)) {
        changed_ = false;
        search(update);
    }
    if (due || !update.added.empty()) check_known(update, bytes_read);
    return update;
}

void CaptureFollower::search(FollowUpdate& update) {
    std::vector<std::string> found;
    for (const std::string& input : inputs_) {
        std::error_code ec;
        if (!fs::is_directory(fs::symlink_status(input, ec)) && !fs::is_directory(input, ec)) {
            if (fs::is_regular_file(input, ec)) {
                watch_directory(parent_of(input).empty() ? "." : parent_of(input));
                found.push_back(input);
            }
            continue;
        }
        // Watched before it is listed, so that nothing made in between is missed.
        std::vector<std::string> pending = {input};
        while (!pending.empty()) {
            const std::string dir = std::move(pending.back());
            pending.pop_back();
            watch_directory(dir);
            for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
                const fs::path& p = it->path();
                std::error_code ec2;
                const auto status = it->symlink_status(ec2);
                if (fs::is_directory(status)) {
                    pending.push_back(p.string());
                } else if (is_capture_file_name(p.filename().string()) && fs::is_regular_file(p, ec2)) {
                    found.push_back(p.string());
                }
            }
            // A directory that went away while being searched: its files were
            // noticed, or never will be; the deletion check reports them.
        }
    }
    std::sort(found.begin(), found.end());
    std::map<std::string, std::optional<SessionInfo>> sessions;
    for (const std::string& path : found) {
        auto known = by_path_.find(path);
        if (known != by_path_.end() && !files_[known->second].final) continue;
        if (known != by_path_.end()) {
            // A final file's path holds a file again: new only if it is another file.
            struct stat st {};
            if (::stat(path.c_str(), &st) != 0) continue;
            const Known& k = files_[known->second];
            if (k.device == static_cast<uint64_t>(st.st_dev) && k.inode == static_cast<uint64_t>(st.st_ino)) continue;
        }
        add_file(path, update, sessions);
    }
}

std::string CaptureFollower::session_json_in(const std::string& dir) { return (dir.empty() ? std::string(".") : dir) + "/session.json"; }

std::optional<CaptureFollower::Stamp> CaptureFollower::stamp_of(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return Stamp{static_cast<uint64_t>(st.st_ino), st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec, static_cast<uint64_t>(st.st_size)};
}

void CaptureFollower::add_file(const std::string& path, FollowUpdate& update, std::map<std::string, std::optional<SessionInfo>>& sessions) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return;  // gone again
    const std::string dir = parent_of(path);
    auto session = sessions.find(dir);
    if (session == sessions.end()) {
        // Seen before it is read, as check_known() does: a session.json replaced
        // in between is then read again at the next check, not missed.
        const std::string json = session_json_in(dir);
        if (const auto stamp = stamp_of(json)) session_stamps_[dir] = *stamp;
        session = sessions.emplace(dir, read_session_json(json, warn_)).first;
    }
    const size_t index = files_.size();
    files_.push_back({path, static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino), false});
    by_path_[path] = index;
    by_directory_[dir].push_back(index);
    update.added.push_back(describe_capture_file(path, session->second));
    // A session that has already ended: its files are complete.
    if (session->second && session->second->end_time_us) make_final(index, update);
}

void CaptureFollower::make_final(size_t index, FollowUpdate& update) {
    if (files_[index].final) return;
    files_[index].final = true;
    update.final.push_back(index);
}

void CaptureFollower::check_known(FollowUpdate& update, const std::function<uint64_t(size_t)>& bytes_read) {
    std::set<std::string> closed_checked;
    for (size_t i = 0; i < files_.size(); ++i) {
        Known& k = files_[i];
        if (k.final) continue;
        struct stat st {};
        if (::stat(k.path.c_str(), &st) != 0) {
            warn(k.path + ": deleted while being followed; what it still holds is read, and then it is no longer followed");
            make_final(i, update);
            continue;
        }
        if (static_cast<uint64_t>(st.st_dev) != k.device || static_cast<uint64_t>(st.st_ino) != k.inode) {
            warn(k.path + ": another file has taken its name (rotated?); the old one is read to its end, and the new one followed from its start");
            make_final(i, update);
            changed_ = true;  // the next poll picks up the new file
            continue;
        }
        if (bytes_read) {
            const uint64_t read = bytes_read(i);
            if (static_cast<uint64_t>(st.st_size) < read) {
                warn(k.path + ": shrank from " + std::to_string(read) + " to " + std::to_string(st.st_size) +
                     " bytes while being followed (truncated?); it is no longer followed");
                make_final(i, update);
                continue;
            }
        }
        // Has its session ended? session.json is rewritten (by rename) when it does.
        const std::string dir = parent_of(k.path);
        if (!closed_checked.insert(dir).second) continue;
        const std::string json = session_json_in(dir);
        const auto stamp = stamp_of(json);
        if (!stamp) continue;
        auto& seen = session_stamps_[dir];
        if (seen == *stamp) continue;
        seen = *stamp;
        const auto info = read_session_json(json, warn_);
        if (!info || !info->end_time_us) continue;
        for (size_t f : by_directory_[dir]) make_final(f, update);
    }
}

}  // namespace msgcapture
