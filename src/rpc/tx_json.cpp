#include "rpc/tx_json.h"

#include <array>

#include "chain/address.h"
#include "chain/block_check.h"
#include "chain/descriptor.h"
#include "msgcapture/protocol/codec.h"
#include "msgcapture/protocol/messages.h"

namespace node {

using nlohmann::json;
using msgcapture::ByteSpan;

namespace {

const char* opcode_name(uint8_t op) {
    static const std::array<const char*, 0xbb - 0x61> NAMES = {
        "OP_NOP", "OP_VER", "OP_IF", "OP_NOTIF", "OP_VERIF", "OP_VERNOTIF", "OP_ELSE", "OP_ENDIF", "OP_VERIFY", "OP_RETURN",
        "OP_TOALTSTACK", "OP_FROMALTSTACK", "OP_2DROP", "OP_2DUP", "OP_3DUP", "OP_2OVER", "OP_2ROT", "OP_2SWAP", "OP_IFDUP",
        "OP_DEPTH", "OP_DROP", "OP_DUP", "OP_NIP", "OP_OVER", "OP_PICK", "OP_ROLL", "OP_ROT", "OP_SWAP", "OP_TUCK", "OP_CAT",
        "OP_SUBSTR", "OP_LEFT", "OP_RIGHT", "OP_SIZE", "OP_INVERT", "OP_AND", "OP_OR", "OP_XOR", "OP_EQUAL", "OP_EQUALVERIFY",
        "OP_RESERVED1", "OP_RESERVED2", "OP_1ADD", "OP_1SUB", "OP_2MUL", "OP_2DIV", "OP_NEGATE", "OP_ABS", "OP_NOT",
        "OP_0NOTEQUAL", "OP_ADD", "OP_SUB", "OP_MUL", "OP_DIV", "OP_MOD", "OP_LSHIFT", "OP_RSHIFT", "OP_BOOLAND", "OP_BOOLOR",
        "OP_NUMEQUAL", "OP_NUMEQUALVERIFY", "OP_NUMNOTEQUAL", "OP_LESSTHAN", "OP_GREATERTHAN", "OP_LESSTHANOREQUAL",
        "OP_GREATERTHANOREQUAL", "OP_MIN", "OP_MAX", "OP_WITHIN", "OP_RIPEMD160", "OP_SHA1", "OP_SHA256", "OP_HASH160",
        "OP_HASH256", "OP_CODESEPARATOR", "OP_CHECKSIG", "OP_CHECKSIGVERIFY", "OP_CHECKMULTISIG", "OP_CHECKMULTISIGVERIFY",
        "OP_NOP1", "OP_CHECKLOCKTIMEVERIFY", "OP_CHECKSEQUENCEVERIFY", "OP_NOP4", "OP_NOP5", "OP_NOP6", "OP_NOP7", "OP_NOP8",
        "OP_NOP9", "OP_NOP10", "OP_CHECKSIGADD"};
    if (op >= 0x61 && op < 0xbb) return NAMES[op - 0x61];
    if (op == 0x50) return "OP_RESERVED";
    return "OP_UNKNOWN";
}

// A script number (little-endian, sign in the top bit), as Core's asm prints short pushes.
int64_t script_num(ByteSpan bytes) {
    if (bytes.empty()) return 0;
    int64_t value = 0;
    for (size_t i = 0; i < bytes.size(); ++i) value |= static_cast<int64_t>(bytes[i]) << (8 * i);
    if (bytes.back() & 0x80) return -(value & ~(static_cast<int64_t>(0x80) << (8 * (bytes.size() - 1))));
    return value;
}

bool is_push_only(ByteSpan s) {
    for (size_t i = 0; i < s.size();) {
        const uint8_t op = s[i++];
        if (op > 0x60) return false;
        size_t n = op < 0x4c ? op : 0;
        const size_t width = op == 0x4c ? 1 : op == 0x4d ? 2 : op == 0x4e ? 4 : 0;
        if (i + width > s.size()) return false;
        for (size_t b = 0; b < width; ++b) n |= static_cast<size_t>(s[i + b]) << (8 * b);
        i += width;
        if (n > s.size() - i) return false;
        i += n;
    }
    return true;
}

}  // namespace

std::string script_asm(ByteSpan s) {
    std::string out;
    for (size_t i = 0; i < s.size();) {
        if (!out.empty()) out += ' ';
        const uint8_t op = s[i++];
        if (op == 0x00) {
            out += "0";
        } else if (op <= 0x4e) {
            size_t n = op < 0x4c ? op : 0;
            const size_t width = op == 0x4c ? 1 : op == 0x4d ? 2 : op == 0x4e ? 4 : 0;
            if (i + width > s.size()) return out + "[error]";
            for (size_t b = 0; b < width; ++b) n |= static_cast<size_t>(s[i + b]) << (8 * b);
            i += width;
            if (n > s.size() - i) return out + "[error]";
            const ByteSpan data = s.subspan(i, n);
            out += n <= 4 ? std::to_string(script_num(data)) : msgcapture::to_hex(data);
            i += n;
        } else if (op == 0x4f) {
            out += "-1";
        } else if (op >= 0x51 && op <= 0x60) {
            out += std::to_string(op - 0x50);
        } else {
            out += opcode_name(op);
        }
    }
    return out;
}

std::string script_type(ByteSpan s) {
    const size_t n = s.size();
    if (n == 25 && s[0] == 0x76 && s[1] == 0xa9 && s[2] == 20 && s[23] == 0x88 && s[24] == 0xac) return "pubkeyhash";
    if (n == 23 && s[0] == 0xa9 && s[1] == 20 && s[22] == 0x87) return "scripthash";
    if ((n == 35 && s[0] == 33) || (n == 67 && s[0] == 65)) {
        if (s[n - 1] == 0xac) return "pubkey";
    }
    if (n == 4 && s[0] == 0x51 && s[1] == 0x02 && s[2] == 0x4e && s[3] == 0x73) return "anchor";
    const bool witness = n >= 4 && n <= 42 && (s[0] == 0x00 || (s[0] >= 0x51 && s[0] <= 0x60)) && s[1] + 2u == n;
    if (witness) {
        if (s[0] == 0x00 && s[1] == 20) return "witness_v0_keyhash";
        if (s[0] == 0x00 && s[1] == 32) return "witness_v0_scripthash";
        if (s[0] == 0x51 && s[1] == 32) return "witness_v1_taproot";
        if (s[0] != 0x00) return "witness_unknown";
    }
    if (n >= 1 && s[0] == 0x6a && is_push_only(s.subspan(1))) return "nulldata";
    if (n >= 3 && s[n - 1] == 0xae && s[0] >= 0x51 && s[0] <= 0x60 && s[n - 2] >= 0x51 && s[n - 2] <= 0x60) return "multisig";
    return "nonstandard";
}

json script_pubkey_json(ByteSpan script, const AddressParams& params) {
    const auto address = script_address(script, params);
    const std::string body = address ? "addr(" + *address + ")" : "raw(" + msgcapture::to_hex(script) + ")";
    json j = {{"asm", script_asm(script)}, {"desc", body + "#" + descriptor_checksum(body)}, {"hex", msgcapture::to_hex(script)}};
    if (address) j["address"] = *address;
    j["type"] = script_type(script);
    return j;
}

size_t tx_weight(const msgcapture::Transaction& tx) {
    msgcapture::Transaction stripped = tx;
    stripped.wit.vtxinwit.clear();
    return msgcapture::encode_payload(msgcapture::MsgTx{stripped}).size() * 3 + msgcapture::encode_payload(msgcapture::MsgTx{tx}).size();
}

double btc(int64_t satoshis) { return static_cast<double>(satoshis) / 1e8; }

json tx_json(const msgcapture::Transaction& tx, const AddressParams& params) {
    const msgcapture::Bytes full = msgcapture::encode_payload(msgcapture::MsgTx{tx});
    const size_t weight = tx_weight(tx);
    json j = {{"txid", txid(tx).display_hex()}, {"hash", wtxid(tx).display_hex()}, {"version", tx.version},
              {"size", full.size()}, {"vsize", (weight + 3) / 4}, {"weight", weight}, {"locktime", tx.nLockTime}};
    const bool coinbase = tx.vin.size() == 1 && tx.vin[0].prevout.n == 0xffffffff && tx.vin[0].prevout.hash == msgcapture::Uint256{};
    json vin = json::array();
    for (size_t i = 0; i < tx.vin.size(); ++i) {
        const auto& in = tx.vin[i];
        json e;
        if (coinbase) {
            e["coinbase"] = msgcapture::to_hex(in.scriptSig);
        } else {
            e["txid"] = in.prevout.hash.display_hex();
            e["vout"] = in.prevout.n;
            e["scriptSig"] = {{"asm", script_asm(in.scriptSig)}, {"hex", msgcapture::to_hex(in.scriptSig)}};
        }
        if (i < tx.wit.vtxinwit.size() && !tx.wit.vtxinwit[i].scriptWitness.stack.empty()) {
            json stack = json::array();
            for (const auto& item : tx.wit.vtxinwit[i].scriptWitness.stack) stack.push_back(msgcapture::to_hex(item));
            e["txinwitness"] = stack;
        }
        e["sequence"] = in.nSequence;
        vin.push_back(e);
    }
    json vout = json::array();
    for (size_t n = 0; n < tx.vout.size(); ++n) {
        vout.push_back({{"value", btc(tx.vout[n].nValue)}, {"n", n}, {"scriptPubKey", script_pubkey_json(tx.vout[n].scriptPubKey, params)}});
    }
    j["vin"] = vin;
    j["vout"] = vout;
    j["hex"] = msgcapture::to_hex(full);
    return j;
}

}  // namespace node
