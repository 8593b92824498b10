#pragma once
// Protocol constants, named as Bitcoin Core names them, in one place.
#include <cstddef>
#include <cstdint>

namespace msgcapture {

// Largest payload a peer may send (Bitcoin Core's MAX_PROTOCOL_MESSAGE_LENGTH).
inline constexpr uint32_t MAX_PROTOCOL_MESSAGE_LENGTH = 4'000'000;

// The command field of the P2P header and of a capture record.
inline constexpr size_t MESSAGE_TYPE_SIZE = 12;

// The v1 P2P header: magic(4) command(12) length(4) checksum(4).
inline constexpr size_t P2P_HEADER_SIZE = 24;

// The protocol version this project speaks, and the first version that
// negotiates each feature (Bitcoin Core's names).
inline constexpr int32_t PROTOCOL_VERSION = 70016;
inline constexpr int32_t SENDHEADERS_VERSION = 70012;  // BIP130
inline constexpr int32_t FEEFILTER_VERSION = 70013;    // BIP133
inline constexpr int32_t WTXID_RELAY_VERSION = 70016;  // BIP339

// Inventory types (getdata, inv, notfound), with the BIP144 witness flag.
inline constexpr uint32_t MSG_TX = 1;
inline constexpr uint32_t MSG_BLOCK = 2;
inline constexpr uint32_t MSG_FILTERED_BLOCK = 3;  // BIP37
inline constexpr uint32_t MSG_CMPCT_BLOCK = 4;     // BIP152
inline constexpr uint32_t MSG_WTX = 5;             // BIP339
inline constexpr uint32_t MSG_WITNESS_FLAG = 1u << 30;

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
