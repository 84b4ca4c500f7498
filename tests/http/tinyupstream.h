#pragma once

// Test doubles for tst_upstreamclient: a scripted upstream on a real socket, and a sink that records.

#include "upstreamconnection.h"

#include <QHash>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <functional>

// A scripted upstream: reads each request (head and Content-Length body), records it, and lets the test's
// script answer on the socket however it likes (in pieces, then close, or not at all).
class TinyUpstream final : public QObject
{
public:
    using Script = std::function<void(QTcpSocket *socket, int requestIndex)>;

    explicit TinyUpstream(Script script);

    quint16 port() const { return m_server.serverPort(); }
    int connections() const { return m_connections; }
    int closedConnections() const { return m_closedByClient; }
    const QByteArrayList &requests() const { return m_requests; }
    QPointer<QTcpSocket> lastSocket() const { return m_last; }

private:
    void onReadyRead(QTcpSocket *socket);

    Script m_script;
    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QByteArrayList m_requests;
    QPointer<QTcpSocket> m_last;
    int m_connections = 0;
    int m_closedByClient = 0;
};

// Records what the client reports for one request.
class RecordingSink final : public UpstreamSink
{
public:
    void upstreamHead(int status, const HttpHeaders &headers) override
    {
        m_status = status;
        m_headers = headers;
        ++m_events;
    }
    void upstreamData(QByteArray &&data) override
    {
        m_pieces.append(data);
        ++m_events;
    }
    void upstreamFinished() override
    {
        m_finished = true;
        ++m_events;
        if (m_onFinished)
            m_onFinished();
    }
    void upstreamFailed(UpstreamError error, const QString &message) override
    {
        m_failed = true;
        m_error = error;
        m_message = message;
        ++m_events;
    }

    bool done() const { return m_finished || m_failed; }
    QByteArray body() const { return m_pieces.join(); }

    int m_status = 0;
    HttpHeaders m_headers;
    QByteArrayList m_pieces;
    bool m_finished = false;
    bool m_failed = false;
    UpstreamError m_error = UpstreamError::Protocol;
    QString m_message;
    int m_events = 0;
    std::function<void()> m_onFinished;
};
