#include "rpc/rpc_server.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <sstream>

#include "msgcapture/json/json_depth.h"
#include "msgcapture/protocol/bytes.h"

namespace node {

using nlohmann::json;

RpcParams::RpcParams(const json& params, std::vector<std::string> names) : params_(params), names_(std::move(names)) {
    if (!params_.is_null() && !params_.is_array() && !params_.is_object()) {
        throw RpcError(RPC_INVALID_REQUEST, "Params must be an array or object");
    }
}

const json* RpcParams::at(size_t i) const {
    if (params_.is_array()) return i < params_.size() && !params_[i].is_null() ? &params_[i] : nullptr;
    if (params_.is_object() && i < names_.size()) {
        auto it = params_.find(names_[i]);
        if (it != params_.end() && !it->is_null()) return &*it;
    }
    return nullptr;
}

bool RpcParams::has(size_t i) const { return at(i) != nullptr; }

int64_t RpcParams::get_int(size_t i) const {
    const json* v = at(i);
    if (!v) throw RpcError(RPC_INVALID_PARAMS, "Missing parameter " + (i < names_.size() ? names_[i] : std::to_string(i)));
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
    if (!v) throw RpcError(RPC_INVALID_PARAMS, "Missing parameter " + (i < names_.size() ? names_[i] : std::to_string(i)));
    if (!v->is_string()) throw RpcError(RPC_TYPE_ERROR, "JSON value of type " + std::string(v->type_name()) + " is not of expected type string");
    return v->get<std::string>();
}

bool RpcParams::get_bool(size_t i) const {
    const json* v = at(i);
    if (!v) throw RpcError(RPC_INVALID_PARAMS, "Missing parameter " + (i < names_.size() ? names_[i] : std::to_string(i)));
    if (v->is_boolean()) return v->get<bool>();
    if (v->is_string() && (*v == "true" || *v == "false")) return *v == "true";
    throw RpcError(RPC_TYPE_ERROR, "JSON value of type " + std::string(v->type_name()) + " is not of expected type bool");
}

RpcServer::RpcServer(std::map<std::string, std::string> users, std::vector<RpcMethod> methods) : users_(std::move(users)) {
    for (auto& m : methods) {
        order_.push_back(m.name);
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
    return it->second.run(RpcParams(params, it->second.arg_names));
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
        return it->second.help;
    }
    std::ostringstream out;
    std::string category;
    for (const auto& name : order_) {
        const RpcMethod& m = methods_.at(name);
        if (m.category != category) {
            out << (category.empty() ? "" : "\n") << "== " << m.category << " ==\n";
            category = m.category;
        }
        out << m.help.substr(0, m.help.find('\n')) << "\n";
    }
    return out.str();
}

std::string make_cookie() {
    unsigned char secret[32];
    if (RAND_bytes(secret, sizeof secret) != 1) throw std::runtime_error("no randomness for the RPC cookie");
    return "__cookie__:" + msgcapture::to_hex(msgcapture::ByteSpan(secret, sizeof secret));
}

}  // namespace node
