#pragma once
// Output descriptors (BIP380) for generatetodescriptor: raw(HEX) and
// addr(ADDRESS), with the optional "#checksum" verified. Descriptors with
// keys (pk, pkh, wpkh, tr, ...) are not supported by this node.
#include <optional>
#include <string>

#include "chain/chainparams.h"
#include "msgcapture/protocol/bytes.h"

namespace node {

// The 8-character BIP380 checksum of a descriptor (without its "#..."), or
// "" when it holds a character descriptors cannot contain.
std::string descriptor_checksum(const std::string& descriptor);

// The one output script `descriptor` stands for, or nullopt with `error`.
std::optional<msgcapture::Bytes> descriptor_script(const std::string& descriptor, const AddressParams& params, std::string& error);

}  // namespace node
