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
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "msgcapture/export.h"
#include "msgcapture/format/record.h"
#include "msgcapture/format/session.h"

namespace msgcapture {

class CaptureFs;  // the file-system seam (internal; tests swap in a failing one)

struct MSGCAPTURE_EXPORT CaptureOptions {
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

class MSGCAPTURE_EXPORT CaptureWriter {
public:
    using Clock = std::chrono::steady_clock;
    using Logger = std::function<void(const std::string&)>;

    // Writes to the disk.
    CaptureWriter(CaptureOptions options, Logger log);
    // Writes through `fs` (the project's tests give one that fails on cue).
    CaptureWriter(CaptureOptions options, std::shared_ptr<CaptureFs> fs, Logger log);
    ~CaptureWriter();  // flushes and closes everything
    CaptureWriter(const CaptureWriter&) = delete;
    CaptureWriter& operator=(const CaptureWriter&) = delete;

    // Starts a session; its directory and session.json are written now.
    // `info.capture_intervals` should say when capture began (the writer
    // keeps them current). A new connection passes the session limits first;
    // a connection captured again after capture was off (`new_connection`
    // false) continues its directory. False when capture is off or the
    // limits refuse it; records for a refused session are not written.
    bool open_session(const SessionInfo& info, Clock::time_point now = Clock::now(), bool new_connection = true);
    // Ends a session; with `time_us`, its last capture interval ends then.
    // A failure to close a file is reported and turns capture off.
    void close_session(int64_t peer_id, std::optional<int64_t> time_us = std::nullopt);
    // Stops and starts recording a session without ending it: the files stay
    // open, and session.json records the gap.
    void pause_session(int64_t peer_id, int64_t time_us);
    void resume_session(int64_t peer_id, int64_t time_us);
    bool has_session(int64_t peer_id) const { return sessions_.count(peer_id) != 0; }
    bool session_paused(int64_t peer_id) const;
    size_t session_count() const { return sessions_.size(); }

    // Captures one message of an open, unpaused session. False when it was
    // not written: no session, a paused one, or capture is off.
    bool record(int64_t peer_id, Direction direction, int64_t time_us, std::string_view msgtype, ByteSpan payload);

    // Flushes whatever has waited a flush interval or more. Call often.
    void flush_due(Clock::time_point now = Clock::now());
    void flush_all();

    bool enabled() const { return enabled_; }
    // Why capture turned itself off (a write error, the size budget); empty while on.
    const std::string& disabled_reason() const { return disabled_reason_; }
    // Turns capture on again after it turned itself off, with a fresh size
    // budget. Sessions that were lost must be opened again.
    void enable();
    // Record bytes written since the writer was made, and within the current budget.
    uint64_t bytes_written() const { return bytes_written_; }
    uint64_t bytes_accepted() const { return bytes_accepted_; }
    const CaptureOptions& options() const { return options_; }
    // The session directory of an open session (for logs and tests).
    std::string session_path(int64_t peer_id) const;

private:
    class StreamFile;
    struct Session {
        std::string path;
        SessionInfo info;
        bool paused = false;
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
    std::string disabled_reason_;
    uint64_t bytes_written_ = 0;
    Clock::time_point last_drop_log_{};
    uint64_t dropped_since_log_ = 0;
    uint64_t bytes_accepted_ = 0;
};

}  // namespace msgcapture
