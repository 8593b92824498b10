#pragma once
// Captures as a pcap file for Wireshark and tshark: each message becomes the
// complete v1 P2P frame it was on an unencrypted wire (magic, command,
// length, checksum, payload), carried in TCP segments with consistent
// sequence and acknowledgement numbers, with a handshake before each
// session's first message and a close after its last, so that every stream
// reassembles and Wireshark's Bitcoin dissector decodes what it knows.
//
// Endpoints: the peer's address and port from its label (session.json or a
// Bitcoin Core directory name). Our side is a documentation address standing
// in for the local one: 192.0.2.1 (RFC 5737) beside an IPv4 peer, 2001:db8::1
// (RFC 3849) beside an IPv6 one. A peer with no IP address (Tor, I2P, or no
// label) stands in as 198.51.100.N. Whoever opened the connection listens on
// the network's default port; the other side has a port from 49152 up.
#include <array>
#include <map>
#include <cstdint>
#include <string>
#include <vector>

#include "msgcapture/export.h"
#include "msgcapture/pipeline/output_format.h"

namespace msgcapture {

class MSGCAPTURE_EXPORT PcapFormat : public OutputFormat {
public:
    // `chain` names the network (its magic and default port) for files whose
    // session.json does not; "" guesses from the path (a regtest, testnet3,
    // testnet4 or signet directory), else main. Throws std::invalid_argument
    // for an unknown name.
    explicit PcapFormat(const std::string& chain = "");

    void begin(const Sink& out) override;
    void add_file(const CaptureFile& file) override;
    void sequence(Entry& entry) override;
    bool write(const Entry& entry, OutputBuffer& out, MessageScratch& scratch) const override;
    void end(uint64_t entries, const Sink& out) override;

    struct Endpoint {
        bool ipv6 = false;
        std::array<uint8_t, 16> ip{};  // IPv4 in the first four bytes
        uint16_t port = 0;
    };

private:
    // What add_file() fixes about a stream; read by write() on any thread.
    struct Stream {
        Endpoint ours, theirs;
        bool we_opened = true;
        std::array<uint8_t, 4> magic{};
    };
    // Where a stream stands; only sequence() and end() touch it.
    struct Position {
        uint32_t our_next = 1, their_next = 1;  // after the SYNs (initial sequence numbers are 0)
        bool opened = false;
        int64_t last_us = 0;
    };

    std::string chain_;
    std::vector<Stream> streams_;
    std::vector<size_t> stream_of_file_;
    std::map<std::string, size_t> stream_of_directory_;
    std::vector<Position> positions_;
};

}  // namespace msgcapture
