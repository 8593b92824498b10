#include "chain/block_check.h"

#include "msgcapture/protocol/codec.h"
#include "msgcapture/protocol/hash.h"

namespace node {

using msgcapture::Bytes;
using msgcapture::Uint256;

namespace {

constexpr uint8_t COMMITMENT_HEADER[] = {0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed};  // OP_RETURN, push 36, magic

Uint256 merkle_of(std::vector<Uint256> level, bool* mutated) {
    if (mutated) *mutated = false;
    if (level.empty()) return {};
    while (level.size() > 1) {
        for (size_t i = 0; i + 1 < level.size(); i += 2) {
            if (mutated && level[i] == level[i + 1]) *mutated = true;
        }
        if (level.size() % 2) level.push_back(level.back());
        std::vector<Uint256> next;
        for (size_t i = 0; i < level.size(); i += 2) {
            Bytes pair(level[i].bytes.begin(), level[i].bytes.end());
            pair.insert(pair.end(), level[i + 1].bytes.begin(), level[i + 1].bytes.end());
            next.push_back(msgcapture::sha256d(pair));
        }
        level = std::move(next);
    }
    return level[0];
}

// The last coinbase output that carries a commitment (BIP141 takes the last one).
std::optional<size_t> commitment_output(const msgcapture::Transaction& coinbase) {
    std::optional<size_t> found;
    for (size_t i = 0; i < coinbase.vout.size(); ++i) {
        const Bytes& s = coinbase.vout[i].scriptPubKey;
        if (s.size() >= 38 && std::equal(std::begin(COMMITMENT_HEADER), std::end(COMMITMENT_HEADER), s.begin())) found = i;
    }
    return found;
}

}  // namespace

Uint256 txid(const msgcapture::Transaction& tx) {
    msgcapture::Transaction stripped = tx;  // the txid commits to the transaction without witnesses
    stripped.wit.vtxinwit.clear();
    return msgcapture::sha256d(msgcapture::encode_payload(stripped));
}

Uint256 wtxid(const msgcapture::Transaction& tx) { return msgcapture::sha256d(msgcapture::encode_payload(tx)); }

Uint256 block_merkle_root(const msgcapture::Block& block, bool* mutated) {
    std::vector<Uint256> ids;
    for (const auto& tx : block.vtx) ids.push_back(txid(tx));
    return merkle_of(std::move(ids), mutated);
}

Uint256 witness_merkle_root(const msgcapture::Block& block) {
    std::vector<Uint256> ids;
    for (size_t i = 0; i < block.vtx.size(); ++i) ids.push_back(i == 0 ? Uint256{} : wtxid(block.vtx[i]));  // the coinbase counts as zero
    return merkle_of(std::move(ids), nullptr);
}

Bytes witness_commitment_script(const Uint256& witness_root, const Uint256& nonce) {
    Bytes data(witness_root.bytes.begin(), witness_root.bytes.end());
    data.insert(data.end(), nonce.bytes.begin(), nonce.bytes.end());
    const Uint256 commitment = msgcapture::sha256d(data);
    Bytes script(std::begin(COMMITMENT_HEADER), std::end(COMMITMENT_HEADER));
    script.insert(script.end(), commitment.bytes.begin(), commitment.bytes.end());
    return script;
}

std::optional<std::string> check_block_contents(const msgcapture::Block& block) {
    if (block.vtx.empty()) return "bad-blk-length";
    const auto& coinbase = block.vtx[0];
    // A coinbase spends nothing: one input with a null prevout.
    if (coinbase.vin.size() != 1 || coinbase.vin[0].prevout.n != 0xffffffff || coinbase.vin[0].prevout.hash != Uint256{}) {
        return "bad-cb-missing";
    }
    bool mutated = false;
    if (block_merkle_root(block, &mutated) != block.header.hashMerkleRoot) return "bad-txnmrklroot";
    if (mutated) return "bad-txns-duplicate";
    bool has_witness = false;
    for (const auto& tx : block.vtx) has_witness |= tx.has_witness();
    if (auto out = commitment_output(coinbase)) {
        // BIP141: the coinbase witness is one 32-byte item, the nonce.
        if (coinbase.wit.vtxinwit.size() != 1 || coinbase.wit.vtxinwit[0].scriptWitness.stack.size() != 1 ||
            coinbase.wit.vtxinwit[0].scriptWitness.stack[0].size() != 32) {
            return "bad-witness-nonce-size";
        }
        Uint256 nonce;
        std::copy_n(coinbase.wit.vtxinwit[0].scriptWitness.stack[0].begin(), 32, nonce.bytes.begin());
        const Bytes expected = witness_commitment_script(witness_merkle_root(block), nonce);
        const Bytes& actual = coinbase.vout[*out].scriptPubKey;
        if (!std::equal(expected.begin(), expected.end(), actual.begin())) return "bad-witness-merkle-match";
    } else if (has_witness) {
        return "unexpected-witness";
    }
    return std::nullopt;
}

}  // namespace node
