#pragma once
// getnewaddress without a wallet database. Each call makes a fresh key with
// libsecp256k1 and appends it to a key file readable by the owner only, one
// line per key: "<address> <private key in WIF> <address type> <label>". Coins
// mined to such an address can be spent by any wallet that imports the key
// (importprivkey, or a wpkh(WIF) descriptor); the node itself signs nothing.
#include <mutex>
#include <string>

#include "chain/chainparams.h"
#include "msgcapture/protocol/bytes.h"

namespace node {

// RIPEMD160(SHA256(data)): what P2PKH and P2WPKH commit to.
msgcapture::Bytes hash160(msgcapture::ByteSpan data);

class KeyFile {
public:
    KeyFile(std::string path, AddressParams params) : path_(std::move(path)), params_(std::move(params)) {}

    // `type`: "legacy" (P2PKH), "p2sh-segwit" (P2SH-P2WPKH) or "bech32" (P2WPKH).
    // Throws std::invalid_argument for another type, std::runtime_error when the
    // key cannot be made or kept.
    std::string new_address(const std::string& type, const std::string& label);

    // The address of a compressed public key, by type.
    static std::string address_of(msgcapture::ByteSpan pubkey, const std::string& type, const AddressParams& params);

private:
    std::mutex mutex_;
    std::string path_;
    AddressParams params_;
};

}  // namespace node
