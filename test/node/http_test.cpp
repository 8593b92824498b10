// The RPC server's HTTP layer: the request parser (split input, limits, bad
// requests) and the server's work queue, over real loopback sockets.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "common/http.h"

using namespace node;

namespace {

HttpRequestParser::State feed_all(HttpRequestParser& p, std::string text, size_t chunk) {
    auto state = HttpRequestParser::State::NeedMore;
    for (size_t i = 0; i < text.size() && state == HttpRequestParser::State::NeedMore; i += chunk) {
        std::string_view piece(text.data() + i, std::min(chunk, text.size() - i));
        state = p.feed(piece);
    }
    return state;
}

}  // namespace

TEST(HttpParser, ParsesAPostSplitAnywhere) {
    const std::string req = "POST / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YTpi\r\nContent-Length: 13\r\n\r\n{\"method\":1}\n";
    for (size_t chunk = 1; chunk <= req.size(); ++chunk) {
        HttpRequestParser p;
        ASSERT_EQ(feed_all(p, req, chunk), HttpRequestParser::State::Complete) << chunk;
        HttpRequest r = p.take();
        EXPECT_EQ(r.method, "POST");
        EXPECT_EQ(r.headers["authorization"], "Basic YTpi");
        EXPECT_EQ(r.body, "{\"method\":1}\n");
        EXPECT_TRUE(r.keep_alive);
    }
}

TEST(HttpParser, RejectsOversizedAndMalformedRequests) {
    HttpRequestParser big_body;
    EXPECT_EQ(feed_all(big_body, "POST / HTTP/1.1\r\nContent-Length: 999999999999\r\n\r\n", 1000), HttpRequestParser::State::Error);
    EXPECT_EQ(big_body.error_status(), 413);

    HttpRequestParser big_header;
    EXPECT_EQ(feed_all(big_header, "POST / HTTP/1.1\r\nX: " + std::string(20000, 'a'), 1000), HttpRequestParser::State::Error);

    HttpRequestParser bad_line;
    EXPECT_EQ(feed_all(bad_line, "garbage\r\n\r\n", 100), HttpRequestParser::State::Error);

    HttpRequestParser chunked;
    EXPECT_EQ(feed_all(chunked, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 100), HttpRequestParser::State::Error);

    HttpRequestParser bad_length;
    EXPECT_EQ(feed_all(bad_length, "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 100), HttpRequestParser::State::Error);
}

TEST(HttpParser, Http10ClosesByDefault) {
    HttpRequestParser p;
    ASSERT_EQ(feed_all(p, "POST / HTTP/1.0\r\nContent-Length: 0\r\n\r\n", 100), HttpRequestParser::State::Complete);
    EXPECT_FALSE(p.take().keep_alive);
}

namespace {

// One request on a fresh loopback connection; returns the status line's code (0: none).
int request_status(uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return ::close(fd), 0;
    const std::string request = "POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}";
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    char reply[64] = {};
    const ssize_t n = ::recv(fd, reply, sizeof reply - 1, MSG_WAITALL);
    ::close(fd);
    return n >= 12 ? std::stoi(std::string(reply + 9, 3)) : 0;
}

}  // namespace

// -rpcthreads=1 -rpcworkqueue=1: one request is handled, one waits, the third
// is answered 503 at once (Bitcoin Core's "Work queue depth exceeded").
TEST(HttpServer, AFullWorkQueueAnswers503) {
    std::mutex mutex;
    std::condition_variable cv;
    bool release = false;
    int started = 0;
    HttpServerOptions options;
    options.threads = 1;
    options.work_queue = 1;
    HttpServer server(
        [&](const HttpRequest&) {
            std::unique_lock lock(mutex);
            ++started;
            cv.notify_all();
            cv.wait(lock, [&] { return release; });
            return HttpResponse{200, "ok", {}};
        },
        [](const asio::ip::address&) { return true; }, [](const HttpRequest&) { return true; }, options);
    server.bind({asio::ip::make_address("127.0.0.1"), 0}, true);
    server.start();
    const uint16_t port = server.local_port();
    auto first = std::async(std::launch::async, [&] { return request_status(port); });
    {
        std::unique_lock lock(mutex);
        cv.wait(lock, [&] { return started == 1; });
    }
    auto second = std::async(std::launch::async, [&] { return request_status(port); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // it waits in the queue
    EXPECT_EQ(request_status(port), 503);
    {
        std::lock_guard lock(mutex);
        release = true;
    }
    cv.notify_all();
    EXPECT_EQ(first.get(), 200);
    EXPECT_EQ(second.get(), 200);
    server.stop();
}
