#include "msgcapture/format/capture_writer.h"

#include <zstd.h>

#include <utility>

#include "msgcapture/format/capture_fs.h"

namespace msgcapture {
namespace {

// Buffered bytes are written once they pass this size, even before the flush interval.
constexpr size_t WRITE_AT = 256 * 1024;
// Small windows keep a reader's memory small when it opens many sessions at once.
constexpr int ZSTD_WINDOW_LOG = 20;
constexpr int ZSTD_LEVEL = 3;

}  // namespace

// One msgs_*.dat[.zst] file: created with its session, buffered, optionally compressed.
class CaptureWriter::StreamFile {
public:
    StreamFile(std::string path, bool compress) : path_(std::move(path)) {
        if (compress) {
            cctx_ = ZSTD_createCCtx();
            if (!cctx_) throw CaptureIoError("cannot compress " + path_ + ": out of memory");
            ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, ZSTD_LEVEL);
            ZSTD_CCtx_setParameter(cctx_, ZSTD_c_windowLog, ZSTD_WINDOW_LOG);
            // A checksum per frame: a flipped byte is reported as corruption
            // instead of decoding to different records.
            ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);
        }
    }
    ~StreamFile() { ZSTD_freeCCtx(cctx_); }
    StreamFile(const StreamFile&) = delete;
    StreamFile& operator=(const StreamFile&) = delete;

    void add(ByteSpan record, CaptureFs& fs, Clock::time_point now) {
        if (!dirty_) first_unflushed_ = now;
        dirty_ = true;
        pending_.insert(pending_.end(), record.begin(), record.end());
        if (pending_.size() >= WRITE_AT) drain(fs, ZSTD_e_continue);
    }

    bool due(Clock::time_point now, std::chrono::milliseconds interval) const {
        return dirty_ && now - first_unflushed_ >= interval;
    }

    // Everything added so far reaches the file. Compressed, the zstd frame
    // ends here: what was flushed is then complete, checksummed, and a point
    // a reader can start decoding from; frames hold at most a flush interval.
    void flush(CaptureFs& fs) {
        if (!dirty_) return;
        drain(fs, ZSTD_e_end);
        dirty_ = false;
    }

    // Made when the session opens, empty: a reader following the directory
    // then knows of both files before either holds a record, so that a
    // file appearing late can never hold a record older than ones already
    // released from the other.
    void create(CaptureFs& fs) {
        if (!file_) file_ = fs.open_append(path_);
    }

    void close(CaptureFs& fs) {
        flush(fs);
        if (file_) std::exchange(file_, nullptr)->close();
    }

private:
    // Writes the pending records out, compressing them in one go when asked:
    // records are gathered first because compressing each small record on
    // its own costs more than writing it.
    void drain(CaptureFs& fs, ZSTD_EndDirective mode) {
        if (!file_) file_ = fs.open_append(path_);
        if (!cctx_) {
            if (!pending_.empty()) file_->append(pending_);
            pending_.clear();
            return;
        }
        compressed_.clear();
        ZSTD_inBuffer in{pending_.data(), pending_.size(), 0};
        chunk_.resize(ZSTD_CStreamOutSize());
        for (;;) {
            ZSTD_outBuffer out{chunk_.data(), chunk_.size(), 0};
            const size_t left = ZSTD_compressStream2(cctx_, &out, &in, mode);
            if (ZSTD_isError(left)) throw CaptureIoError("cannot compress " + path_ + ": " + ZSTD_getErrorName(left));
            compressed_.insert(compressed_.end(), chunk_.begin(), chunk_.begin() + static_cast<std::ptrdiff_t>(out.pos));
            const bool done = mode == ZSTD_e_continue ? in.pos == in.size : left == 0;
            if (done) break;
        }
        pending_.clear();
        if (!compressed_.empty()) file_->append(compressed_);
    }

    std::string path_;
    ZSTD_CCtx* cctx_ = nullptr;
    std::unique_ptr<AppendFile> file_;
    Bytes pending_;     // records not yet written (uncompressed)
    Bytes compressed_;  // what one drain produces
    Bytes chunk_;       // the compressor's output window
    bool dirty_ = false;
    Clock::time_point first_unflushed_{};
};

CaptureWriter::CaptureWriter(CaptureOptions options, Logger log)
    : CaptureWriter(std::move(options), posix_capture_fs(), std::move(log)) {}

