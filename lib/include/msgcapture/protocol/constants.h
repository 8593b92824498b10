#pragma once
// Protocol constants, named as Bitcoin Core names them, in one place.
#include <cstddef>
#include <cstdint>

namespace msgcapture {

// Largest payload a peer may send (Bitcoin Core's MAX_PROTOCOL_MESSAGE_LENGTH).
inline constexpr uint32_t MAX_PROTOCOL_MESSAGE_LENGTH = 4'000'000;

// The command field of the P2P header and of a capture record.
inline constexpr size_t MESSAGE_TYPE_SIZE = 12;

// Serialized block header: version, prev hash, merkle root, time, bits, nonce.
inline constexpr size_t BLOCK_HEADER_SIZE = 80;

// Largest value a CompactSize may carry when it sizes a vector (Bitcoin Core's MAX_SIZE).
inline constexpr uint64_t MAX_SIZE = 0x02000000;

// BIP155: an addrv2 address is at most 512 bytes.
inline constexpr size_t MAX_ADDRV2_SIZE = 512;

// BIP155 network identifiers.
enum class Bip155Network : uint8_t {
    IPV4 = 1,
    IPV6 = 2,
    TORV2 = 3,
    TORV3 = 4,
    I2P = 5,
    CJDNS = 6,
};

}  // namespace msgcapture
