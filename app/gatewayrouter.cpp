#include "gatewayrouter.h"

GatewayRouter::GatewayRouter(const ProxyContext &proxy, const ApiContext &api)
    : m_proxy(proxy)
    , m_api(api)
{ }

void GatewayRouter::handle(HttpRequest &&request, HttpResponder responder)
{
    if (ApiHandler::handles(request.path))
        m_api.handle(request, responder);
    else
        m_proxy.handle(std::move(request), std::move(responder));
}

void GatewayRouter::rejected(
    const HttpRequest &head, int status, const QByteArray &message, HttpResponder responder)
{
    if (ApiHandler::handles(head.path))
        m_api.rejected(status, message, responder);
    else
        m_proxy.rejected(head, status, message, std::move(responder));
}
