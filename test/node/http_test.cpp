// The RPC server's HTTP request parser: split input, limits, bad requests.
#include <gtest/gtest.h>

#include "rpc/http.h"

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
