#pragma once
// What the monitor knows: one row per session (peer), its counts and its
// most recent messages. Fed on the pipeline's reading thread, read by the
// screen on its own thread; every read is a copy taken under the lock.
//
// Memory is bounded whatever the traffic: each peer keeps its last
// RECENT_PER_PEER messages, and payloads (for the decoded views) are kept
// only up to PAYLOAD_BUDGET bytes in all, the oldest dropped first.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "msgcapture/format/capture_files.h"
#include "msgcapture/format/record.h"
#include "msgcapture/protocol/bytes.h"

namespace monitor {

inline constexpr size_t RECENT_PER_PEER = 200;
inline constexpr size_t PAYLOAD_BUDGET = 64u << 20;

struct Message {
    uint64_t seq = 0;  // the peer's message number, from 0
    int64_t time_us = 0;
    msgcapture::Direction direction = msgcapture::Direction::Received;
    msgcapture::RecordHeader header;
    msgcapture::RecordStatus status = msgcapture::RecordStatus::Complete;
    std::shared_ptr<const msgcapture::Bytes> payload;  // null once dropped for memory
    const msgcapture::CaptureFile* file = nullptr;      // outlives the model's readers
};

struct PeerRow {
    std::string key;  // the session directory
    std::string id;   // the node's peer id, "-" when unknown (Bitcoin Core's captures)
    std::string address;
    std::string connection_type;
    int64_t start_us = 0;  // session start, or its first message
    uint64_t messages_in = 0, messages_out = 0, bytes_in = 0, bytes_out = 0;
    std::string last_type;
    int64_t last_us = 0;
    bool closed = false;
};

class Model {
public:
    // A file joined: its session is a row (made on its first file). The
    // file must outlive the model.
    void add_file(const msgcapture::CaptureFile& file);
    // A record of file `source` (in add_file order).
    void add(size_t source, const msgcapture::Record& record);
    // The file will not grow: its session is marked closed once all its files are.
    void file_final(const msgcapture::CaptureFile& file);
    void warn(const std::string& text);

    std::vector<PeerRow> peers() const;
    // The peer's recent messages, oldest first.
    std::vector<Message> recent(const std::string& key) const;
    std::vector<std::string> warnings() const;
    uint64_t total_messages() const;
    size_t payload_bytes() const;

private:
    struct Peer {
        PeerRow row;
        std::deque<Message> recent;
        size_t files = 0, final_files = 0;
    };
    void drop_oldest_payloads();

    mutable std::mutex mutex_;
    std::map<std::string, Peer> peers_;
    std::vector<std::string> peer_of_source_;
    std::vector<const msgcapture::CaptureFile*> file_of_source_;
    std::deque<std::pair<Peer*, uint64_t>> payload_order_;  // (peer, seq), oldest first; peers are never removed
    size_t payload_bytes_ = 0;
    uint64_t total_ = 0;
    std::deque<std::string> warnings_;
};

}  // namespace monitor
