#pragma once

#include "upstreamconnection.h"

#include <QHash>
#include <QObject>
#include <QPointer>

// A handle on a request in flight, to cancel it.
class UpstreamCall
{
public:
    UpstreamCall() = default;
    explicit UpstreamCall(UpstreamConnection *connection)
        : m_connection(connection)
    { }
    void cancel();

private:
    QPointer<UpstreamConnection> m_connection;
};

// The HTTP/1.1 client of one worker thread, with a pool of persistent connections per upstream. Used on
// the hot path instead of QNetworkAccessManager (see ARCHITECTURE.md, "Upstream client").
class UpstreamClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamClient)
public:
    explicit UpstreamClient(QObject *parent = nullptr);
    ~UpstreamClient() override;

    UpstreamCall start(const UpstreamRequest &request, UpstreamSink *sink);

    int idleConnectionCount() const;

private:
    UpstreamConnection *take(const UpstreamEndpoint &endpoint);
    void release(UpstreamConnection *connection);
    void forget(UpstreamConnection *connection);

    QHash<QString, QList<UpstreamConnection *>> m_idle;
};
