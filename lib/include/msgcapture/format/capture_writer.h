#pragma once
// Writes capture records the way CAPTURE-SPEC §2 asks: one directory per peer,
// one per connection, files kept open and buffered, flushed at least once per
// flush interval, at the end of a session and at shutdown. A write error, a
// full disk or the size budget stops capture (reported once) and never
// reaches the caller: capture must not stop the node. A shortage that passes
// (no file descriptor left) ends only the session it struck.
//
// Not thread-safe: the node calls it from its message handler thread only.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "msgcapture/format/capture_fs.h"
#include "msgcapture/format/record.h"
#include "msgcapture/format/session.h"

namespace msgcapture {

struct CaptureOptions {
    std::string root;                 // <datadir>/[<chain>/]message_capture
    uint64_t max_bytes = 0;           // total budget of record bytes; 0 = no limit
    bool compress = false;            // write msgs_*.dat.zst
    std::chrono::milliseconds flush_interval{1000};
    // Reconnect storms: at most this many new sessions per peer IP, and in
    // all, in any minute; connections past that are not captured (logged
    // once per IP per minute), so directories cannot grow without bound.
    size_t max_sessions_per_ip_per_minute = 10;
    size_t max_sessions_per_minute = 300;
};

class CaptureWriter {
public:
    using Clock = std::chrono::steady_clock;
    using Logger = std::function<void(const std::string&)>;

    CaptureWriter(CaptureOptions options, std::shared_ptr<CaptureFs> fs, Logger log);
    ~CaptureWriter();  // flushes and closes everything
    CaptureWriter(const CaptureWriter&) = delete;
    CaptureWriter& operator=(const CaptureWriter&) = delete;

    // Starts a session for a new connection; its directory and session.json are
    // written now. False when capture is off or the session limits refuse it;
    // records for a refused session are ignored.
    bool open_session(const SessionInfo& info, Clock::time_point now = Clock::now());
    void close_session(int64_t peer_id);

    // Captures one message of an open session.
    void record(int64_t peer_id, Direction direction, int64_t time_us, std::string_view msgtype, ByteSpan payload);

    // Flushes whatever has waited a flush interval or more. Call often.
    void flush_due(Clock::time_point now = Clock::now());
    void flush_all();

    bool enabled() const { return enabled_; }
    uint64_t bytes_accepted() const { return bytes_accepted_; }
    // The session directory of an open session (for logs and tests).
    std::string session_path(int64_t peer_id) const;

private:
    class StreamFile;
    struct Session {
        std::string path;
        std::unique_ptr<StreamFile> files[2];  // received, sent
    };

    void disable(const std::string& reason);
    // Runs `f`; any failure stops capture.
    template <class F>
    void guarded(F&& f);
    // Runs `f` for one session: a transient failure (no descriptors) ends
    // only that session's capture; any other stops capture.
    template <class F>
    void for_session(int64_t peer_id, F&& f);
    template <class F>
    void for_each_session(F&& f);
    void drop_session(int64_t peer_id, const std::string& reason);

    CaptureOptions options_;
    std::shared_ptr<CaptureFs> fs_;
    Logger log_;
    bool admit_session(const std::string& ip, Clock::time_point now);

    std::map<int64_t, Session> sessions_;
    std::map<std::string, std::vector<Clock::time_point>> recent_sessions_;  // by IP, within the last minute
    std::vector<Clock::time_point> recent_all_;
    std::map<std::string, Clock::time_point> refusal_logged_;
    bool enabled_ = true;
    Clock::time_point last_drop_log_{};
    uint64_t dropped_since_log_ = 0;
    uint64_t bytes_accepted_ = 0;
};

}  // namespace msgcapture
