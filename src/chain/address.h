#pragma once
// Addresses as Bitcoin Core decodes them: base58check P2PKH and P2SH, and
// segwit programs in bech32 (version 0, BIP173) or bech32m (versions 1 to
// 16, BIP350). Decoding yields the output script an address stands for.
#include <optional>
#include <string>

#include "chain/chainparams.h"
#include "msgcapture/protocol/bytes.h"

namespace node {

// The scriptPubKey `address` pays to on the chain `params` describes, or
// nullopt with `error` saying why it is not a valid address there.
std::optional<msgcapture::Bytes> address_script(const std::string& address, const AddressParams& params, std::string& error);

// The inverse for the scripts an address can stand for (P2PKH, P2SH, segwit
// v0 to v16); nullopt for any other script.
std::optional<std::string> script_address(msgcapture::ByteSpan script, const AddressParams& params);

// Base58 with a 4-byte double-SHA256 checksum (BIP13 spelling).
std::string base58check_encode(msgcapture::ByteSpan payload);
std::optional<msgcapture::Bytes> base58check_decode(const std::string& text);

// Bech32 and bech32m (BIP173, BIP350): the human-readable part and 5-bit data.
enum class Bech32Variant { Bech32, Bech32m };
struct Bech32Decoded {
    Bech32Variant variant;
    std::string hrp;
    std::vector<uint8_t> data;  // 5-bit groups, without the checksum
};
std::optional<Bech32Decoded> bech32_decode(const std::string& text);
std::string bech32_encode(Bech32Variant variant, const std::string& hrp, const std::vector<uint8_t>& data);

}  // namespace node
