#include "baseurl.h"

#include "apiclient.h"
#include "gatewaycontrol.h"
#include "page.h"

QUrl BaseUrl::root(const PageContext &context)
{
    if (context.gateway && context.gateway->state() == GatewayControl::State::Running
        && context.gateway->url().isValid())
        return context.gateway->url();
    return context.api.baseUrl();
}

QUrl BaseUrl::forClients(const QUrl &root)
{
    QUrl url = root;
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path + QStringLiteral("/v1"));
    return url;
}
