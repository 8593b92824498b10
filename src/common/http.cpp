#include "common/http.h"

#include <algorithm>
#include <charconv>
#include <future>

#include <asio/ip/v6_only.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include "common/logging.h"

namespace node {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return std::string(s);
}

const char* reason_phrase(int status) {
    switch (status) {
        case 200: return "OK";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 413: return "Payload Too Large";
        case 500: return "Internal Server Error";
        case 503: return "Service Unavailable";
    }
    return "Error";
}

}  // namespace

HttpRequestParser::State HttpRequestParser::fail(int status, std::string why) {
    error_status_ = status;
    error_ = std::move(why);
    return State::Error;
}

HttpRequestParser::State HttpRequestParser::feed(std::string_view& data) {
    if (!headers_done_) {
        const size_t before = buffer_.size();
        buffer_.append(data.substr(0, MAX_HEADER_BYTES + 4 - std::min(before, MAX_HEADER_BYTES + 4)));
        const size_t end = buffer_.find("\r\n\r\n");
        if (end == std::string::npos) {
            data.remove_prefix(data.size());
            if (buffer_.size() > MAX_HEADER_BYTES) return fail(413, "request headers too large");
            return State::NeedMore;
        }
        // Give back the bytes past the header to the body.
        const size_t used = end + 4 - before;
        data.remove_prefix(std::min(used, data.size()));
        std::string head = buffer_.substr(0, end);
        buffer_.clear();

        size_t line_end = head.find("\r\n");
        const std::string request_line = head.substr(0, line_end);
        const auto sp1 = request_line.find(' ');
        const auto sp2 = request_line.rfind(' ');
        if (sp1 == std::string::npos || sp2 == sp1) return fail(400, "malformed request line");
        request_.method = request_line.substr(0, sp1);
        request_.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
        const std::string version = request_line.substr(sp2 + 1);
        if (!version.starts_with("HTTP/1.")) return fail(400, "unsupported HTTP version");
        request_.keep_alive = version != "HTTP/1.0";
        while (line_end != std::string::npos) {
            const size_t start = line_end + 2;
            line_end = head.find("\r\n", start);
            const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
            const auto colon = line.find(':');
            if (colon == std::string::npos) return fail(400, "malformed header line");
            request_.headers[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
        }
        if (auto it = request_.headers.find("connection"); it != request_.headers.end()) {
            const std::string c = lower(it->second);
            if (c == "close") request_.keep_alive = false;
            if (c == "keep-alive") request_.keep_alive = true;
        }
        if (request_.headers.count("transfer-encoding")) return fail(400, "chunked requests are not supported");
        if (auto it = request_.headers.find("content-length"); it != request_.headers.end()) {
            const std::string& v = it->second;
            uint64_t n = 0;
            auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc() || p != v.data() + v.size()) return fail(400, "bad Content-Length");
            if (n > MAX_BODY_BYTES) return fail(413, "request body too large");
            content_length_ = static_cast<size_t>(n);
        }
        headers_done_ = true;
    }
    const size_t take = std::min(content_length_ - request_.body.size(), data.size());
    request_.body.append(data.substr(0, take));
    data.remove_prefix(take);
    return request_.body.size() == content_length_ ? State::Complete : State::NeedMore;
}

HttpRequest HttpRequestParser::take() {
    HttpRequest out = std::move(request_);
    request_ = {};
    headers_done_ = false;
    content_length_ = 0;
    return out;
}

std::string serialize_response(const HttpResponse& response, bool keep_alive) {
    std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " + reason_phrase(response.status) + "\r\n";
    for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
    out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
    out += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    out += "\r\n";
    out += response.body;
    return out;
}