CaptureWriter::CaptureWriter(CaptureOptions options, std::shared_ptr<CaptureFs> fs, Logger log)
    : options_(std::move(options)), fs_(std::move(fs)), log_(std::move(log)) {}

CaptureWriter::~CaptureWriter() {
    guarded([&] {
        for (auto& [id, session] : sessions_) {
            for (auto& f : session.files) {
                if (f) f->close(*fs_);
            }
        }
    });
    sessions_.clear();
}

template <class F>
void CaptureWriter::guarded(F&& f) {
    if (!enabled_) return;
    try {
        f();
    } catch (const std::exception& e) {
        disable(e.what());
    }
}

template <class F>
void CaptureWriter::for_session(int64_t peer_id, F&& f) {
    if (!enabled_) return;
    try {
        f();
    } catch (const CaptureIoError& e) {
        if (!e.transient) return disable(e.what());
        drop_session(peer_id, e.what());
    } catch (const std::exception& e) {
        disable(e.what());
    }
}

void CaptureWriter::drop_session(int64_t peer_id, const std::string& reason) {
    sessions_.erase(peer_id);
    ++dropped_since_log_;
    const auto now = Clock::now();
    if (log_ && now - last_drop_log_ >= std::chrono::seconds(10)) {
        log_("message capture: peer=" + std::to_string(peer_id) + " is not captured from here on (" + reason +
             "); capture goes on for other and new peers" +
             (dropped_since_log_ > 1 ? " (" + std::to_string(dropped_since_log_) + " peers since the last such line)" : ""));
        last_drop_log_ = now;
        dropped_since_log_ = 0;
    }
}

void CaptureWriter::disable(const std::string& reason) {
    enabled_ = false;
    disabled_reason_ = reason;
    sessions_.clear();  // drops buffers; files close
    if (log_) log_("message capture disabled: " + reason);
}

void CaptureWriter::enable() {
    if (enabled_) return;
    enabled_ = true;
    disabled_reason_.clear();
    bytes_accepted_ = 0;  // the caller says why, in its own words
}

namespace {

// "1.2.3.4:8333" -> "1.2.3.4"; "[::1]:8333" -> "[::1]".
std::string ip_of(const std::string& address) {
    const auto colon = address.rfind(':');
    return colon == std::string::npos ? address : address.substr(0, colon);
}

}  // namespace

bool CaptureWriter::admit_session(const std::string& ip, Clock::time_point now) {
    const auto minute_ago = now - std::chrono::minutes(1);
    auto forget_old = [&](std::vector<Clock::time_point>& times) {
        std::erase_if(times, [&](Clock::time_point t) { return t <= minute_ago; });
    };
    forget_old(recent_all_);
    for (auto it = recent_sessions_.begin(); it != recent_sessions_.end();) {
        forget_old(it->second);
        it = it->second.empty() ? recent_sessions_.erase(it) : std::next(it);
    }
    auto& mine = recent_sessions_[ip];
    if (mine.size() >= options_.max_sessions_per_ip_per_minute || recent_all_.size() >= options_.max_sessions_per_minute) {
        auto logged = refusal_logged_.find(ip);
        if (log_ && (logged == refusal_logged_.end() || logged->second <= minute_ago)) {
            log_("message capture: too many new connections from " + ip + " (or in all) in the last minute; "
                 "not capturing this one or others like it for a while");
            refusal_logged_[ip] = now;
        }
        return false;
    }
    std::erase_if(refusal_logged_, [&](const auto& e) { return e.second <= minute_ago; });
    mine.push_back(now);
    recent_all_.push_back(now);
    return true;
}

bool CaptureWriter::open_session(const SessionInfo& info, Clock::time_point now, bool new_connection) {
    if (!enabled_ || (new_connection && !admit_session(ip_of(info.address), now))) return false;
    bool opened = false;
    for_session(info.peer_id, [&] {
        Session session;
        session.info = info;
        session.path = options_.root + "/" + peer_directory_name(info.address) + "/" +
                       session_directory_name(info.start_time_us, info.peer_id);
        fs_->create_directories(session.path);
        fs_->write_file(session.path + "/session.json", session_to_json(info));
        const std::string ext = options_.compress ? ".dat.zst" : ".dat";
        session.files[0] = std::make_unique<StreamFile>(session.path + "/msgs_recv" + ext, options_.compress);
        session.files[1] = std::make_unique<StreamFile>(session.path + "/msgs_sent" + ext, options_.compress);
        for (auto& f : session.files) f->create(*fs_);
        sessions_[info.peer_id] = std::move(session);
        opened = true;
    });
    return opened;
}

