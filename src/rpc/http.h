#pragma once
// HTTP/1.1 as the JSON-RPC server needs it: a bounded request parser and an
// Asio server that hands each request to a handler and writes its answer.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>

namespace node {

struct HttpRequest {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;  // names in lowercase
    std::string body;
    bool keep_alive = true;
    std::string peer_address;  // filled in by the server
};

struct HttpResponse {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

// Incremental parser: feed bytes until a request is complete.
class HttpRequestParser {
public:
    static constexpr size_t MAX_HEADER_BYTES = 16 * 1024;
    static constexpr size_t MAX_BODY_BYTES = 16 * 1024 * 1024;

    enum class State { NeedMore, Complete, Error };
    // Consumes from `data` (advancing it); on Complete, take() returns the request.
    State feed(std::string_view& data);
    HttpRequest take();
    const std::string& error() const { return error_; }  // after Error
    int error_status() const { return error_status_; }

private:
    State fail(int status, std::string why);
    std::string buffer_;
    bool headers_done_ = false;
    size_t content_length_ = 0;
    HttpRequest request_;
    std::string error_;
    int error_status_ = 400;
};

std::string serialize_response(const HttpResponse& response, bool keep_alive);

class HttpServer {
public:
    using Handler = std::function<HttpResponse(const HttpRequest&)>;
    // Decides by the client's address whether to talk to it at all (-rpcallowip).
    using Filter = std::function<bool(const asio::ip::address&)>;

    HttpServer(Handler handler, Filter filter);
    ~HttpServer();

    // Binds every endpoint; throws std::runtime_error naming the one that fails.
    // `required` false tolerates endpoints that cannot bind (a missing IPv6 stack).
    void bind(const asio::ip::tcp::endpoint& endpoint, bool required);
    size_t bound_count() const { return acceptors_.size(); }
    void start();
    void stop();

private:
    void accept_next(asio::ip::tcp::acceptor& acceptor);

    Handler handler_;
    Filter filter_;
    asio::io_context io_;
    std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> acceptors_;
    std::thread thread_;
};

}  // namespace node
