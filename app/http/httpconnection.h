#pragma once

#include "httprequestparser.h"
#include "httpresponder.h"

#include <QHostAddress>
#include <QObject>

#include <functional>

class QSslSocket;
class QTcpSocket;

// What a connection needs to know from its server.
struct HttpConnectionSettings
{
    HttpRequestParser::Limits limits;
    // Host names (lower-case, without port; IPv6 in brackets) that are served; empty = any.
    QList<QByteArray> allowedHosts;
    // A TLS proxy in front terminates every client's connection, so plain connections are confidential too.
    bool behindTlsProxy = false;
};

// One client connection: parses requests as bytes arrive, hands them to the handler one at a time
// (pipelined requests are answered in order) and writes the responses. On a QSslSocket (the HTTPS listener)
// the client's first byte decides: a TLS handshake starts encryption, and then the same code serves the
// decrypted requests; plain HTTP gets a 400 in plain HTTP, as nginx answers it.
class HttpConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnection)
public:
    HttpConnection(QTcpSocket *socket, const HttpConnectionSettings &settings, HttpHandler *handler,
        QObject *parent = nullptr);
    ~HttpConnection() override;

    bool isCurrentExchange(quint64 exchange) const { return m_busy && exchange == m_exchange; }
    QHostAddress peerAddress() const { return m_peer; }
    bool isBusy() const { return m_busy; }
    bool isEncrypted() const;
    // Whether what is sent here cannot be read on its way: encrypted, from this machine, or behind a TLS
    // proxy.
    bool isConfidential() const;

    void writeResponse(int status, QByteArrayView contentType, QByteArrayView body, const HttpHeaders &extra);
    void beginStream(int status, QByteArrayView contentType, const HttpHeaders &extra);
    void writeStreamData(QByteArrayView data);
    void endStream();
    void setAbortHandler(std::function<void()> handler) { m_abortHandler = std::move(handler); }
    // Bytes of the response written but not yet taken by the kernel (the client reads slower than we write).
    qint64 unsentBytes() const;
    // Called each time some of them went out, until the response is complete.
    void setDrainHandler(std::function<void()> handler) { m_drainHandler = std::move(handler); }

    // Closes the connection if it has been idle, or stuck in a partial request head, for too long.
    void sweep(qint64 nowMs, qint64 idleTimeoutMs, qint64 headerTimeoutMs);
    // Stops reading further requests; closes at once when idle, else after the current response.
    void closeWhenIdle();

signals:
    void closed();

private:
    void onReadyRead();
    // TLS listener only, at the client's first bytes: starts the handshake, or refuses plain HTTP.
    void startTlsOrRefuse();
    bool handshakePending() const;
    void onDisconnected();
    void processBuffer();
    void dispatch(HttpRequest &&request);
    void fail(int status, QByteArrayView message);
    void appendHead(QByteArray &out, int status, QByteArrayView contentType, const HttpHeaders &extra);
    void finishExchange();
    void close();
    bool hostAllowed(const QByteArray &host) const;

    QTcpSocket *m_socket;
    QSslSocket *m_tls; // m_socket, when this is the HTTPS listener's connection; else null
    const HttpConnectionSettings &m_settings;
    HttpHandler *m_handler;
    HttpRequestParser m_parser;
    QByteArray m_buffer;
    QHostAddress m_peer;
    std::function<void()> m_abortHandler;
    std::function<void()> m_drainHandler;
    quint64 m_exchange = 0;
    qint64 m_openedMs = 0;
    qint64 m_lastActivityMs = 0;
    qint64 m_requestStartMs = 0; // when the first byte of the request being received arrived
    bool m_busy = false;
    bool m_keepAlive = true;
    bool m_chunkedStream = false; // streaming with chunked coding (HTTP/1.1) or raw until close (1.0)
    bool m_sentContinue = false;
    bool m_closing = false;
    bool m_processing = false; // inside processBuffer()
    bool m_http10 = false; // the current request is HTTP/1.0
    bool m_lingerAfterClose = false; // close by draining the client's input first
    bool m_lingering = false;
    bool m_gone = false;
    bool m_awaitingHello = false; // TLS listener: nothing decided yet
};
