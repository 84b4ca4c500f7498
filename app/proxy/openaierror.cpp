#include "openaierror.h"

#include "jsonscan.h"

using namespace Qt::StringLiterals;

namespace {
QByteArray orNull(const QByteArray &value)
{
    return value.isEmpty() ? QByteArray("null") : JsonScan::quote(QString::fromUtf8(value));
}
} // namespace

QByteArray ProxyError::toJson() const
{
    return "{\"error\":{\"message\":" + JsonScan::quote(message) + ",\"type\":" + orNull(type)
        + ",\"param\":" + orNull(param) + ",\"code\":" + orNull(code) + "}}";
}

ProxyError ProxyError::badRequest(const QString &message, QByteArray param)
{
    return { 400, message, "invalid_request_error", {}, std::move(param) };
}

ProxyError ProxyError::invalidApiKey()
{
    return { 401,
        u"Incorrect or missing gateway API key. Send it as 'Authorization: Bearer <key>' or 'x-api-key'; "
        "create one with 'llm-gateway keys create --name NAME'."_s,
        "invalid_request_error", "invalid_api_key", {} };
}

ProxyError ProxyError::modelNotFound(const QString &message)
{
    return { 404, message, "invalid_request_error", "model_not_found", "model" };
}

ProxyError ProxyError::unsupportedMediaType(const QByteArray &contentType)
{
    return { 415,
        u"Unsupported Content-Type '%1': send the request body as application/json."_s.arg(
            QString::fromLatin1(contentType)),
        "invalid_request_error", "unsupported_media_type", {} };
}

ProxyError ProxyError::badGateway(const QString &message)
{
    return { 502, message, "api_error", "upstream_error", {} };
}

ProxyError ProxyError::gatewayTimeout(const QString &message)
{
    return { 504, message, "api_error", "upstream_timeout", {} };
}

ProxyError ProxyError::notFound(const QByteArray &path)
{
    return { 404, u"Unknown request URL: %1."_s.arg(QString::fromUtf8(path)), "invalid_request_error",
        "unknown_url", {} };
}

ProxyError ProxyError::methodNotAllowed(const QByteArray &method, const QByteArray &path)
{
    return { 405, u"%1 is not allowed on %2."_s.arg(QString::fromLatin1(method), QString::fromUtf8(path)),
        "invalid_request_error", "method_not_allowed", {} };
}
