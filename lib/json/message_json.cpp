#include "msgcapture/json/message_json.h"

#include "msgcapture/protocol/address_text.h"

namespace msgcapture {

void write_json_fields(JsonWriter& w, const BlockHeader& header) {
    write_described_fields(w, header);
    Uint256 hash = header.hash();
    w.key("hash");
    w.reversed_hex(hash.bytes);
    w.key("sha256");
    w.hex(hash.bytes);
}

// Block::fields' JSON (the header's fields inline, then "vtx"), with the
// transactions as the array an entry written in parts is split by: in a
// part, the block holds only the part's transactions (BlockParts).
void write_json_fields(JsonWriter& w, const Block& block) {
    write_json_fields(w, block.header);
    w.key("vtx");
    w.begin_array();
    const bool in_parts = w.part() != nullptr;
    if (in_parts) w.enter_part();
    for (const Transaction& tx : block.vtx) write_json_value(w, tx);
    if (in_parts) w.leave_part();
    w.end_array();
}

void write_json_fields(JsonWriter& w, const HeaderAndShortIDs& cmpct) {
    write_described_fields(w, cmpct);
    w.key("shortids_length");
    w.number(static_cast<uint64_t>(cmpct.shortids.size()));
    w.key("prefilled_txn_length");
    w.number(static_cast<uint64_t>(cmpct.prefilled_txn.size()));
}

namespace {

// Bitcoin Core's CAddress JSON: net, ip, nServices, port, time.
void write_address(JsonWriter& w, uint8_t net, const std::string& ip, uint64_t services, uint16_t port,
                   uint32_t time) {
    w.key("net");
    w.number(static_cast<uint64_t>(net));
    w.key("ip");
    w.string(ip);
    w.key("nServices");
    w.number(services);
    w.key("port");
    w.number(static_cast<uint64_t>(port));
    w.key("time");
    w.number(static_cast<uint64_t>(time));
}

}  // namespace

// The version message's addresses carry no time; Bitcoin Core's parser shows 0.
void write_json_fields(JsonWriter& w, const NetAddress& addr) {
    AddressText text = format_v1_address(addr.ip);
    write_address(w, text.net, text.text, addr.nServices, addr.port, 0);
}

void write_json_fields(JsonWriter& w, const TimedNetAddress& entry) {
    AddressText text = format_v1_address(entry.addr.ip);
    write_address(w, text.net, text.text, entry.addr.nServices, entry.addr.port, entry.time);
}

void write_json_fields(JsonWriter& w, const AddrV2Entry& entry) {
    write_address(w, entry.net, format_bip155_address(entry.net, entry.addr), entry.nServices, entry.port,
                  entry.time);
}

void write_message_body(JsonWriter& w, const MessageScratch& scratch, size_t type_index) {
    scratch.visit(type_index, [&](const auto& message) { write_json_value(w, message); });
}

}  // namespace msgcapture