// One client connection, on the server's network thread. Every wait (for a
// request, for its body, for the reply to be taken) runs under the server's
// timeout; a request is handed to the pool only once it is complete and, from
// its headers, authorized.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
public:
    HttpSession(asio::ip::tcp::socket socket, HttpServer& server, uint64_t id)
        : socket_(std::move(socket)), server_(server), id_(id), timer_(socket_.get_executor()) {}

    void start() {
        arm_timer();
        read();
    }

    // Not handling a request, only waiting on the client.
    bool idle() const { return !busy_ && !closed_; }
    // May be closed for a newcomer: idle, and with no request arrived unread.
    // In a flood of new connections the accepts ran before a new client's
    // first read, and closed it, request and all, for the next one.
    bool evictable() const {
        asio::error_code ec;
        return idle() && socket_.available(ec) == 0 && !ec;
    }
    std::chrono::steady_clock::time_point last_activity() const { return last_activity_; }

    void close() {
        if (closed_) return;
        closed_ = true;
        asio::error_code ignored;
        timer_.cancel();
        socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
        server_.sessions_.erase(id_);
    }

    // From the pool, back on the network thread.
    void respond(const HttpResponse& response, bool keep_alive, std::string leftover) {
        if (closed_) return;
        auto out = std::make_shared<std::string>(serialize_response(response, keep_alive));
        arm_timer();
        asio::async_write(socket_, asio::buffer(*out), [self = shared_from_this(), out, keep_alive, leftover = std::move(leftover)](asio::error_code ec, size_t) {
            self->busy_ = false;
            self->last_activity_ = std::chrono::steady_clock::now();
            if (ec || !keep_alive || self->server_.stopping_) return self->close();
            self->arm_timer();  // the next request has the whole timeout, from now
            self->consume(leftover);
        });
    }

private:
    // One deadline per wait: for the whole of a request (a client that sends a
    // byte now and then gains nothing), and for the whole of a reply.
    void arm_timer() {
        timer_.expires_after(server_.options_.timeout);
        timer_.async_wait([self = shared_from_this()](asio::error_code ec) {
            if (!ec) self->close();  // cancelled otherwise: the wait ended in time
        });
    }

    void read() {
        if (closed_) return;
        socket_.async_read_some(asio::buffer(buffer_), [self = shared_from_this()](asio::error_code ec, size_t n) {
            if (ec) return self->close();
            self->last_activity_ = std::chrono::steady_clock::now();
            self->consume(std::string_view(self->buffer_.data(), n));
        });
    }

    void consume(std::string_view data) {
        if (closed_) return;
        if (server_.stopping_) return close();
        auto state = parser_.feed(data);
        if (state == HttpRequestParser::State::Error) {
            busy_ = true;
            return respond({parser_.error_status(), parser_.error() + "\n", {{"Content-Type", "text/plain"}}}, false, {});
        }
        if (parser_.headers_done() && !authorized_) {
            // Credentials are checked before any body is read, so that a
            // client without them holds no more than its headers.
            if (!server_.authorizer_(parser_.pending())) return refuse_unauthorized();
            authorized_ = true;
        }
        if (state == HttpRequestParser::State::NeedMore) return read();
        HttpRequest request = parser_.take();
        authorized_ = false;
        asio::error_code ec;
        request.peer_address = socket_.remote_endpoint(ec).address().to_string();
        busy_ = true;
        timer_.cancel();  // the handler's time is not the client's
        // One request at a time per connection: the rest of the bytes wait.
        leftover_.assign(data);
        server_.dispatch(shared_from_this(), std::move(request));
    }

    // Bitcoin Core answers a wrong password after a pause (250 ms), to slow
    // guessing; here the pause holds no thread.
    void refuse_unauthorized() {
        busy_ = true;
        timer_.cancel();
        auto delay = std::make_shared<asio::steady_timer>(socket_.get_executor(), std::chrono::milliseconds(250));
        delay->async_wait([self = shared_from_this(), delay](asio::error_code) {
            self->respond({401, "", {{"WWW-Authenticate", "Basic realm=\"jsonrpc\""}, {"Content-Type", "text/html"}}}, false, {});
        });
    }

    friend class HttpServer;
    asio::ip::tcp::socket socket_;
    HttpServer& server_;
    const uint64_t id_;
    asio::steady_timer timer_;
    HttpRequestParser parser_;
    std::array<char, 16 * 1024> buffer_{};
    std::string leftover_;  // bytes after the request being handled
    bool authorized_ = false;
    bool busy_ = false;
    bool closed_ = false;
    std::chrono::steady_clock::time_point last_activity_ = std::chrono::steady_clock::now();
};

