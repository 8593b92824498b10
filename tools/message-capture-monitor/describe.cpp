#include "describe.h"

#include <cstdio>

#include "msgcapture/json/entry_json.h"
#include "msgcapture/json/json_writer.h"
#include "msgcapture/output_buffer.h"

namespace monitor {
namespace {

using json = nlohmann::ordered_json;

std::string short_hash(const json& hash) {
    if (!hash.is_string()) return "?";
    const std::string h = hash.get<std::string>();
    return h.size() > 16 ? h.substr(0, 16) + ".." : h;
}

// Inventory types (BIP 144's witness flag included), by their protocol names.
std::string inv_type(uint32_t type) {
    const bool witness = type & 0x40000000;
    std::string name;
    switch (type & ~0x40000000u) {
        case 1: name = "TX"; break;
        case 2: name = "BLOCK"; break;
        case 3: name = "FILTERED_BLOCK"; break;
        case 4: name = "CMPCT_BLOCK"; break;
        case 5: name = "WTX"; break;
        default: return "type " + std::to_string(type);
    }
    return std::string(witness ? "WITNESS_" : "") + name;
}

// The annotation's display-order hash at `path`, else the body's.
json display_hash(json& entry, const std::string& path, const json& fallback) {
    if (entry.contains("annotation") && entry["annotation"].contains("hashes") && entry["annotation"]["hashes"].contains(path)) {
        return entry["annotation"]["hashes"][path];
    }
    return fallback;
}

std::string inventory(json& entry, json& list, const std::string& key) {
    std::string out = std::to_string(list.size()) + (list.size() == 1 ? " item" : " items");
    for (size_t i = 0; i < list.size() && i < 3; ++i) {
        const std::string path = key + "[" + std::to_string(i) + "].hash";
        out += (i == 0 ? ": " : ", ") + inv_type(list[i].value("type", 0u)) + " " + short_hash(display_hash(entry, path, list[i]["hash"]));
    }
    if (list.size() > 3) out += ", ...";
    return out;
}

std::string count(size_t n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

// The first few plain fields, for messages without a rule of their own.
std::string generic(const json& body) {
    std::string out;
    int shown = 0;
    for (const auto& [key, value] : body.items()) {
        if (shown == 4) break;
        std::string text;
        if (value.is_array()) text = std::to_string(value.size()) + " items";
        else if (value.is_string()) text = value.get<std::string>().size() == 64 ? short_hash(value) : value.get<std::string>().substr(0, 24);
        else if (value.is_primitive()) text = value.dump();
        else continue;
        out += (out.empty() ? "" : " ") + key + "=" + text;
        ++shown;
    }
    return out;
}

// Non-const throughout: a missing key reads as null (which the type checks
// turn into an exception), never as undefined behaviour.
std::string describe(json& entry) {
    if (entry.contains("error")) return entry["error"].get<std::string>();
    if (!entry.contains("body")) return "";
    const std::string type = entry["msgtype"];
    json& b = entry["body"];
    if (type == "version") {
        return "v" + std::to_string(b.value("nVersion", 0)) + " " + b.value("strSubVer", "") + " height " +
               std::to_string(b.value("nStartingHeight", 0)) + " services " + std::to_string(b.value("nServices", 0ull)) +
               (b.contains("relay") ? " relay " + b["relay"].dump() : "");
    }
    if (type == "ping" || type == "pong") return "nonce " + b["nonce"].dump();
    if (type == "inv" || type == "getdata") return inventory(entry, b["inv"], "inv");
    if (type == "notfound") return inventory(entry, b["vec"], "vec");
    if (type == "headers") {
        json& h = b["headers"];
        return count(h.size(), "header", "headers") + (h.empty() ? "" : ", last " + short_hash(h.back()["hash"]));
    }
    if (type == "block") {
        json& blk = b["block"];
        return short_hash(blk["hash"]) + ", " + count(blk["vtx"].size(), "transaction", "transactions");
    }
    if (type == "tx") {
        json& tx = b["tx"];
        std::string txid = entry.contains("annotation") ? short_hash(entry["annotation"]["hashes"].value("tx.txid", json())) : "?";
        return "txid " + txid + ", " + count(tx["vin"].size(), "input", "inputs") + ", " + count(tx["vout"].size(), "output", "outputs");
    }
    if (type == "addr" || type == "addrv2") {
        json& a = b["addrs"];
        return count(a.size(), "address", "addresses") + (a.empty() ? "" : ": " + a[0]["ip"].get<std::string>() + (a.size() > 1 ? ", ..." : ""));
    }
    if (type == "getheaders" || type == "getblocks") {
        return "locator " + std::to_string(b["locator"]["vHave"].size()) + ", stop " + short_hash(b["hashstop"]);
    }
    if (type == "feefilter") return "feerate " + b["feerate"].dump() + " sat/kvB";
    if (type == "sendcmpct") return "announce " + b["announce"].dump() + ", version " + b["version"].dump();
    if (type == "cmpctblock") {
        json& c = b["header_and_shortids"];
        return short_hash(c["header"]["hash"]) + ", " + count(c["shortids"].size(), "short id", "short ids") + ", " +
               std::to_string(c["prefilledtxn"].size()) + " prefilled";
    }
    if (type == "merkleblock") {
        json& mb = b["merkleblock"];
        return short_hash(mb["header"]["hash"]) + ", " + std::to_string(mb["txn"]["nTransactions"].get<uint64_t>()) + " transactions in the block";
    }
    if (type == "getblocktxn") {
        json& r = b["block_txn_request"];
        return short_hash(display_hash(entry, "block_txn_request.blockhash", r["blockhash"])) + ", " + count(r["indexes"].size(), "index", "indexes");
    }
    if (type == "blocktxn") {
        json& t = b["block_transactions"];
        return short_hash(display_hash(entry, "block_transactions.blockhash", t["blockhash"])) + ", " + count(t["transactions"].size(), "transaction", "transactions");
    }
    return b.is_object() ? generic(b) : "";
}

}  // namespace

nlohmann::ordered_json entry_json(const Message& m) {
    if (!m.payload) return nullptr;
    msgcapture::Record record;
    record.header = m.header;
    record.status = m.status;
    record.payload = msgcapture::ByteSpan(*m.payload);
    msgcapture::OutputBuffer out;
    msgcapture::JsonWriter w(out);
    msgcapture::MessageScratch scratch;
    msgcapture::write_entry(w, record, m.direction, scratch, m.file ? msgcapture::peer_label_json(*m.file) : std::string(), m.file);
    return json::parse(out.view(), nullptr, false);
}

std::string summary_line(const Message& m, size_t width) {
    std::string text;
    if (!m.payload) {
        text = "(payload no longer held: over the monitor's memory budget)";
    } else {
        json entry = entry_json(m);
        try {
            text = entry.is_discarded() ? "?" : describe(entry);
        } catch (const nlohmann::json::exception&) {
            text = "?";
        }
    }
    // Plain ASCII throughout, so that any terminal and locale shows it.
    if (text.size() > width) text = text.substr(0, width > 2 ? width - 2 : 0) + "..";
    return text;
}

std::string short_connection_type(const std::string& type) {
    if (type == "inbound") return "in";
    if (type == "outbound-full-relay") return "full";
    if (type == "block-relay-only") return "block";
    if (type == "addr-fetch") return "addr";
    return type;
}

std::string human_bytes(uint64_t bytes) {
    const char* units[] = {"B", "K", "M", "G", "T"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1000 && unit < 4) {
        value /= 1000;
        ++unit;
    }
    char text[16];
    if (unit == 0) std::snprintf(text, sizeof text, "%llu", static_cast<unsigned long long>(bytes));
    else std::snprintf(text, sizeof text, value < 10 ? "%.1f%s" : "%.0f%s", value, units[unit]);
    return text;
}

}  // namespace monitor
