#pragma once
// What a header-only node can check about a block without a UTXO set: that its
// transactions are the ones its header commits to (merkle root, no CVE-2012-2459
// duplication), and that its witnesses match the BIP141 commitment.
#include <optional>
#include <string>

#include "msgcapture/protocol/primitives.h"

namespace node {

// The transaction's id without witnesses (txid) and with them (wtxid, BIP141).
msgcapture::Uint256 txid(const msgcapture::Transaction& tx);
msgcapture::Uint256 wtxid(const msgcapture::Transaction& tx);

// The merkle root over txids; `mutated` reports a duplicated last pair at some level.
msgcapture::Uint256 block_merkle_root(const msgcapture::Block& block, bool* mutated = nullptr);
msgcapture::Uint256 witness_merkle_root(const msgcapture::Block& block);

// BIP141: the coinbase output script carrying the witness commitment.
msgcapture::Bytes witness_commitment_script(const msgcapture::Uint256& witness_root, const msgcapture::Uint256& nonce);

// nullopt when the block matches its header; otherwise Bitcoin Core's reject reason.
std::optional<std::string> check_block_contents(const msgcapture::Block& block);

}  // namespace node