HttpServer::HttpServer(Handler handler, Filter filter, Authorizer authorizer, HttpServerOptions options)
    : handler_(std::move(handler)), filter_(std::move(filter)), authorizer_(std::move(authorizer)), options_(options),
      pool_(std::max<size_t>(options.threads, 1)) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::bind(const asio::ip::tcp::endpoint& endpoint, bool required) {
    auto acceptor = std::make_unique<asio::ip::tcp::acceptor>(io_);
    asio::error_code ec;
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
    if (!ec && endpoint.address().is_v6()) acceptor->set_option(asio::ip::v6_only(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        if (!required) return;
        throw std::runtime_error("Unable to bind RPC server to " + endpoint.address().to_string() + " port " +
                                 std::to_string(endpoint.port()) + " (" + ec.message() + ")");
    }
    log_info("Binding RPC on address " + endpoint.address().to_string() + " port " + std::to_string(endpoint.port()));
    acceptors_.push_back(std::move(acceptor));
}

uint16_t HttpServer::local_port() const {
    asio::error_code ec;
    return acceptors_.empty() ? 0 : acceptors_.front()->local_endpoint(ec).port();
}

void HttpServer::start() {
    for (auto& a : acceptors_) accept_next(*a);
    thread_ = std::thread([this] {
        auto guard = asio::make_work_guard(io_);
        io_.run();
    });
}

void HttpServer::stop() {
    if (!thread_.joinable()) return;
    // No new connections or requests; connections waiting on their clients close now.
    asio::post(io_, [this] {
        stopping_ = true;
        for (auto& a : acceptors_) a->close();
        auto sessions = sessions_;
        for (auto& [id, weak] : sessions) {
            if (auto session = weak.lock(); session && session->idle()) session->close();
        }
    });
    pool_.join();  // requests being handled finish: `stop`'s own reply among them
    // Their replies go out (for a moment at most), then the loop ends.
    for (int i = 0; i < 100; ++i) {
        std::promise<bool> done;
        asio::post(io_, [this, &done] { done.set_value(sessions_.empty()); });
        if (done.get_future().get()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    asio::post(io_, [this] { io_.stop(); });
    thread_.join();
}

bool HttpServer::make_room() {
    if (sessions_.size() < options_.max_connections) return true;
    std::shared_ptr<HttpSession> oldest;
    for (auto& [id, weak] : sessions_) {
        auto session = weak.lock();
        if (session && session->evictable() && (!oldest || session->last_activity() < oldest->last_activity())) oldest = session;
    }
    if (!oldest) return false;
    oldest->close();
    return true;
}

void HttpServer::dispatch(const std::shared_ptr<HttpSession>& session, HttpRequest request) {
    const bool keep_alive = request.keep_alive;
    if (queued_ >= options_.work_queue) {
        log_info("WARNING: request rejected because http work queue depth exceeded, it can be increased with the -rpcworkqueue= setting");
        session->respond({503, "Work queue depth exceeded", {{"Content-Type", "text/plain"}}}, false, {});
        return;
    }
    ++queued_;
    asio::post(pool_, [this, session, request = std::move(request), keep_alive] {
        --queued_;
        HttpResponse response = handler_(request);
        asio::post(io_, [session, response = std::move(response), keep_alive] {
            session->respond(response, keep_alive, std::move(session->leftover_));
        });
    });
}

void HttpServer::accept_next(asio::ip::tcp::acceptor& acceptor) {
    acceptor.async_accept([this, &acceptor](asio::error_code ec, asio::ip::tcp::socket socket) {
        if (!acceptor.is_open()) return;
        if (ec) {
            // Out of descriptors: wait rather than fail again at once, in a spin.
            auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(500));
            timer->async_wait([this, &acceptor, timer](asio::error_code) {
                if (acceptor.is_open()) accept_next(acceptor);
            });
            return;
        }
        asio::error_code e2;
        auto remote = socket.remote_endpoint(e2);
        if (e2 || !filter_(remote.address())) {
            log_net("Rejected RPC connection from " + (e2 ? std::string("?") : remote.address().to_string()) + " (not in -rpcallowip)");
            socket.close(e2);
        } else if (!make_room()) {
            socket.close(e2);  // every connection is busy with a request
        } else {
            const uint64_t id = next_session_++;
            auto session = std::make_shared<HttpSession>(std::move(socket), *this, id);
            sessions_[id] = session;
            session->start();
        }
        accept_next(acceptor);
    });
}

}  // namespace node
