// == Control ==: help, uptime, stop.
#include "common/time.h"
#include "rpc/methods.h"

namespace node {

using nlohmann::json;

std::vector<RpcMethod> control_rpc_methods(RpcContext& ctx) {
    std::vector<RpcMethod> m;
    m.push_back({"help", "Control", "Lists all commands, or gives the help of one.",
                 {{"command", "string", false, "all commands", "the command to explain"}}, "\"text\"    (string) the help text",
                 {json::array(), json::array({"getblock"})}, [&ctx](const RpcParams& p) -> json {
                     return ctx.server ? ctx.server->help(p.has(0) ? p.get_string(0) : "") : "";
                 }});
    m.push_back({"uptime", "Control", "Returns the seconds since the node started.", {}, "n    (numeric) seconds",
                 {json::array()}, [&ctx](const RpcParams&) -> json { return now_seconds() - ctx.start_time; }});
    m.push_back({"stop", "Control", "Requests a clean shutdown of the node.", {}, "\"str\"    (string) a message that the node is stopping",
                 {json::array()}, [&ctx](const RpcParams&) -> json {
                     ctx.shutdown.request();
                     return "msgcapture node stopping";
                 }});
    return m;
}

}  // namespace node
