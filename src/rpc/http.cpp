#include "rpc/http.h"

#include <algorithm>
#include <charconv>

#include <asio/ip/v6_only.hpp>
#include <asio/post.hpp>
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

namespace {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
public:
    HttpSession(asio::ip::tcp::socket socket, const HttpServer::Handler& handler)
        : socket_(std::move(socket)), handler_(handler) {}

    void start() { read(); }

private:
    void read() {
        socket_.async_read_some(asio::buffer(buffer_), [self = shared_from_this()](asio::error_code ec, size_t n) {
            if (ec) return;
            std::string_view data(self->buffer_.data(), n);
            self->consume(data);
        });
    }

    void consume(std::string_view data) {
        while (true) {
            auto state = parser_.feed(data);
            if (state == HttpRequestParser::State::NeedMore) {
                read();
                return;
            }
            if (state == HttpRequestParser::State::Error) {
                HttpResponse r{parser_.error_status(), parser_.error() + "\n", {{"Content-Type", "text/plain"}}};
                respond(r, false, {});
                return;
            }
            HttpRequest request = parser_.take();
            asio::error_code ec;
            request.peer_address = socket_.remote_endpoint(ec).address().to_string();
            HttpResponse response = handler_(request);
            // One request at a time per connection: the rest of the bytes wait.
            respond(response, request.keep_alive, std::string(data));
            return;
        }
    }

    void respond(const HttpResponse& response, bool keep_alive, std::string leftover) {
        auto out = std::make_shared<std::string>(serialize_response(response, keep_alive));
        asio::async_write(socket_, asio::buffer(*out), [self = shared_from_this(), out, keep_alive, leftover](asio::error_code ec, size_t) {
            if (ec || !keep_alive) {
                asio::error_code ignored;
                self->socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
                self->socket_.close(ignored);
                return;
            }
            if (leftover.empty()) {
                self->read();
            } else {
                self->consume(leftover);
            }
        });
    }

    asio::ip::tcp::socket socket_;
    const HttpServer::Handler& handler_;
    HttpRequestParser parser_;
    std::array<char, 16 * 1024> buffer_{};
};

}  // namespace

HttpServer::HttpServer(Handler handler, Filter filter) : handler_(std::move(handler)), filter_(std::move(filter)) {}

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

void HttpServer::start() {
    for (auto& a : acceptors_) accept_next(*a);
    thread_ = std::thread([this] { io_.run(); });
}

void HttpServer::stop() {
    if (!thread_.joinable()) return;
    asio::post(io_, [this] {
        for (auto& a : acceptors_) a->close();
        io_.stop();
    });
    thread_.join();
}

void HttpServer::accept_next(asio::ip::tcp::acceptor& acceptor) {
    acceptor.async_accept([this, &acceptor](asio::error_code ec, asio::ip::tcp::socket socket) {
        if (!acceptor.is_open()) return;
        if (!ec) {
            asio::error_code e2;
            auto remote = socket.remote_endpoint(e2);
            if (!e2 && filter_(remote.address())) {
                std::make_shared<HttpSession>(std::move(socket), handler_)->start();
            } else {
                log_info("Rejected RPC connection from " + (e2 ? std::string("?") : remote.address().to_string()) + " (not in -rpcallowip)");
                socket.close(e2);
            }
        }
        accept_next(acceptor);
    });
}

}  // namespace node
