#pragma once
// Transactions and scripts as Bitcoin Core's RPC shows them (getblock with
// verbosity 2, decoderawtransaction): txid, sizes, inputs, and outputs with
// their script's asm, type, address and descriptor.
#include <nlohmann/json.hpp>

#include "chain/chainparams.h"
#include "msgcapture/protocol/primitives.h"

namespace node {

// Core's asm: opcodes by name, pushes of up to 4 bytes as numbers, longer ones in hex.
std::string script_asm(msgcapture::ByteSpan script);
// Core's output types: pubkeyhash, scripthash, witness_v0_keyhash, witness_v1_taproot, nulldata, ...
std::string script_type(msgcapture::ByteSpan script);
// {"asm", "desc", "hex", "address" (when there is one), "type"}
nlohmann::json script_pubkey_json(msgcapture::ByteSpan script, const AddressParams& params);
nlohmann::json tx_json(const msgcapture::Transaction& tx, const AddressParams& params);
// BIP141 weight: the stripped size times 3 plus the full size.
size_t tx_weight(const msgcapture::Transaction& tx);
// A satoshi amount in BTC.
double btc(int64_t satoshis);

}  // namespace node
