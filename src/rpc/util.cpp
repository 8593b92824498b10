// == Util ==: addresses and descriptors.
#include "chain/address.h"
#include "chain/descriptor.h"
#include "rpc/methods.h"
#include "rpc/tx_json.h"

namespace node {

using nlohmann::json;

std::vector<RpcMethod> util_rpc_methods(RpcContext& ctx) {
    std::vector<RpcMethod> m;
    m.push_back({"validateaddress", "Util", "Says whether an address is valid on this chain, and what it pays to.",
                 {{"address", "string", true, "", "the address"}},
                 "{\n"
                 "  \"isvalid\" : true|false,      (boolean) whether the address is valid\n"
                 "  \"address\" : \"str\",         (string) the address (when valid)\n"
                 "  \"scriptPubKey\" : \"hex\",    (string) the output script (when valid)\n"
                 "  \"isscript\" : true|false,     (boolean) P2SH or P2WSH\n"
                 "  \"iswitness\" : true|false,    (boolean) a segwit address\n"
                 "  \"witness_version\" : n,       (numeric, optional) its witness version\n"
                 "  \"witness_program\" : \"hex\", (string, optional) its witness program\n"
                 "  \"error\" : \"str\"            (string, optional) why it is invalid\n"
                 "}",
                 {json::array({"bcrt1qft5p2uhsdcdc3l2ua4ap5qqfg4pjaqlp250x7us7a8qqhrxrxfsqseac85"})}, [&ctx](const RpcParams& p) -> json {
                     const std::string address = p.get_string(0);
                     std::string why;
                     auto script = address_script(address, ctx.config.params.addresses, why);
                     if (!script) return {{"isvalid", false}, {"error_locations", json::array()}, {"error", why}};
                     const std::string type = script_type(*script);
                     json j = {{"isvalid", true}, {"address", address}, {"scriptPubKey", msgcapture::to_hex(*script)},
                               {"isscript", type == "scripthash" || type == "witness_v0_scripthash"},
                               {"iswitness", type.starts_with("witness")}};
                     if (type.starts_with("witness")) {
                         j["witness_version"] = (*script)[0] == 0 ? 0 : (*script)[0] - 0x50;
                         j["witness_program"] = msgcapture::to_hex(msgcapture::ByteSpan(*script).subspan(2));
                     }
                     return j;
                 }});
    m.push_back({"getdescriptorinfo", "Util", "Analyses a descriptor (this node reads raw() and addr()).",
                 {{"descriptor", "string", true, "", "the descriptor"}},
                 "{\n"
                 "  \"descriptor\" : \"str\",   (string) the descriptor with its checksum\n"
                 "  \"checksum\" : \"str\",     (string) the checksum of the given descriptor\n"
                 "  \"isrange\" : false,        (boolean) false: these descriptors have no range\n"
                 "  \"issolvable\" : false,     (boolean) false: they carry no keys\n"
                 "  \"hasprivatekeys\" : false  (boolean) false\n"
                 "}",
                 {json::array({"raw(51)"})}, [&ctx](const RpcParams& p) -> json {
                     const std::string text = p.get_string(0);
                     std::string why;
                     if (!descriptor_script(text, ctx.config.params.addresses, why)) throw RpcError(RPC_INVALID_ADDRESS_OR_KEY, why);
                     const std::string body = text.substr(0, text.find('#'));
                     const std::string checksum = descriptor_checksum(body);
                     return {{"descriptor", body + "#" + checksum}, {"checksum", checksum}, {"isrange", false},
                             {"issolvable", false}, {"hasprivatekeys", false}};
                 }});
    return m;
}

}  // namespace node
