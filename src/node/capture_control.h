#pragma once
// Message capture as a subscriber of the tap, switched on and off at run
// time (the setcapture RPC; -capturemessages at startup is `setcapture
// true`). It chooses which peers and message types are recorded, keeps each
// connected peer's session so that capture can start in the middle of a
// connection, and counts what it could not record and why.
//
// Events arrive on the message handler thread; set() and info() come from
// RPC threads. One mutex guards everything; while capture is off a message
// costs one atomic load.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "msgcapture/format/capture_fs.h"
#include "msgcapture/format/capture_writer.h"
#include "node/net_events.h"

namespace node {

// Which peers and message types setcapture selects.
struct CaptureSelection {
    bool all_peers = true;
    std::set<int64_t> peer_ids;
    std::vector<std::string> addresses;  // "1.2.3.4", "1.2.3.4:8333", "[::1]", "[::1]:8333"
    bool all_types = true;
    std::set<std::string, std::less<>> msgtypes;

    bool wants_peer(const Peer& peer) const;
    bool wants_type(std::string_view type) const { return all_types || msgtypes.count(type) != 0; }
};

// Why a message that capture wanted was not written.
enum class CaptureDrop { Disabled, RateLimited, SessionError };
inline constexpr CaptureDrop CAPTURE_DROP_REASONS[] = {CaptureDrop::Disabled, CaptureDrop::RateLimited, CaptureDrop::SessionError};
// "disabled": capture turned itself off (a write error, the size budget);
// "rate_limited": the connection was over -capturesessionrate; "session_error":
// its session hit a passing failure (no file descriptor).
const char* capture_drop_name(CaptureDrop reason);

struct CaptureInfo {
    bool enabled = false;  // asked for, and the writer is working
    bool requested = false;  // asked for (setcapture true or -capturemessages)
    CaptureSelection selection;
    std::string directory;
    bool compress = false;
    uint64_t bytes_written = 0;
    uint64_t max_bytes = 0;        // 0: no limit
    uint64_t budget_used = 0;      // bytes against max_bytes since capture was last turned on
    size_t sessions_open = 0;      // being recorded now
    size_t sessions_paused = 0;    // open, but their peer or capture as a whole is off
    std::map<std::string, uint64_t> records_dropped;  // by capture_drop_name
    std::string disabled_reason;   // why capture turned itself off, while it is off
};

class CaptureControl : public NetObserver {
public:
    CaptureControl(msgcapture::CaptureOptions options, std::string network,
                   std::shared_ptr<msgcapture::CaptureFs> fs = msgcapture::posix_capture_fs());
    ~CaptureControl() override;

    // setcapture: turns capture on for `selection`, or off. Turning it on
    // again after a write error tries the disk again, with a fresh budget.
    void set(bool enable, CaptureSelection selection = {});
    CaptureInfo info() const;
    // Ends every session and closes every file (shutdown).
    void close_all();

    void on_message(const MessageEvent& e) override;
    void on_connection(const ConnectionEvent& e) override;
    void on_tick(int64_t now_us) override;

private:
    struct Connected {
        msgcapture::SessionInfo info;
        const Peer* peer;
        bool refused = false;  // the session limits refused it when it connected
        bool wanted = false;   // the selection includes it (decided once per change, not per message)
    };

    // Opens, resumes or pauses one peer's session to match the selection (mutex held).
    void apply(Connected& c, int64_t now_us, bool new_connection);
    void count_drop(CaptureDrop reason);
    void notice_disabled();  // the writer turned itself off during the last call
    void close_session(int64_t peer_id, int64_t now_us);

    msgcapture::CaptureOptions options_;
    std::string network_;
    std::shared_ptr<msgcapture::CaptureFs> fs_;

    mutable std::mutex mutex_;
    std::atomic<bool> requested_{false};  // read without the mutex on every message
    CaptureSelection selection_;
    std::unique_ptr<msgcapture::CaptureWriter> writer_;  // made when capture is first turned on
    bool writer_was_enabled_ = false;
    std::map<int64_t, Connected> connected_;
    uint64_t dropped_[3] = {};
};

}  // namespace node
