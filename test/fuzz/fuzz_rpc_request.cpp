// Any bytes as HTTP requests to the RPC server: the parser and the JSON-RPC
// handling (authenticated, with a method that echoes its parameters: named
// and positional, missing and surplus) answer or refuse, and never crash.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/http.h"
#include "rpc/rpc_server.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const node::RpcServer server(
        {{"user", "pass"}},
        {{"echo", "Test", "Echoes its parameters.", {{"a", "numeric", true, "", "a number"}, {"b", "string", false, "", "a string"}},
          "[ ... ]", {nlohmann::json::array({1, "x"})}, [](const node::RpcParams& p) -> nlohmann::json {
              nlohmann::json out = nlohmann::json::array();
              if (p.has(0)) out.push_back(p.get_int(0));
              if (p.has(1)) out.push_back(p.get_string(1));
              return out;
          }}});
    node::HttpRequestParser parser;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    while (!input.empty()) {
        auto state = parser.feed(input);
        if (state == node::HttpRequestParser::State::Error) break;
        if (state == node::HttpRequestParser::State::Complete) {
            node::HttpRequest request = parser.take();
            request.headers["authorization"] = "Basic dXNlcjpwYXNz";  // user:pass, so the JSON-RPC layer runs too
            (void)server.handle(request);
        }
    }
    return 0;
}
