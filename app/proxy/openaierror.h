#pragma once

#include <QByteArray>
#include <QString>

// An error as the client sees it on the OpenAI-style endpoints: a status and OpenAI's envelope
// {"error":{"message","type","param","code"}}.
struct ProxyError
{
    int status = 500;
    QString message;
    QByteArray type; // invalid_request_error, authentication_error, …
    QByteArray code; // model_not_found, invalid_api_key, … (empty: null)
    QByteArray param; // empty: null

    QByteArray toJson() const;

    static ProxyError badRequest(const QString &message, QByteArray param = {});
    static ProxyError invalidApiKey();
    static ProxyError modelNotFound(const QString &message);
    static ProxyError unsupportedMediaType(const QByteArray &contentType);
    static ProxyError badGateway(const QString &message);
    static ProxyError gatewayTimeout(const QString &message);
    static ProxyError notFound(const QByteArray &path);
    static ProxyError methodNotAllowed(const QByteArray &method, const QByteArray &path);
};
