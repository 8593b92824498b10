#pragma once
// -metricsbind: serves GET /metrics to Prometheus from the metrics
// subscriber. Loopback clients only, unless -metricsallowip adds subnets.
// The HTTP server's own limits (a timeout for each request and reply, a cap
// on open connections that closes the longest-idle one) keep a client that
// connects and never reads from holding anything up.
#include <memory>
#include <string>
#include <vector>

#include "common/http.h"
#include "net/subnet.h"
#include "node/metrics.h"

namespace node {

struct MetricsServerOptions {
    std::vector<std::string> binds;       // -metricsbind, <addr>:<port>
    std::vector<std::string> allow_ips;   // -metricsallowip
};

class MetricsServer {
public:
    // Throws std::runtime_error with the message for the user when the
    // options are wrong: an endpoint without a port, or one that is not
    // loopback while no -metricsallowip says who may scrape it.
    MetricsServer(const MetricsServerOptions& options, const MetricsObserver& metrics, MetricsObserver::Sources sources);
    ~MetricsServer();

    // Binds every endpoint (throws naming the one that fails) and serves.
    void start();
    void stop();

private:
    HttpResponse respond(const HttpRequest& request) const;

    std::vector<asio::ip::tcp::endpoint> endpoints_;
    std::vector<Subnet> allowed_;
    const MetricsObserver& metrics_;
    MetricsObserver::Sources sources_;
    std::unique_ptr<HttpServer> http_;
};

}  // namespace node
