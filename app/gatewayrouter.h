#pragma once

#include "apihandler.h"
#include "httpresponder.h"
#include "proxy/proxyhandler.h"

// The gateway's HTTP handler on one worker thread, built by the composition root: /api/v1/… goes to the
// management API, everything else (/v1, /v1beta, /health) to the proxy, so that neither knows the other.
class GatewayRouter final : public HttpHandler
{
public:
    GatewayRouter(const ProxyContext &proxy, const ApiContext &api);

    void handle(HttpRequest &&request, HttpResponder responder) override;
    void rejected(
        const HttpRequest &head, int status, const QByteArray &message, HttpResponder responder) override;

private:
    ProxyHandler m_proxy;
    ApiHandler m_api; // declared last: goes first, waiting for its calls still running on the pool
};
