#include "node/metrics_server.h"

#include <stdexcept>

#include "common/logging.h"
#include "net/netaddress.h"

namespace node {

MetricsServer::MetricsServer(const MetricsServerOptions& options, const MetricsObserver& metrics, MetricsObserver::Sources sources)
    : metrics_(metrics), sources_(sources) {
    for (const auto& a : options.allow_ips) allowed_.push_back(parse_subnet(a));
    for (const auto& b : options.binds) {
        const auto endpoint = parse_ip_endpoint(b, 0);
        if (!endpoint || endpoint->port() == 0) throw std::runtime_error("-metricsbind=" + b + ": give an IP address and a port, such as 127.0.0.1:9332");
        if (!endpoint->address().is_loopback() && allowed_.empty()) {
            throw std::runtime_error("-metricsbind=" + b + " is not a loopback address: give -metricsallowip too, to say who may scrape it");
        }
        endpoints_.push_back(*endpoint);
    }
    for (auto& s : loopback_subnets()) allowed_.push_back(std::move(s));
}

MetricsServer::~MetricsServer() { stop(); }

void MetricsServer::start() {
    if (endpoints_.empty()) return;
    HttpServerOptions http_options;
    http_options.threads = 2;
    http_options.work_queue = 8;
    http_options.timeout = std::chrono::seconds(10);
    http_options.max_connections = 16;
    http_ = std::make_unique<HttpServer>(
        [this](const HttpRequest& r) { return respond(r); },
        [this](const asio::ip::address& a) { return contains_any(allowed_, a); },
        [](const HttpRequest&) { return true; }, http_options);
    for (const auto& e : endpoints_) http_->bind(e, true);
    http_->start();
    for (const auto& e : endpoints_) log_info("Serving Prometheus metrics on http://" + format_endpoint(e.address(), e.port()) + "/metrics");
}

void MetricsServer::stop() {
    if (http_) http_->stop();
    http_.reset();
}

HttpResponse MetricsServer::respond(const HttpRequest& request) const {
    HttpResponse response;
    const std::string path = request.target.substr(0, request.target.find('?'));
    if (path != "/metrics") {
        response.status = 404;
        response.body = "Not found: metrics are at /metrics\n";
        return response;
    }
    if (request.method != "GET") {
        response.status = 405;
        response.headers.emplace_back("Allow", "GET");
        return response;
    }
    response.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    response.body = metrics_.render(sources_);
    return response;
}

}  // namespace node
