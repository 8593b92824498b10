#pragma once
// The v1 P2P framing: each message framed by magic, command, length and
// checksum. Bytes in, complete messages out; anything malformed is an error
// (for a node, one that ends the connection). Shared by the node and by
// tools that read raw P2P streams.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "msgcapture/export.h"
#include "msgcapture/protocol/bytes.h"
#include "msgcapture/protocol/constants.h"

namespace msgcapture {

struct MSGCAPTURE_EXPORT NetMessage {
    std::string type;
    Bytes payload;
};

// What a received message costs while it waits for the handler: its bytes on
// the wire and its bookkeeping, so that empty messages are not free.
inline size_t receive_cost(const NetMessage& m) { return P2P_HEADER_SIZE + sizeof(NetMessage) + m.payload.capacity(); }

// First four bytes of SHA256d(payload).
MSGCAPTURE_EXPORT std::array<uint8_t, 4> payload_checksum(ByteSpan payload);

// Printable ASCII up to the first NUL, and only NULs after it.
MSGCAPTURE_EXPORT bool valid_command_field(const uint8_t* field);

MSGCAPTURE_EXPORT Bytes frame_message(const std::array<uint8_t, 4>& magic, std::string_view type, ByteSpan payload);
// The same into `out` (replacing its contents), with the 12-byte command
// field as given: a capture record's type field goes on the wire exactly.
MSGCAPTURE_EXPORT void frame_message(Bytes& out, const std::array<uint8_t, 4>& magic,
                                     const std::array<char, MESSAGE_TYPE_SIZE>& command, ByteSpan payload);

class MSGCAPTURE_EXPORT V1Deserializer {
public:
    explicit V1Deserializer(const std::array<uint8_t, 4>& magic) : magic_(magic) {}

    // Consumes `data`, appending each completed message to `out`. Returns an
    // error description when the stream is invalid; the connection should end.
    std::optional<std::string> feed(ByteSpan data, std::vector<NetMessage>& out);

private:
    std::array<uint8_t, 4> magic_;
    Bytes header_;
    bool have_header_ = false;
    std::string type_;
    uint32_t length_ = 0;
    std::array<uint8_t, 4> checksum_{};
    Bytes payload_;
};

}  // namespace msgcapture
