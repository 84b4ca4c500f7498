#include "httpresponder.h"

#include "httpconnection.h"

HttpResponder::HttpResponder(HttpConnection *connection, quint64 exchange)
    : m_connection(connection)
    , m_exchange(exchange)
{ }

HttpConnection *HttpResponder::live() const
{
    HttpConnection *connection = m_connection.data();
    return connection && connection->isCurrentExchange(m_exchange) ? connection : nullptr;
}

bool HttpResponder::isOpen() const
{
    return live() != nullptr;
}

QHostAddress HttpResponder::peerAddress() const
{
    HttpConnection *connection = m_connection.data();
    return connection ? connection->peerAddress() : QHostAddress();
}

bool HttpResponder::isConfidential() const
{
    HttpConnection *connection = m_connection.data();
    return connection && connection->isConfidential();
}

void HttpResponder::respond(
    int status, QByteArrayView contentType, QByteArrayView body, const HttpHeaders &extra)
{
    if (HttpConnection *connection = live())
        connection->writeResponse(status, contentType, body, extra);
}

void HttpResponder::beginStream(int status, QByteArrayView contentType, const HttpHeaders &extra)
{
    if (HttpConnection *connection = live())
        connection->beginStream(status, contentType, extra);
}

void HttpResponder::writeStreamData(QByteArrayView data)
{
    if (HttpConnection *connection = live())
        connection->writeStreamData(data);
}

void HttpResponder::endStream()
{
    if (HttpConnection *connection = live())
        connection->endStream();
}

void HttpResponder::setAbortHandler(std::function<void()> handler)
{
    if (HttpConnection *connection = live())
        connection->setAbortHandler(std::move(handler));
}

qint64 HttpResponder::unsentBytes() const
{
    HttpConnection *connection = live();
    return connection ? connection->unsentBytes() : 0;
}

void HttpResponder::setDrainHandler(std::function<void()> handler)
{
    if (HttpConnection *connection = live())
        connection->setDrainHandler(std::move(handler));
}

void HttpHandler::rejected(
    const HttpRequest &, int status, const QByteArray &message, HttpResponder responder)
{
    responder.respond(
        status, "application/json", QByteArray("{\"error\":{\"message\":\"" + message + "\"}}"));
}
