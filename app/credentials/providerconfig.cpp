#include "providerconfig.h"

#include <QUrl>

using namespace Qt::StringLiterals;

std::optional<ProviderConfig> makeProviderConfig(
    const ProviderSpec &spec, const QString &baseUrl, const QString &apiKey, QString *error)
{
    const QUrl url(baseUrl, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") || url.host().isEmpty()) {
        *error
            = u"the base URL '%1' of provider %2 is not an http:// or https:// URL"_s.arg(baseUrl, spec.id);
        return std::nullopt;
    }
    ProviderConfig config;
    config.spec = spec;
    config.baseUrl = baseUrl;
    config.apiKey = apiKey;
    config.endpoint.tls = url.scheme() == u"https";
    config.endpoint.host = url.host();
    config.endpoint.port = quint16(url.port(config.endpoint.tls ? 443 : 80));
    QString path = url.path(QUrl::FullyEncoded);
    while (path.endsWith(u'/'))
        path.chop(1);
    config.pathPrefix = (path + spec.apiPrefix).toUtf8();
    return config;
}