void CaptureWriter::close_session(int64_t peer_id, std::optional<int64_t> time_us) {
    for_session(peer_id, [&] {
        auto it = sessions_.find(peer_id);
        if (it == sessions_.end()) return;
        Session& session = it->second;
        for (auto& f : session.files) f->close(*fs_);
        auto& intervals = session.info.capture_intervals;
        if (time_us) {
            if (!session.paused && !intervals.empty() && !intervals.back().end_us) intervals.back().end_us = *time_us;
            // Written after the files are closed: a reader that sees the end
            // time knows the files hold all they ever will.
            session.info.end_time_us = *time_us;
            fs_->write_file(session.path + "/session.json", session_to_json(session.info));
        }
        sessions_.erase(it);
    });
}

void CaptureWriter::pause_session(int64_t peer_id, int64_t time_us) {
    for_session(peer_id, [&] {
        auto it = sessions_.find(peer_id);
        if (it == sessions_.end() || it->second.paused) return;
        Session& session = it->second;
        for (auto& f : session.files) f->flush(*fs_);  // what was captured is on disk while paused
        session.paused = true;
        if (!session.info.capture_intervals.empty()) session.info.capture_intervals.back().end_us = time_us;
        fs_->write_file(session.path + "/session.json", session_to_json(session.info));
    });
}

void CaptureWriter::resume_session(int64_t peer_id, int64_t time_us) {
    for_session(peer_id, [&] {
        auto it = sessions_.find(peer_id);
        if (it == sessions_.end() || !it->second.paused) return;
        Session& session = it->second;
        if (session.info.capture_intervals.size() >= MAX_CAPTURE_INTERVALS) {
            if (log_) log_("message capture: peer=" + std::to_string(peer_id) + "'s session has paused " + std::to_string(MAX_CAPTURE_INTERVALS) +
                           " times; it stays paused (a new connection is captured as usual)");
            return;
        }
        session.paused = false;
        session.info.capture_intervals.push_back({time_us, std::nullopt});
        fs_->write_file(session.path + "/session.json", session_to_json(session.info));
    });
}

bool CaptureWriter::session_paused(int64_t peer_id) const {
    auto it = sessions_.find(peer_id);
    return it != sessions_.end() && it->second.paused;
}

bool CaptureWriter::record(int64_t peer_id, Direction direction, int64_t time_us, std::string_view msgtype,
                           ByteSpan payload) {
    bool written = false;
    for_session(peer_id, [&] {
        auto it = sessions_.find(peer_id);
        if (it == sessions_.end() || it->second.paused) return;
        const uint64_t size = RECORD_HEADER_SIZE + payload.size();
        if (options_.max_bytes != 0 && bytes_accepted_ + size > options_.max_bytes) {
            flush_all();
            disable("the -capturemaxsize budget of " + std::to_string(options_.max_bytes) + " bytes is used up");
            return;
        }
        thread_local Bytes encoded;
        encoded.clear();
        append_record(encoded, time_us, msgtype, payload);
        it->second.files[direction == Direction::Received ? 0 : 1]->add(encoded, *fs_, Clock::now());
        bytes_accepted_ += size;
        bytes_written_ += size;
        written = true;
    });
    return written;
}

void CaptureWriter::flush_due(Clock::time_point now) {
    for_each_session([&](Session& session) {
        for (auto& f : session.files) {
            if (f->due(now, options_.flush_interval)) f->flush(*fs_);
        }
    });
}

void CaptureWriter::flush_all() {
    for_each_session([&](Session& session) {
        for (auto& f : session.files) f->flush(*fs_);
    });
}

template <class F>
void CaptureWriter::for_each_session(F&& f) {
    for (auto it = sessions_.begin(); enabled_ && it != sessions_.end();) {
        const int64_t id = it->first;
        Session& session = it->second;
        ++it;  // the session may be dropped
        for_session(id, [&] { f(session); });
    }
}

std::string CaptureWriter::session_path(int64_t peer_id) const {
    auto it = sessions_.find(peer_id);
    return it == sessions_.end() ? std::string() : it->second.path;
}

}  // namespace msgcapture
