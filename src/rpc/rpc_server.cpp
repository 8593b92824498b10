#include "rpc/rpc_server.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <charconv>
#include <tuple>
#include <sstream>

#include "msgcapture/json/json_depth.h"
#include "msgcapture/protocol/bytes.h"

namespace node {

using nlohmann::json;

RpcParams::RpcParams(json positional) : params_(std::move(positional)) {}

const json* RpcParams::at(size_t i) const {
    return i < params_.size() && !params_[i].is_null() ? &params_[i] : nullptr;
}

const json& RpcParams::get(size_t i) const {
    const json* v = at(i);
    if (!v) throw RpcError(RPC_INVALID_PARAMS, "Missing parameter " + std::to_string(i + 1));
    return *v;
}

bool RpcParams::has(size_t i) const { return at(i) != nullptr; }

int64_t RpcParams::get_int(size_t i) const {
    const json* v = at(i);
    if (!v) throw RpcError(RPC_INVALID_PARAMS, "Missing parameter " + std::to_string(i + 1));
    if (v->is_number_integer()) return v->get<int64_t>();
    if (v->is_string()) {
        const std::string s = v->get<std::string>();
        int64_t n = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (ec == std::errc() && p == s.data() + s.size()) return n;
    }
    throw RpcError(RPC_TYPE_ERROR, "JSON value of type " + std::string(v->type_name()) + " is not of expected type number");
}

std::string RpcParams::get_string(size_t i) const {
    const json* v = at(i);
    if (!v) throw RpcError(RPC_INVALID_PARAMS, "Missing parameter " + std::to_string(i + 1));
    if (!v->is_string()) throw RpcError(RPC_TYPE_ERROR, "JSON value of type " + std::string(v->type_name()) + " is not of expected type string");
    return v->get<std::string>();
}

bool RpcParams::get_bool(size_t i) const {
    const json* v = at(i);
    if (!v) throw RpcError(RPC_INVALID_PARAMS, "Missing parameter " + std::to_string(i + 1));
    if (v->is_boolean()) return v->get<bool>();
    if (v->is_string() && (*v == "true" || *v == "false")) return *v == "true";
    throw RpcError(RPC_TYPE_ERROR, "JSON value of type " + std::string(v->type_name()) + " is not of expected type bool");
}

RpcServer::RpcServer(std::map<std::string, std::string> users, std::vector<RpcMethod> methods) : users_(std::move(users)) {
    for (auto& m : methods) {
        methods_[m.name] = std::move(m);
    }
}

bool RpcServer::authorized(const HttpRequest& request) const {
    auto it = request.headers.find("authorization");
    if (it == request.headers.end() || !it->second.starts_with("Basic ")) return false;
    const std::string encoded = it->second.substr(6);
    std::string decoded(encoded.size(), '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                  reinterpret_cast<const unsigned char*>(encoded.data()), static_cast<int>(encoded.size()));
    if (n < 0) return false;
    decoded.resize(static_cast<size_t>(n));
    // EVP_DecodeBlock counts padding as zero bytes.
    for (size_t pad = encoded.size(); pad > 0 && encoded[pad - 1] == '='; --pad) decoded.pop_back();
    const auto colon = decoded.find(':');
    if (colon == std::string::npos) return false;
    const std::string user = decoded.substr(0, colon), password = decoded.substr(colon + 1);
    auto u = users_.find(user);
    if (u == users_.end() || u->second.size() != password.size()) return false;
    return CRYPTO_memcmp(u->second.data(), password.data(), password.size()) == 0;
}

json RpcServer::call(const std::string& method, const json& params) const {
    auto it = methods_.find(method);
    if (it == methods_.end()) throw RpcError(RPC_METHOD_NOT_FOUND, "Method not found");
    const RpcMethod& m = it->second;
    if (!params.is_null() && !params.is_array() && !params.is_object()) {
        throw RpcError(RPC_INVALID_REQUEST, "Params must be an array or object");
    }
    // Named parameters go to their positions; a name the method does not
    // have is an error, as in Core.
    json positional = params.is_array() ? params : json::array();
    if (params.is_object()) {
        for (const auto& item : params.items()) {
            const std::string& name = item.key();
            const json& value = item.value();
            auto arg = std::find_if(m.args.begin(), m.args.end(), [&](const RpcArg& a) { return a.name == name; });
            if (arg == m.args.end()) throw RpcError(RPC_INVALID_PARAMETER, "Unknown named parameter " + name);
            const size_t index = static_cast<size_t>(arg - m.args.begin());
            if (positional.size() <= index) positional.insert(positional.end(), index + 1 - positional.size(), nullptr);
            positional[index] = value;
        }
    }
    // Too many, or a required one missing: the reply is the method's help.
    bool usable = positional.size() <= m.args.size();
    for (size_t i = 0; usable && i < m.args.size(); ++i) {
        if (m.args[i].required && (i >= positional.size() || positional[i].is_null())) usable = false;
    }
    if (!usable) throw RpcError(RPC_MISC_ERROR, help_text(m));
    return m.run(RpcParams(std::move(positional)));
}

json RpcServer::one(const json& request, int& http_status) const {
    json id = nullptr;
    bool v2 = false;
    try {
        if (!request.is_object()) throw RpcError(RPC_INVALID_REQUEST, "Invalid Request object");
        if (request.contains("id")) id = request["id"];
        v2 = request.value("jsonrpc", "") == "2.0";
        if (!request.contains("method") || !request["method"].is_string()) throw RpcError(RPC_INVALID_REQUEST, "Method must be a string");
        json result = call(request["method"].get<std::string>(), request.value("params", json::array()));
        if (v2) return {{"jsonrpc", "2.0"}, {"result", result}, {"id", id}};
        return {{"result", result}, {"error", nullptr}, {"id", id}};
    } catch (const RpcError& e) {
        json error = {{"code", e.code}, {"message", e.what()}};
        if (!v2) http_status = e.code == RPC_METHOD_NOT_FOUND ? 404 : e.code == RPC_INVALID_REQUEST ? 400 : 500;
        if (v2) return {{"jsonrpc", "2.0"}, {"error", error}, {"id", id}};
        return {{"result", nullptr}, {"error", error}, {"id", id}};
    } catch (const std::exception& e) {
        json error = {{"code", RPC_MISC_ERROR}, {"message", e.what()}};
        if (!v2) http_status = 500;
        if (v2) return {{"jsonrpc", "2.0"}, {"error", error}, {"id", id}};
        return {{"result", nullptr}, {"error", error}, {"id", id}};
    }
}

HttpResponse RpcServer::handle(const HttpRequest& request) const {
    if (!authorized(request)) {
        return {401, "", {{"WWW-Authenticate", "Basic realm=\"jsonrpc\""}, {"Content-Type", "text/html"}}};
    }
    if (request.method != "POST") return {405, "JSONRPC server handles only POST requests\n", {{"Content-Type", "text/plain"}}};
    // Nesting is bounded before parsing: the reply echoes "id", and writing
    // JSON recurses once per level.
    // A NUL byte would end nlohmann::json's input early and hide what follows
    // it: such a body is not JSON.
    const bool acceptable = msgcapture::json_depth_within(request.body) && request.body.find('\0') == std::string::npos;
    json parsed = acceptable ? json::parse(request.body, nullptr, false) : json(json::value_t::discarded);
    int status = 200;
    json reply;
    if (parsed.is_discarded()) {
        status = 500;
        reply = {{"result", nullptr}, {"error", {{"code", RPC_PARSE_ERROR}, {"message", "Parse error"}}}, {"id", nullptr}};
    } else if (parsed.is_array()) {
        reply = json::array();
        for (const auto& r : parsed) {
            int ignored = 200;
            reply.push_back(one(r, ignored));
        }
    } else {
        reply = one(parsed, status);
    }
    return {status, reply.dump() + "\n", {{"Content-Type", "application/json"}}};
}

std::string RpcServer::help(const std::string& method) const {
    if (!method.empty()) {
        auto it = methods_.find(method);
        if (it == methods_.end()) return "help: unknown command: " + method;
        return help_text(it->second);
    }
    // By category, then by name, as Core lists them.
    std::vector<const RpcMethod*> sorted;
    for (const auto& [name, m] : methods_) {
        if (!m.hidden) sorted.push_back(&m);
    }
    std::stable_sort(sorted.begin(), sorted.end(), [](const RpcMethod* a, const RpcMethod* b) {
        return std::tie(a->category, a->name) < std::tie(b->category, b->name);
    });
    std::ostringstream out;
    std::string category;
    for (const RpcMethod* m : sorted) {
        if (m->category != category) {
            out << (category.empty() ? "" : "\n") << "== " << m->category << " ==\n";
            category = m->category;
        }
        const std::string text = help_text(*m);
        out << text.substr(0, text.find('\n')) << "\n";
    }
    std::string listing = out.str();
    if (!listing.empty()) listing.pop_back();  // Core's listing has no final newline
    return listing;
}

std::string make_cookie() {
    unsigned char secret[32];
    if (RAND_bytes(secret, sizeof secret) != 1) throw std::runtime_error("no randomness for the RPC cookie");
    return "__cookie__:" + msgcapture::to_hex(msgcapture::ByteSpan(secret, sizeof secret));
}

}  // namespace node
