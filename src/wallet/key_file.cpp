#include "wallet/key_file.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <secp256k1.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "chain/address.h"
#include "msgcapture/protocol/hash.h"

namespace node {

using msgcapture::Bytes;

Bytes hash160(msgcapture::ByteSpan data) {
    const msgcapture::Uint256 sha = msgcapture::sha256(data);
    Bytes out(20);
    unsigned int n = 0;
    if (EVP_Digest(sha.bytes.data(), sha.bytes.size(), out.data(), &n, EVP_ripemd160(), nullptr) != 1 || n != 20) {
        throw std::runtime_error("RIPEMD160 is not available from OpenSSL");
    }
    return out;
}

std::string KeyFile::address_of(msgcapture::ByteSpan pubkey, const std::string& type, const AddressParams& params) {
    const Bytes key_hash = hash160(pubkey);
    Bytes p2wpkh{0x00, 20};
    p2wpkh.insert(p2wpkh.end(), key_hash.begin(), key_hash.end());
    if (type == "bech32") return *script_address(p2wpkh, params);
    if (type == "legacy") {
        Bytes payload{params.pubkey_prefix};
        payload.insert(payload.end(), key_hash.begin(), key_hash.end());
        return base58check_encode(payload);
    }
    if (type == "p2sh-segwit") {
        const Bytes script_hash = hash160(p2wpkh);
        Bytes payload{params.script_prefix};
        payload.insert(payload.end(), script_hash.begin(), script_hash.end());
        return base58check_encode(payload);
    }
    throw std::invalid_argument("Unknown address type '" + type + "'");
}

std::string KeyFile::new_address(const std::string& type, const std::string& label) {
    if (type != "legacy" && type != "p2sh-segwit" && type != "bech32") {
        throw std::invalid_argument("Unknown address type '" + type + "' (this node makes legacy, p2sh-segwit and bech32 addresses)");
    }
    struct DestroyContext {
        void operator()(secp256k1_context* c) const { secp256k1_context_destroy(c); }
    };
    const std::unique_ptr<secp256k1_context, DestroyContext> ctx(secp256k1_context_create(SECP256K1_CONTEXT_NONE));
    unsigned char secret[32];
    do {
        if (RAND_bytes(secret, sizeof secret) != 1) throw std::runtime_error("no randomness for a new key");
    } while (!secp256k1_ec_seckey_verify(ctx.get(), secret));
    secp256k1_pubkey pubkey;
    if (!secp256k1_ec_pubkey_create(ctx.get(), &pubkey, secret)) throw std::runtime_error("cannot derive the public key");
    unsigned char compressed[33];
    size_t length = sizeof compressed;
    secp256k1_ec_pubkey_serialize(ctx.get(), compressed, &length, &pubkey, SECP256K1_EC_COMPRESSED);
    const std::string address = address_of(msgcapture::ByteSpan(compressed, length), type, params_);

    Bytes wif{params_.secret_prefix};
    wif.insert(wif.end(), secret, secret + sizeof secret);
    wif.push_back(0x01);  // the public key is compressed
    std::string line = address + " " + base58check_encode(wif) + " " + type + " " + label + "\n";
    OPENSSL_cleanse(secret, sizeof secret);

    std::lock_guard lock(mutex_);
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot open " + path_ + ": " + std::strerror(errno));
    const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    ::close(fd);
    OPENSSL_cleanse(line.data(), line.size());
    if (!written) throw std::runtime_error("cannot write " + path_);
    return address;
}

}  // namespace node
