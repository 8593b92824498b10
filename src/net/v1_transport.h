#pragma once
// The v1 P2P transport: each message framed by magic, command, length and
// checksum. Bytes in, complete messages out; anything malformed is an error
// that ends the connection.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "msgcapture/protocol/bytes.h"
#include "msgcapture/protocol/constants.h"

namespace node {

// magic(4) command(12) length(4) checksum(4)
inline constexpr size_t P2P_HEADER_SIZE = 24;

struct NetMessage {
    std::string type;
    msgcapture::Bytes payload;
};

// What a received message costs while it waits for the handler: its bytes on
// the wire and its bookkeeping, so that empty messages are not free.
inline size_t receive_cost(const NetMessage& m) { return P2P_HEADER_SIZE + sizeof(NetMessage) + m.payload.capacity(); }

// First four bytes of SHA256d(payload).
std::array<uint8_t, 4> payload_checksum(msgcapture::ByteSpan payload);

// Printable ASCII up to the first NUL, and only NULs after it.
bool valid_command_field(const uint8_t* field);

msgcapture::Bytes frame_message(const std::array<uint8_t, 4>& magic, std::string_view type, msgcapture::ByteSpan payload);

class V1Deserializer {
public:
    explicit V1Deserializer(const std::array<uint8_t, 4>& magic) : magic_(magic) {}

    // Consumes `data`, appending each completed message to `out`. Returns an
    // error description when the stream is invalid; the connection should end.
    std::optional<std::string> feed(msgcapture::ByteSpan data, std::vector<NetMessage>& out);

private:
    std::array<uint8_t, 4> magic_;
    msgcapture::Bytes header_;
    bool have_header_ = false;
    std::string type_;
    uint32_t length_ = 0;
    std::array<uint8_t, 4> checksum_{};
    msgcapture::Bytes payload_;
};

}  // namespace node
