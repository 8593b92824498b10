#pragma once
// Conversions the RPC methods share: hashes in display order, difficulty,
// header objects, service bits.
#include <nlohmann/json.hpp>
#include <string>

#include "chain/header_chain.h"
#include "rpc/rpc_server.h"

namespace node {

// A 64-digit display-order hash argument; RPC_INVALID_PARAMETER otherwise.
msgcapture::Uint256 parse_hash(const std::string& hex, const std::string& name = "hash");
double difficulty(uint32_t bits);
std::string hex32(uint32_t v);
// getblockheader's object (also the start of getblock's).
nlohmann::json header_json(const HeaderChain& chain, const BlockIndex& index);
std::string services_hex(uint64_t services);
// A raw transaction argument in hex; RPC_DESERIALIZATION_ERROR ("TX decode failed") otherwise.
msgcapture::Transaction parse_raw_transaction(const std::string& hex);
// Core's names for the service bits: ["NETWORK", "WITNESS", "NETWORK_LIMITED", ...].
nlohmann::json services_names(uint64_t services);

}  // namespace node
