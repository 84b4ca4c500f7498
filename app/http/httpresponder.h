#pragma once

#include "httpmessage.h"

#include <QHostAddress>
#include <QPointer>

#include <functional>

class HttpConnection;

// The way a handler answers one request, now or later: a whole response, or a stream of chunks.
// A cheap value; when the client has gone, every call is a no-op and isOpen() is false.
class HttpResponder final
{
public:
    HttpResponder() = default;
    HttpResponder(HttpConnection *connection, quint64 exchange);

    bool isOpen() const;
    QHostAddress peerAddress() const;
    // Whether the request and its answer cannot be read on their way (see HttpConnection::isConfidential()).
    bool isConfidential() const;

    void respond(int status, QByteArrayView contentType, QByteArrayView body, const HttpHeaders &extra = {});
    // Starts a response whose body follows in pieces (chunked transfer coding).
    void beginStream(int status, QByteArrayView contentType, const HttpHeaders &extra = {});
    void writeStreamData(QByteArrayView data);
    void endStream();

    // Called once if the client disconnects before the response is complete.
    void setAbortHandler(std::function<void()> handler);
    // Flow control for long streams: what is written but not yet sent, and a call each time some went out.
    qint64 unsentBytes() const;
    void setDrainHandler(std::function<void()> handler);

private:
    HttpConnection *live() const;

    QPointer<HttpConnection> m_connection;
    quint64 m_exchange = 0;
};

// What serves requests; one instance per worker thread, created in that thread.
class HttpHandler
{
public:
    virtual ~HttpHandler() = default;
    virtual void handle(HttpRequest &&request, HttpResponder responder) = 0;
    // A request the HTTP layer refused after reading its head (413 body too large): the handler answers
    // in its own format and may record it. `head` has no body. The default answers a plain JSON error.
    virtual void rejected(
        const HttpRequest &head, int status, const QByteArray &message, HttpResponder responder);
};
