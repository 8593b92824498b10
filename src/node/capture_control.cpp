#include "node/capture_control.h"

#include "common/logging.h"
#include "common/time.h"
#include "net/netaddress.h"
#include "node/node_context.h"
#include "node/tracing.h"

namespace node {

const char* capture_drop_name(CaptureDrop reason) {
    switch (reason) {
        case CaptureDrop::Disabled: return "disabled";
        case CaptureDrop::RateLimited: return "rate_limited";
        case CaptureDrop::SessionError: return "session_error";
    }
    return "unknown";
}

bool CaptureSelection::wants_peer(const Peer& peer) const {
    if (all_peers || peer_ids.count(peer.id)) return true;
    const auto endpoint = parse_ip_endpoint(peer.address, 0);
    for (const auto& wanted : addresses) {
        if (wanted == peer.address) return true;
        // Without a port, any connection from that address.
        const auto host = parse_ip_endpoint(wanted, 0);
        if (host && endpoint && host->port() == 0 && host->address() == endpoint->address()) return true;
    }
    return false;
}

CaptureControl::CaptureControl(msgcapture::CaptureOptions options, std::string network, std::shared_ptr<msgcapture::CaptureFs> fs)
    : options_(std::move(options)), network_(std::move(network)), fs_(std::move(fs)) {}

CaptureControl::~CaptureControl() { close_all(); }

void CaptureControl::close_all() {
    std::lock_guard lock(mutex_);
    const int64_t now = now_micros();
    std::vector<int64_t> ids;
    for (const auto& [id, c] : connected_) ids.push_back(id);
    for (int64_t id : ids) close_session(id, now);
    writer_.reset();  // flushes and closes every file
}

void CaptureControl::set(bool enable, CaptureSelection selection) {
    std::lock_guard lock(mutex_);
    const int64_t now = now_micros();
    if (enable) {
        if (!writer_) {
            writer_ = std::make_unique<msgcapture::CaptureWriter>(options_, fs_, [](const std::string& s) { log_info(s); });
            log_info("Capturing messages to " + options_.root);
        } else if (!writer_->enabled()) {
            log_info("message capture turned on again by RPC (it had stopped: " + writer_->disabled_reason() + ")");
            writer_->enable();
        }
        writer_was_enabled_ = true;
        selection_ = std::move(selection);
    }
    requested_ = enable;
    for (auto& [id, c] : connected_) apply(c, now, false);
    notice_disabled();
}

void CaptureControl::apply(Connected& c, int64_t now_us, bool new_connection) {
    if (!writer_) return;
    const bool wanted = c.wanted = requested_ && selection_.wants_peer(*c.peer);
    const int64_t id = c.info.peer_id;
    auto& intervals = c.info.capture_intervals;  // kept as the writer keeps them, to continue the session after a failure
    if (writer_->has_session(id)) {
        if (wanted == !writer_->session_paused(id)) return;
        if (wanted) {
            writer_->resume_session(id, now_us);
            if (!writer_->session_paused(id)) intervals.push_back({now_us, std::nullopt});  // it stays paused past MAX_CAPTURE_INTERVALS
        } else {
            writer_->pause_session(id, now_us);
            if (!intervals.empty()) intervals.back().end_us = now_us;
        }
        return;
    }
    if (!wanted || !writer_->enabled() || (c.refused && !new_connection)) return;
    intervals.push_back({new_connection ? c.info.start_time_us : now_us, std::nullopt});
    if (writer_->open_session(c.info, msgcapture::CaptureWriter::Clock::now(), new_connection)) {
        if (MSGCAPTURE_TRACE_ACTIVE(msgcapture, capture_session_opened)) {
            const std::string path = writer_->session_path(id);
            MSGCAPTURE_TRACE(msgcapture, capture_session_opened, id, c.info.address.c_str(), path.c_str());
        }
    } else {
        intervals.pop_back();
        if (new_connection && writer_->enabled()) c.refused = true;
    }
}

void CaptureControl::close_session(int64_t peer_id, int64_t now_us) {
    auto it = connected_.find(peer_id);
    if (it == connected_.end()) return;
    if (writer_ && writer_->has_session(peer_id)) {
        writer_->close_session(peer_id, now_us);
        if (MSGCAPTURE_TRACE_ACTIVE(msgcapture, capture_session_closed)) {
            MSGCAPTURE_TRACE(msgcapture, capture_session_closed, peer_id, it->second.info.address.c_str(), writer_->bytes_written());
        }
    }
    connected_.erase(it);
}

void CaptureControl::notice_disabled() {
    if (!writer_ || writer_->enabled() || !writer_was_enabled_) return;
    writer_was_enabled_ = false;
    // Every session ended with the failure: so does its capture interval.
    const int64_t now = now_micros();
    for (auto& [id, c] : connected_) {
        auto& intervals = c.info.capture_intervals;
        if (!intervals.empty() && !intervals.back().end_us) intervals.back().end_us = now;
    }
    if (MSGCAPTURE_TRACE_ACTIVE(msgcapture, capture_disabled)) {
        MSGCAPTURE_TRACE(msgcapture, capture_disabled, writer_->disabled_reason().c_str());
    }
}

void CaptureControl::count_drop(CaptureDrop reason) { ++dropped_[static_cast<size_t>(reason)]; }

void CaptureControl::on_connection(const ConnectionEvent& e) {
    if (e.kind == ConnectionEventKind::Opened) {
        std::lock_guard lock(mutex_);
        Connected c;
        c.peer = &e.peer;
        c.info.peer_id = e.peer.id;
        c.info.address = e.peer.address;
        c.info.connection_type = connection_type_name(e.peer.type);
        c.info.start_time_us = e.peer.connected_us;
        c.info.network = network_;
        c.info.user_agent = USER_AGENT;
        c.info.protocol_version = PROTOCOL_VERSION;
        auto& entry = connected_[e.peer.id] = std::move(c);
        apply(entry, e.time_us, true);
        notice_disabled();
    } else if (e.kind == ConnectionEventKind::Closed) {
        std::lock_guard lock(mutex_);
        close_session(e.peer.id, e.time_us);
        notice_disabled();
    }
}

void CaptureControl::on_message(const MessageEvent& e) {
    if (!requested_.load(std::memory_order_relaxed)) return;
    std::lock_guard lock(mutex_);
    if (!writer_ || !selection_.wants_type(e.type)) return;
    auto it = connected_.find(e.peer.id);
    if (it == connected_.end() || !it->second.wanted) return;
    if (writer_->record(e.peer.id, e.direction, e.time_us, e.type, e.payload)) return;
    // Wanted and not written: say why.
    const CaptureDrop reason = !writer_->enabled() ? CaptureDrop::Disabled
                               : it->second.refused ? CaptureDrop::RateLimited
                                                    : CaptureDrop::SessionError;
    count_drop(reason);
    notice_disabled();
    if (MSGCAPTURE_TRACE_ACTIVE(msgcapture, capture_records_dropped)) {
        const std::string type(e.type);
        MSGCAPTURE_TRACE(msgcapture, capture_records_dropped, e.peer.id, type.c_str(), capture_drop_name(reason),
                         dropped_[static_cast<size_t>(reason)]);
    }
}

void CaptureControl::on_tick(int64_t) {
    std::lock_guard lock(mutex_);
    if (!writer_) return;
    writer_->flush_due();
    notice_disabled();
}

CaptureInfo CaptureControl::info() const {
    std::lock_guard lock(mutex_);
    CaptureInfo out;
    out.requested = requested_;
    out.enabled = requested_ && writer_ && writer_->enabled();
    out.selection = selection_;
    out.directory = options_.root;
    out.compress = options_.compress;
    out.max_bytes = options_.max_bytes;
    if (writer_) {
        out.bytes_written = writer_->bytes_written();
        out.budget_used = writer_->bytes_accepted();
        out.disabled_reason = writer_->disabled_reason();
        for (const auto& [id, c] : connected_) {
            if (!writer_->has_session(id)) continue;
            if (writer_->session_paused(id)) ++out.sessions_paused;
            else ++out.sessions_open;
        }
    }
    for (CaptureDrop reason : CAPTURE_DROP_REASONS) out.records_dropped[capture_drop_name(reason)] = dropped_[static_cast<size_t>(reason)];
    return out;
}

}  // namespace node
