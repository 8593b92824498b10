// == Network ==: connections, peers and traffic.
#include <asio/ip/address.hpp>

#include "common/time.h"
#include "net/netaddress.h"
#include "rpc/methods.h"
#include "rpc/rpc_util.h"

namespace node {

using nlohmann::json;

namespace {

// Bitcoin Core reports this version so that bitcoin-cli (-netinfo needs at
// least 209900) treats the node as the release whose RPC interface it
// follows; our own name and version are in `subversion`.
constexpr int RPC_INTERFACE_VERSION = 290000;

// Core's network names: loopback, private and link-local addresses are "not_publicly_routable".
std::string network_of(const std::string& address_port) {
    const auto endpoint = parse_ip_endpoint(address_port, 0);
    if (!endpoint || !is_usable_address(endpoint->address(), /*allow_local=*/false)) return "not_publicly_routable";
    const auto ip = endpoint->address();
    return ip.is_v4() || (ip.is_v6() && ip.to_v6().is_v4_mapped()) ? "ipv4" : "ipv6";
}

}  // namespace

std::vector<RpcMethod> network_rpc_methods(RpcContext& ctx) {
    std::vector<RpcMethod> m;
    m.push_back({"getconnectioncount", "Network", "Returns the number of connections to other nodes.", {},
                 "n    (numeric) the connection count", {json::array()},
                 [&ctx](const RpcParams&) -> json { return ctx.connman.connection_count(); }});
    m.push_back({"getnetworkinfo", "Network", "Returns an object with the node's P2P networking state.", {},
                 "{\n"
                 "  \"version\" : n,                 (numeric) 290000: the Bitcoin Core version whose RPC interface this node follows\n"
                 "  \"subversion\" : \"str\",        (string) this node's user agent, with its own name and version\n"
                 "  \"protocolversion\" : n,         (numeric) the P2P protocol version\n"
                 "  \"localservices\" : \"hex\",     (string) the services offered to peers\n"
                 "  \"localservicesnames\" : [ ... ], (json array) the same, by name\n"
                 "  \"localrelay\" : true,           (boolean) transactions are relayed\n"
                 "  \"timeoffset\" : n,              (numeric) 0: the node does not adjust its clock\n"
                 "  \"networkactive\" : true,        (boolean) P2P networking is on\n"
                 "  \"connections\" : n,             (numeric) connections\n"
                 "  \"connections_in\" : n,          (numeric) inbound connections\n"
                 "  \"connections_out\" : n,         (numeric) outbound connections\n"
                 "  \"networks\" : [                 (json array) per network\n"
                 "    {\n"
                 "      \"name\" : \"str\",          (string) ipv4, ipv6, onion, i2p, cjdns\n"
                 "      \"limited\" : true|false,    (boolean) the node does not connect over it\n"
                 "      \"reachable\" : true|false,  (boolean) the node connects over it\n"
                 "      \"proxy\" : \"str\",         (string) \"\": the node uses no proxy\n"
                 "      \"proxy_randomize_credentials\" : false (boolean)\n"
                 "    },\n"
                 "    ...\n"
                 "  ],\n"
                 "  \"relayfee\" : n,                (numeric) the minimum relay fee, BTC/kvB\n"
                 "  \"incrementalfee\" : n,          (numeric) BTC/kvB\n"
                 "  \"localaddresses\" : [ ... ],    (json array) {address, port, score} the node listens on and tells peers\n"
                 "  \"warnings\" : [ \"str\", ... ]  (json array) warnings\n"
                 "}",
                 {json::array()}, [&ctx](const RpcParams&) -> json {
                     int in = 0, out = 0;
                     for (const auto& p : ctx.connman.peers()) (p->inbound() ? in : out)++;
                     uint64_t services;
                     {
                         std::lock_guard lock(ctx.chain.mutex);
                         services = ctx.chain.local_services();
                     }
                     json networks = json::array();
                     for (const char* name : {"ipv4", "ipv6", "onion", "i2p", "cjdns"}) {
                         const bool reachable = std::string(name) == "ipv4" || std::string(name) == "ipv6";
                         networks.push_back({{"name", name}, {"limited", !reachable}, {"reachable", reachable}, {"proxy", ""},
                                             {"proxy_randomize_credentials", false}});
                     }
                     json local = json::array();
                     if (ctx.config.listen) {
                         for (const auto& endpoint : ctx.connman.listening_on()) {
                             const auto parsed = parse_ip_endpoint(endpoint, 0);
                             if (!parsed || !is_usable_address(parsed->address(), ctx.config.params.local_network)) continue;
                             local.push_back({{"address", parsed->address().to_string()}, {"port", parsed->port()}, {"score", 1}});
                         }
                     }
                     return {{"version", RPC_INTERFACE_VERSION}, {"subversion", USER_AGENT}, {"protocolversion", PROTOCOL_VERSION},
                             {"localservices", services_hex(services)}, {"localservicesnames", services_names(services)},
                             {"localrelay", true}, {"timeoffset", 0}, {"networkactive", true}, {"connections", in + out},
                             {"connections_in", in}, {"connections_out", out}, {"networks", networks}, {"relayfee", 0.00001},
                             {"incrementalfee", 0.00001}, {"localaddresses", local}, {"warnings", json::array()}};
                 }});
    m.push_back({"getpeerinfo", "Network", "Returns data about each connected peer as an array of objects.", {},
                 "[\n"
                 "  {\n"
                 "    \"id\" : n,                       (numeric) peer index\n"
                 "    \"addr\" : \"host:port\",         (string) the peer's address\n"
                 "    \"addrbind\" : \"ip:port\",       (string) our end of the connection\n"
                 "    \"network\" : \"str\",            (string) ipv4, ipv6, or not_publicly_routable (loopback, private)\n"
                 "    \"services\" : \"hex\",           (string) the services the peer offers\n"
                 "    \"servicesnames\" : [ ... ],      (json array) the same, by name\n"
                 "    \"relaytxes\" : true|false,       (boolean) the peer asked for transaction relay\n"
                 "    \"lastsend\" : xxx,               (numeric) last send, UNIX epoch seconds\n"
                 "    \"lastrecv\" : xxx,               (numeric) last receive, UNIX epoch seconds\n"
                 "    \"last_transaction\" : xxx,       (numeric) last new transaction from the peer (0: none)\n"
                 "    \"last_block\" : xxx,             (numeric) last new block from the peer (0: none)\n"
                 "    \"bytessent\" : n,                (numeric) bytes sent\n"
                 "    \"bytesrecv\" : n,                (numeric) bytes received\n"
                 "    \"conntime\" : xxx,               (numeric) connection time, UNIX epoch seconds\n"
                 "    \"timeoffset\" : n,               (numeric) 0: not measured\n"
                 "    \"pingtime\" : n,                 (numeric, optional) last ping round trip, seconds\n"
                 "    \"minping\" : n,                  (numeric, optional) lowest ping round trip, seconds\n"
                 "    \"version\" : n,                  (numeric) the peer's protocol version\n"
                 "    \"subver\" : \"str\",             (string) the peer's user agent\n"
                 "    \"inbound\" : true|false,         (boolean) the peer connected to us\n"
                 "    \"bip152_hb_to\" : false,         (boolean) false: the node does not do compact block relay\n"
                 "    \"bip152_hb_from\" : false,       (boolean) false\n"
                 "    \"startingheight\" : n,           (numeric) the peer's height when it connected\n"
                 "    \"synced_headers\" : n,           (numeric) the last header we have in common (-1: none yet)\n"
                 "    \"addr_relay_enabled\" : true|false, (boolean) we exchange addresses with the peer\n"
                 "    \"addr_processed\" : n,           (numeric) addresses received from the peer\n"
                 "    \"addr_rate_limited\" : 0,        (numeric) 0: the node does not rate-limit addresses\n"
                 "    \"permissions\" : [],             (json array) none: the node has no -whitelist\n"
                 "    \"minfeefilter\" : n,             (numeric) the peer's feefilter, BTC/kvB\n"
                 "    \"bytessent_per_msg\" : {...},    (json object) bytes sent by message type\n"
                 "    \"bytesrecv_per_msg\" : {...},    (json object) bytes received by message type\n"
                 "    \"connection_type\" : \"str\",    (string) outbound-full-relay, block-relay-only, manual, addr-fetch, feeler, inbound\n"
                 "    \"transport_protocol_type\" : \"v1\", (string) v1: the node speaks only the unencrypted transport\n"
                 "    \"session_id\" : \"\"             (string) empty (v2 transport only)\n"
                 "  },\n"
                 "  ...\n"
                 "]",
                 {json::array()}, [&ctx](const RpcParams&) -> json {
                     json out = json::array();
                     for (const PeerStats& s : ctx.peers.stats()) {
                         const auto per_msg = ctx.counters.of(s.id);
                         json j = {{"id", s.id}, {"addr", s.address}, {"addrbind", s.local_address}, {"network", network_of(s.address)},
                                   {"services", services_hex(s.services)}, {"servicesnames", services_names(s.services)},
                                   {"relaytxes", s.relay}, {"lastsend", s.last_send}, {"lastrecv", s.last_recv},
                                   {"last_transaction", s.last_transaction}, {"last_block", s.last_block},
                                   {"bytessent", s.bytes_sent}, {"bytesrecv", s.bytes_received}, {"conntime", s.connected_time},
                                   {"timeoffset", 0}};
                         if (s.ping_time) j["pingtime"] = *s.ping_time;
                         if (s.min_ping) j["minping"] = *s.min_ping;
                         j.update({{"version", s.version}, {"subver", s.user_agent}, {"inbound", s.inbound},
                                   {"bip152_hb_to", false}, {"bip152_hb_from", false}, {"startingheight", s.starting_height},
                                   {"synced_headers", s.synced_headers}, {"addr_relay_enabled", s.connection_type != "block-relay-only"},
                                   {"addr_processed", s.addr_processed}, {"addr_rate_limited", 0}, {"permissions", json::array()},
                                   {"minfeefilter", static_cast<double>(s.fee_filter) / 1e8}, {"bytessent_per_msg", per_msg.sent},
                                   {"bytesrecv_per_msg", per_msg.received}, {"connection_type", s.connection_type},
                                   {"transport_protocol_type", "v1"}, {"session_id", ""}});
                         out.push_back(j);
                     }
                     return out;
                 }});
    m.push_back({"getnettotals", "Network", "Returns the bytes sent and received over all connections since the node started.", {},
                 "{\n"
                 "  \"totalbytesrecv\" : n,   (numeric) bytes received\n"
                 "  \"totalbytessent\" : n,   (numeric) bytes sent\n"
                 "  \"timemillis\" : xxx,     (numeric) the current time, UNIX epoch milliseconds\n"
                 "  \"uploadtarget\" : {      (json object) the node has no -maxuploadtarget:\n"
                 "    \"timeframe\" : n,      (numeric) 86400\n"
                 "    \"target\" : 0,         (numeric) 0: no target\n"
                 "    \"target_reached\" : false,\n"
                 "    \"serve_historical_blocks\" : true,\n"
                 "    \"bytes_left_in_cycle\" : 0,\n"
                 "    \"time_left_in_cycle\" : 0\n"
                 "  }\n"
                 "}",
                 {json::array()}, [&ctx](const RpcParams&) -> json {
                     return {{"totalbytesrecv", ctx.connman.total_received()}, {"totalbytessent", ctx.connman.total_sent()},
                             {"timemillis", now_micros() / 1000},
                             {"uploadtarget", {{"timeframe", 86400}, {"target", 0}, {"target_reached", false},
                                               {"serve_historical_blocks", true}, {"bytes_left_in_cycle", 0}, {"time_left_in_cycle", 0}}}};
                 }});
    m.push_back({"addnode", "Network",
                 "Adds a node to the list the node keeps connected, removes one, or connects to one once.",
                 {{"node", "string", true, "", "the node's address, host:port"},
                  {"command", "string", true, "", "'add' to keep a connection to it, 'remove' to stop that, 'onetry' to connect once"}},
                 "null    (json null)", {json::array({"192.168.0.6:8333", "onetry"})}, [&ctx](const RpcParams& p) -> json {
                     const std::string target = p.get_string(0), command = p.get_string(1);
                     if (command == "onetry") {
                         ctx.connman.connect(target, ConnectionType::Manual);
                     } else if (command == "add") {
                         ctx.policy.add_node(target);
                     } else if (command == "remove") {
                         ctx.policy.remove_node(target);
                     } else {
                         throw RpcError(RPC_INVALID_PARAMETER, "command must be one of add, remove, onetry");
                     }
                     return nullptr;
                 }});
    m.push_back({"disconnectnode", "Network",
                 "Disconnects a peer, by address or by id (exactly one of the two; an empty address with an id).",
                 {{"address", "string", false, "fallback to nodeid", "the peer's address"},
                  {"nodeid", "numeric", false, "fallback to address", "the peer's id (see getpeerinfo)"}},
                 "null    (json null)", {json::array({"192.168.0.6:8333"}), json::array({"", 1})}, [&ctx](const RpcParams& p) -> json {
                     const bool by_address = p.has(0) && !p.get_string(0).empty();
                     if (by_address == p.has(1)) throw RpcError(RPC_INVALID_PARAMS, "Only one of address and nodeid should be provided.");
                     for (const auto& peer : ctx.connman.peers()) {
                         if (by_address ? peer->address == p.get_string(0) : peer->id == p.get_int(1)) {
                             ctx.connman.disconnect(peer, "disconnectnode");
                             return nullptr;
                         }
                     }
                     throw RpcError(RPC_CLIENT_NODE_NOT_CONNECTED, "Node not found in connected nodes");
                 }});
    m.push_back({"ping", "Network", "Sends a ping to every peer; getpeerinfo shows the round trip in pingtime.", {},
                 "null    (json null)", {json::array()}, [&ctx](const RpcParams&) -> json {
                     ctx.peers.ping_all();
                     return nullptr;
                 }});
    return m;
}

}  // namespace node
