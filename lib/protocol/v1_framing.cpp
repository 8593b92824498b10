#include "msgcapture/protocol/v1_framing.h"

#include <algorithm>
#include <cstring>

#include "msgcapture/protocol/hash.h"
#include "msgcapture/protocol/stream.h"

namespace msgcapture {

std::array<uint8_t, 4> payload_checksum(ByteSpan payload) {
    Uint256 h = sha256d(payload);
    return {h.bytes[0], h.bytes[1], h.bytes[2], h.bytes[3]};
}

bool valid_command_field(const uint8_t* field) {
    size_t i = 0;
    for (; i < MESSAGE_TYPE_SIZE && field[i] != 0; ++i) {
        if (field[i] < 0x20 || field[i] > 0x7e) return false;
    }
    for (; i < MESSAGE_TYPE_SIZE; ++i) {
        if (field[i] != 0) return false;
    }
    return true;
}

Bytes frame_message(const std::array<uint8_t, 4>& magic, std::string_view type, ByteSpan payload) {
    std::array<char, MESSAGE_TYPE_SIZE> command{};
    std::copy_n(type.begin(), std::min(type.size(), command.size()), command.begin());
    Bytes out;
    frame_message(out, magic, command, payload);
    return out;
}

void frame_message(Bytes& out, const std::array<uint8_t, 4>& magic, const std::array<char, MESSAGE_TYPE_SIZE>& command,
                   ByteSpan payload) {
    out.clear();
    out.reserve(P2P_HEADER_SIZE + payload.size());
    ByteWriter w(out);
    w.write_bytes(magic);
    w.write_bytes(ByteSpan(reinterpret_cast<const uint8_t*>(command.data()), command.size()));
    w.write_le(static_cast<uint32_t>(payload.size()));
    w.write_bytes(payload_checksum(payload));
    w.write_bytes(payload);
}

std::optional<std::string> V1Deserializer::feed(ByteSpan data, std::vector<NetMessage>& out) {
    while (!data.empty()) {
        if (!have_header_) {
            const size_t take = std::min(P2P_HEADER_SIZE - header_.size(), data.size());
            header_.insert(header_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
            data = data.subspan(take);
            if (header_.size() < P2P_HEADER_SIZE) break;
            if (!std::equal(magic_.begin(), magic_.end(), header_.begin())) return "wrong network magic";
            if (!valid_command_field(header_.data() + 4)) return "malformed message type";
            type_.assign(reinterpret_cast<const char*>(header_.data() + 4),
                         strnlen(reinterpret_cast<const char*>(header_.data() + 4), MESSAGE_TYPE_SIZE));
            ByteReader length_field(ByteSpan(header_).subspan(16, 4));
            length_ = length_field.read_le<uint32_t>();
            std::memcpy(checksum_.data(), header_.data() + 20, 4);
            if (length_ > MAX_PROTOCOL_MESSAGE_LENGTH) {
                return "oversized message: " + type_ + " declares " + std::to_string(length_) + " bytes";
            }
            have_header_ = true;
            payload_.clear();
        }
        const size_t take = std::min<size_t>(length_ - payload_.size(), data.size());
        payload_.insert(payload_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
        data = data.subspan(take);
        if (payload_.size() < length_) break;
        if (payload_checksum(payload_) != checksum_) return "bad checksum on " + type_ + " message";
        out.push_back({type_, std::move(payload_)});
        payload_ = {};
        header_.clear();
        have_header_ = false;
    }
    return std::nullopt;
}

}  // namespace msgcapture
