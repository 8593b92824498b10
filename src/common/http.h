#pragma once
// HTTP/1.1 as the JSON-RPC server and the metrics endpoint need it: a bounded request parser and an
// Asio server that hands each request to a handler and writes its answer.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/thread_pool.hpp>
#include <asio/ip/tcp.hpp>

namespace node {

class HttpSession;

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
    // True once the request line and headers are in, before the body is;
    // pending() then shows them.
    bool headers_done() const { return headers_done_; }
    const HttpRequest& pending() const { return request_; }
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

struct HttpServerOptions {
    size_t threads = 16;      // -rpcthreads: requests handled at once
    size_t work_queue = 64;   // -rpcworkqueue: complete requests waiting for a thread
    std::chrono::seconds timeout{30};  // -rpcservertimeout: for each request to arrive and its reply to go out
    // Open connections; past this the longest-idle one is closed for a new
    // one, so that idle or stalled clients cannot lock everyone else out.
    size_t max_connections = 16 + 64;
};

// The network side runs on one thread; requests are handled on a pool of
// `threads`, so that a slow request never stalls accepting, reading or timeouts.
class HttpServer {
public:
    using Handler = std::function<HttpResponse(const HttpRequest&)>;
    // Decides by the client's address whether to talk to it at all (-rpcallowip).
    using Filter = std::function<bool(const asio::ip::address&)>;
    // Decides from the request line and headers alone, before any body is
    // read, whether the client may send one (credentials).
    using Authorizer = std::function<bool(const HttpRequest&)>;

    HttpServer(Handler handler, Filter filter, Authorizer authorizer, HttpServerOptions options = {});
    ~HttpServer();

    // Binds every endpoint; throws std::runtime_error naming the one that fails.
    // `required` false tolerates endpoints that cannot bind (a missing IPv6 stack).
    void bind(const asio::ip::tcp::endpoint& endpoint, bool required);
    size_t bound_count() const { return acceptors_.size(); }
    uint16_t local_port() const;  // of the first endpoint bound (tests bind port 0)
    void start();
    void stop();

private:
    friend class HttpSession;
    void accept_next(asio::ip::tcp::acceptor& acceptor);
    bool make_room();  // network thread: true when a new connection may stay
    // Network thread: runs the handler on the pool, or answers 503 when the queue is full.
    void dispatch(const std::shared_ptr<HttpSession>& session, HttpRequest request);

    Handler handler_;
    Filter filter_;
    Authorizer authorizer_;
    HttpServerOptions options_;
    asio::io_context io_;
    asio::thread_pool pool_;
    std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> acceptors_;
    std::thread thread_;
    std::map<uint64_t, std::weak_ptr<HttpSession>> sessions_;  // network thread only
    uint64_t next_session_ = 0;
    std::atomic<size_t> queued_{0};  // requests waiting for a pool thread
    bool stopping_ = false;          // network thread only
};

}  // namespace node
