#pragma once
// One filled-in instance of every known message, with values that exercise
// each field (witnesses, every BIP155 network, multi-byte CompactSizes).
#include <vector>

#include "msgcapture/protocol/message.h"

namespace testsupport {

std::vector<msgcapture::Message> sample_messages();

// A segwit transaction with two inputs, one of them with a witness.
msgcapture::Transaction sample_segwit_tx();
// A transaction without witnesses.
msgcapture::Transaction sample_legacy_tx();
msgcapture::BlockHeader sample_header();
msgcapture::Uint256 filled_hash(uint8_t seed);

}  // namespace testsupport
