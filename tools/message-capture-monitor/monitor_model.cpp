#include "monitor_model.h"

#include <algorithm>

namespace monitor {
namespace {

constexpr size_t KEEP_WARNINGS = 100;

std::string directory_of(const std::string& path) {
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

void Model::add_file(const msgcapture::CaptureFile& file) {
    std::lock_guard lock(mutex_);
    const std::string key = directory_of(file.path);
    peer_of_source_.push_back(key);
    file_of_source_.push_back(&file);
    Peer& peer = peers_[key];
    ++peer.files;
    if (peer.files > 1) return;
    PeerRow& row = peer.row;
    row.key = key;
    row.address = file.peer_address.empty() ? key.substr(key.rfind('/') + 1) : file.peer_address;
    if (file.session) {
        row.id = std::to_string(file.session->peer_id);
        row.connection_type = file.session->connection_type;
        row.start_us = file.session->start_time_us;
    } else {
        row.id = "-";
        row.connection_type = "-";
    }
}

void Model::add(size_t source, const msgcapture::Record& record) {
    std::lock_guard lock(mutex_);
    if (source >= peer_of_source_.size()) return;
    Peer& peer = peers_[peer_of_source_[source]];
    const auto direction = file_of_source_[source]->direction;
    PeerRow& row = peer.row;
    const uint64_t size = record.header.length;
    if (direction == msgcapture::Direction::Received) {
        ++row.messages_in;
        row.bytes_in += size;
    } else {
        ++row.messages_out;
        row.bytes_out += size;
    }
    if (row.start_us == 0) row.start_us = record.header.time_us;
    row.last_type = std::string(record.header.msgtype_shown());
    row.last_us = std::max(row.last_us, record.header.time_us);
    ++total_;

    Message m;
    m.seq = peer.recent.empty() ? 0 : peer.recent.back().seq + 1;
    m.time_us = record.header.time_us;
    m.direction = direction;
    m.header = record.header;
    m.status = record.status;
    m.file = file_of_source_[source];
    m.payload = std::make_shared<const msgcapture::Bytes>(record.payload.begin(), record.payload.end());
    payload_bytes_ += m.payload->size();
    payload_order_.emplace_back(&peer, m.seq);
    peer.recent.push_back(std::move(m));
    if (peer.recent.size() > RECENT_PER_PEER) {
        if (peer.recent.front().payload) payload_bytes_ -= peer.recent.front().payload->size();
        peer.recent.pop_front();
    }
    drop_oldest_payloads();
}

void Model::drop_oldest_payloads() {
    while (payload_bytes_ > PAYLOAD_BUDGET && !payload_order_.empty()) {
        const auto [peer, seq] = payload_order_.front();
        payload_order_.pop_front();
        auto& recent = peer->recent;
        if (recent.empty()) continue;
        if (seq < recent.front().seq) continue;  // already gone with its message
        Message& m = recent[seq - recent.front().seq];
        if (!m.payload) continue;
        payload_bytes_ -= m.payload->size();
        m.payload.reset();
    }
    // Entries whose messages have left their peer's recent list are stale:
    // once they are half the list, it is rebuilt without them.
    if (payload_order_.size() > 2 * std::max<size_t>(peers_.size() * RECENT_PER_PEER, 1024)) {
        std::erase_if(payload_order_, [](const auto& entry) {
            const auto& recent = entry.first->recent;
            return recent.empty() || entry.second < recent.front().seq;
        });
    }
}

void Model::file_final(const msgcapture::CaptureFile& file) {
    std::lock_guard lock(mutex_);
    auto it = peers_.find(directory_of(file.path));
    if (it == peers_.end()) return;
    Peer& peer = it->second;
    // Our sessions have two files; a session closes with both.
    if (++peer.final_files >= peer.files) peer.row.closed = true;
}

void Model::warn(const std::string& text) {
    std::lock_guard lock(mutex_);
    warnings_.push_back(text);
    if (warnings_.size() > KEEP_WARNINGS) warnings_.pop_front();
}

std::vector<PeerRow> Model::peers() const {
    std::lock_guard lock(mutex_);
    std::vector<PeerRow> rows;
    rows.reserve(peers_.size());
    for (const auto& [key, peer] : peers_) rows.push_back(peer.row);
    return rows;
}

std::vector<Message> Model::recent(const std::string& key) const {
    std::lock_guard lock(mutex_);
    auto it = peers_.find(key);
    if (it == peers_.end()) return {};
    return {it->second.recent.begin(), it->second.recent.end()};
}

std::vector<std::string> Model::warnings() const {
    std::lock_guard lock(mutex_);
    return {warnings_.begin(), warnings_.end()};
}

uint64_t Model::total_messages() const {
    std::lock_guard lock(mutex_);
    return total_;
}

size_t Model::payload_bytes() const {
    std::lock_guard lock(mutex_);
    return payload_bytes_;
}

}  // namespace monitor
