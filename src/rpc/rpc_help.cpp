// Help text in the layout of Bitcoin Core's RPC help, so that what
// `bitcoin-cli help <method>` prints looks as users know it.
#include <algorithm>
#include <sstream>

#include "rpc/rpc_server.h"

namespace node {
namespace {

// How an argument appears in the synopsis: strings quoted, others bare.
std::string synopsis_word(const RpcArg& arg) { return arg.type == "string" ? "\"" + arg.name + "\"" : arg.name; }

// A parameter as it is typed on bitcoin-cli's command line.
std::string cli_word(const nlohmann::json& value) {
    if (value.is_string()) return "\"" + value.get<std::string>() + "\"";
    if (value.is_structured()) return "'" + value.dump() + "'";
    return value.dump();
}

}  // namespace

std::string help_text(const RpcMethod& m) {
    std::ostringstream out;
    out << m.name;
    size_t required = 0;
    while (required < m.args.size() && m.args[required].required) out << " " << synopsis_word(m.args[required++]);
    if (required < m.args.size()) {
        out << " (";
        for (size_t i = required; i < m.args.size(); ++i) out << " " << synopsis_word(m.args[i]);
        out << " )";
    }
    out << "\n\n" << m.description << "\n";
    if (!m.args.empty()) {
        size_t width = 0;
        for (const RpcArg& a : m.args) width = std::max(width, a.name.size());
        out << "\nArguments:\n";
        for (size_t i = 0; i < m.args.size(); ++i) {
            const RpcArg& a = m.args[i];
            out << i + 1 << ". " << a.name << std::string(width - a.name.size() + 4, ' ') << "(" << a.type << ", "
                << (a.required ? "required" : a.fallback.empty() ? "optional" : "optional, default=" + a.fallback) << ") "
                << a.description << "\n";
        }
    }
    out << "\nResult:\n" << m.result << "\n";
    if (!m.examples.empty()) {
        out << "\nExamples:\n";
        for (const auto& params : m.examples) {
            out << "> bitcoin-cli " << m.name;
            for (const auto& p : params) out << " " << cli_word(p);
            out << "\n";
        }
        const auto& params = m.examples.front();
        out << "> curl --user myusername --data-binary '{\"jsonrpc\": \"2.0\", \"id\": \"curltest\", \"method\": \"" << m.name
            << "\", \"params\": " << params.dump() << "}' -H 'content-type: application/json' http://127.0.0.1:8332/\n";
    }
    return out.str();
}

}  // namespace node
