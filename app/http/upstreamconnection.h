#pragma once

#include "httpmessage.h"
#include "httpresponseparser.h"

#include <QObject>
#include <QTimer>

class QTcpSocket;

// Where an upstream lives.
struct UpstreamEndpoint
{
    bool tls = false;
    QString host;
    quint16 port = 80;
    QString poolKey() const;
};

// One request to send upstream.
struct UpstreamRequest
{
    UpstreamEndpoint endpoint;
    QByteArray method = "POST";
    QByteArray path; // absolute path and query
    HttpHeaders headers;
    QByteArray body;
    int connectTimeoutMs = 10'000;
    int responseTimeoutMs = 600'000; // until the response head arrives
    int idleTimeoutMs = 300'000; // between two pieces of the body
};

enum class UpstreamError { ConnectFailed, Timeout, Protocol, Closed, Tls };

// Receives an upstream response as it arrives. After upstreamFinished or upstreamFailed nothing more comes.
class UpstreamSink
{
public:
    virtual ~UpstreamSink() = default;
    virtual void upstreamHead(int status, const HttpHeaders &headers) = 0;
    virtual void upstreamData(QByteArray &&data) = 0;
    virtual void upstreamFinished() = 0;
    virtual void upstreamFailed(UpstreamError error, const QString &message) = 0;
};

// One persistent connection to an upstream, carrying one request at a time.
class UpstreamConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamConnection)
public:
    explicit UpstreamConnection(const UpstreamEndpoint &endpoint, QObject *parent = nullptr);
    ~UpstreamConnection() override;

    const UpstreamEndpoint &endpoint() const { return m_endpoint; }
    bool isReusable() const;
    // Sends `request` (on this connection again if it was used before).
    void start(const UpstreamRequest &request, UpstreamSink *sink);
    // Drops the sink and closes the connection.
    void cancel();

signals:
    // The response is complete and the connection can carry another request.
    void reusable(UpstreamConnection *connection);
    // The connection is gone; the owner forgets it.
    void gone(UpstreamConnection *connection);

private:
    void onReadyRead();
    void onClosed();
    void onTimeout();
    void finish();
    void markGone();
    void failCall(UpstreamError error, const QString &message);
    void armTimer(int ms);

    UpstreamEndpoint m_endpoint;
    QTcpSocket *m_socket = nullptr;
    QTimer m_timer;
    HttpResponseParser m_parser;
    QByteArray m_buffer;
    UpstreamSink *m_sink = nullptr;
    UpstreamRequest m_request; // kept while in flight, for a retry on a stale connection
    bool m_connectedOnce = false;
    bool m_receivedAny = false;
    bool m_headDelivered = false;
    bool m_dead = false;
    bool m_goneEmitted = false;
    bool m_reused = false;
};
