#include "upstreamclient.h"

void UpstreamCall::cancel()
{
    if (UpstreamConnection *connection = m_connection.data())
        connection->cancel();
    m_connection.clear();
}

UpstreamClient::UpstreamClient(QObject *parent)
    : QObject(parent)
{ }

UpstreamClient::~UpstreamClient() = default; // connections are children

int UpstreamClient::idleConnectionCount() const
{
    int count = 0;
    for (const auto &list : m_idle)
        count += list.size();
    return count;
}

UpstreamCall UpstreamClient::start(const UpstreamRequest &request, UpstreamSink *sink)
{
    UpstreamConnection *connection = take(request.endpoint);
    if (!connection) {
        connection = new UpstreamConnection(request.endpoint, this);
        connect(connection, &UpstreamConnection::reusable, this, &UpstreamClient::release);
        connect(connection, &UpstreamConnection::gone, this, &UpstreamClient::forget);
    }
    connection->start(request, sink);
    return UpstreamCall(connection);
}

UpstreamConnection *UpstreamClient::take(const UpstreamEndpoint &endpoint)
{
    auto it = m_idle.find(endpoint.poolKey());
    while (it != m_idle.end() && !it->isEmpty()) {
        UpstreamConnection *connection = it->takeLast();
        if (connection->isReusable())
            return connection;
    }
    return nullptr;
}

void UpstreamClient::release(UpstreamConnection *connection)
{
    m_idle[connection->endpoint().poolKey()].append(connection);
}

void UpstreamClient::forget(UpstreamConnection *connection)
{
    auto it = m_idle.find(connection->endpoint().poolKey());
    if (it != m_idle.end())
        it->removeOne(connection);
    connection->deleteLater();
}
