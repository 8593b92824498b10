// == Capture ==: setcapture, getcaptureinfo (Bitcoin Core's unfinished
// follow-up to -capturemessages, issue #21079).
#include "rpc/capture_args.h"
#include "rpc/methods.h"

namespace node {

using nlohmann::json;

namespace {

json selection_json(const CaptureSelection& s) {
    json peers = "all", types = "all";
    if (!s.all_peers) {
        peers = json::array();
        for (int64_t id : s.peer_ids) peers.push_back(id);
        for (const auto& a : s.addresses) peers.push_back(a);
    }
    if (!s.all_types) types = json(std::vector<std::string>(s.msgtypes.begin(), s.msgtypes.end()));
    return {{"peers", peers}, {"msgtypes", types}};
}

}  // namespace

std::vector<RpcMethod> capture_rpc_methods(RpcContext& ctx) {
    std::vector<RpcMethod> m;
    m.push_back({"setcapture", "Capture",
                 "Turns message capture on or off while the node runs, for all peers or some, and all message types or some.\n"
                 "It needs no -capturemessages at startup (which means setcapture true). Peers are matched by id, and by\n"
                 "address for those that connect later too. Turning capture off pauses every session; session.json records\n"
                 "each interval in which capture was on, so the parser can tell a gap from silence. After a write error\n"
                 "stopped capture, setcapture true tries again, with a fresh -capturemaxsize budget.",
                 {{"enable", "boolean", true, "", "true to capture, false to stop"},
                  {"peers", "json array", false, "\"all\"", "peer ids (numbers) and addresses (\"1.2.3.4\" or \"1.2.3.4:8333\"), or \"all\""},
                  {"msgtypes", "json array", false, "\"all\"", "message types to capture (\"ping\", \"tx\", ...), or \"all\""}},
                 "{                     (json object) what getcaptureinfo returns now\n  ...\n}",
                 {json::array({true}), json::array({true, json::array({0, "127.0.0.1"}), json::array({"version", "verack"})}),
                  json::array({false})},
                 [&ctx](const RpcParams& p) -> json {
                     const bool enable = p.get_bool(0);
                     CaptureSelection selection = parse_capture_selection(p.has(1) ? p.get(1) : json(), p.has(2) ? p.get(2) : json());
                     ctx.capture.set(enable, std::move(selection));
                     return capture_info_json(ctx.capture.info());
                 }});
    m.push_back({"getcaptureinfo", "Capture", "Returns the state of message capture.", {},
                 "{\n"
                 "  \"enabled\" : true|false,        (boolean) capture is asked for and working\n"
                 "  \"requested\" : true|false,      (boolean) capture is asked for (setcapture true or -capturemessages)\n"
                 "  \"peers\" : \"all\"|[...],         (json) the peers selected\n"
                 "  \"msgtypes\" : \"all\"|[...],      (json) the message types selected\n"
                 "  \"directory\" : \"str\",           (string) where sessions are written\n"
                 "  \"compress\" : true|false,       (boolean) msgs_*.dat.zst (-capturecompress)\n"
                 "  \"bytes_written\" : n,           (numeric) record bytes written since the node started\n"
                 "  \"max_bytes\" : n,               (numeric) -capturemaxsize in bytes (0: no limit)\n"
                 "  \"budget_used\" : n,             (numeric) bytes counted against max_bytes since capture was last turned on\n"
                 "  \"sessions_open\" : n,           (numeric) sessions being recorded\n"
                 "  \"sessions_paused\" : n,         (numeric) sessions open but not recorded now\n"
                 "  \"records_dropped\" : {          (json object) messages capture wanted and could not write, by reason\n"
                 "    \"disabled\" : n, \"rate_limited\" : n, \"session_error\" : n\n"
                 "  },\n"
                 "  \"disabled_reason\" : \"str\"      (string, optional) why capture stopped itself (a write error, the budget)\n"
                 "}",
                 {json::array()}, [&ctx](const RpcParams&) -> json { return capture_info_json(ctx.capture.info()); }});
    return m;
}

json capture_info_json(const CaptureInfo& info) {
    json j = {{"enabled", info.enabled}, {"requested", info.requested}};
    j.update(selection_json(info.selection));
    j.update({{"directory", info.directory}, {"compress", info.compress}, {"bytes_written", info.bytes_written},
              {"max_bytes", info.max_bytes}, {"budget_used", info.budget_used}, {"sessions_open", info.sessions_open},
              {"sessions_paused", info.sessions_paused}, {"records_dropped", info.records_dropped}});
    if (!info.disabled_reason.empty()) j["disabled_reason"] = info.disabled_reason;
    return j;
}

}  // namespace node
