#include "fakeupstream.h"

#include "clock.h"
#include "fakeconnection.h"
#include "fakestreamgate.h"
#include "reservedport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <unistd.h>

namespace {
const Clock *clockOrOwn(const Clock *clock, std::unique_ptr<Clock> &own)
{
    if (!clock)
        own = std::make_unique<SystemClock>();
    return clock ? clock : own.get();
}
} // namespace

FakeUpstream::FakeUpstream(const Clock *clock, QObject *parent)
    : QObject(parent)
    , m_server(new QTcpServer(this))
    , m_gate(new FakeStreamGate(this))
    , m_api(clockOrOwn(clock, m_ownClock))
{
    connect(m_server, &QTcpServer::newConnection, this, &FakeUpstream::acceptConnections);
}

FakeUpstream::~FakeUpstream()
{
    // Before the gate they may be held at goes with the other children.
    qDeleteAll(findChildren<FakeConnection *>(Qt::FindDirectChildrenOnly));
}

bool FakeUpstream::listen(quint16 port)
{
    if (m_server->listen(QHostAddress::LocalHost, port)) {
        m_port = m_server->serverPort();
        return true;
    }
    m_errorString = QStringLiteral("fake upstream cannot listen on 127.0.0.1:%1: %2")
                        .arg(port)
                        .arg(m_server->errorString());
    return false;
}

bool FakeUpstream::listen(ReservedPort &reserved)
{
    const quint16 port = reserved.port();
    const qintptr descriptor = reserved.takeListening();
    if (descriptor >= 0 && m_server->setSocketDescriptor(descriptor)) {
        m_port = m_server->serverPort();
        return true;
    }
    m_errorString = QStringLiteral("fake upstream cannot listen on reserved port 127.0.0.1:%1: %2")
                        .arg(port)
                        .arg(descriptor < 0 ? reserved.errorString() : m_server->errorString());
    if (descriptor >= 0)
        ::close(int(descriptor)); // the server did not take it
    return false;
}

quint16 FakeUpstream::port() const
{
    return m_port.load();
}

QUrl FakeUpstream::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(port()));
}

QUrl FakeUpstream::rootUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port()));
}

void FakeUpstream::setExpectedKey(const QByteArray &key)
{
    QMutexLocker locker(&m_mutex);
    m_api.setExpectedKey(key);
    m_anthropic.setExpectedKey(key);
    m_gemini.setExpectedKey(key);
}

void FakeUpstream::setAnthropicKey(const QByteArray &key)
{
    QMutexLocker locker(&m_mutex);
    m_anthropic.setExpectedKey(key);
}

void FakeUpstream::setGeminiKey(const QByteArray &key)
{
    QMutexLocker locker(&m_mutex);
    m_gemini.setExpectedKey(key);
}

void FakeUpstream::setCacheWriteTokens(int tokens)
{
    QMutexLocker locker(&m_mutex);
    m_anthropic.setCacheWriteTokens(tokens);
}

QList<FakeHttpRequest> FakeUpstream::receivedRequests() const
{
    QMutexLocker locker(&m_mutex);
    return m_requests;
}

void FakeUpstream::clearReceivedRequests()
{
    QMutexLocker locker(&m_mutex);
    m_requests.clear();
}

void FakeUpstream::applyTokenSettings(const FakeTokenSettings &settings)
{
    m_api.setTokenSettings(settings);
    m_anthropic.setTokenSettings(settings);
    m_gemini.setTokenSettings(settings);
}

void FakeUpstream::setCachedTokens(int tokens)
{
    QMutexLocker locker(&m_mutex);
    FakeTokenSettings settings = m_api.tokenSettings();
    settings.cachedTokens = tokens;
    applyTokenSettings(settings);
}

void FakeUpstream::setReasoningTokens(int tokens)
{
    QMutexLocker locker(&m_mutex);
    FakeTokenSettings settings = m_api.tokenSettings();
    settings.reasoningTokens = tokens;
    applyTokenSettings(settings);
}

void FakeUpstream::acceptConnections()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        new FakeConnection(
            socket, ++m_connectionCount, [this](const FakeHttpRequest &request) { return handle(request); },
            *m_gate, this);
    }
}

FakeReply FakeUpstream::handle(const FakeHttpRequest &request)
{
    QMutexLocker locker(&m_mutex);
    if (request.path == "/__fake/requests") {
        FakeReply::Headers headers;
        if (!request.keepAlive())
            headers.emplaceBack("Connection", "close");
        if (request.method == "GET")
            return FakeReply::json(200, requestsToJson(m_requests), headers);
        if (request.method == "DELETE") {
            m_requests.clear();
            return FakeReply::full(204, headers, {});
        }
    }
    // Recorded before answering, so that requests the fake hangs up on are in the record too.
    m_requests.append(request);
    locker.unlock();
    emit requestReceived(request);
    locker.relock();
    if (request.path == "/v1/messages" || request.path.startsWith("/v1/messages/"))
        return m_anthropic.reply(request);
    if (request.path.startsWith("/v1beta/"))
        return m_gemini.reply(request);
    return m_api.reply(request);
}

QByteArray FakeUpstream::requestsToJson(const QList<FakeHttpRequest> &requests)
{
    QJsonArray array;
    for (const FakeHttpRequest &request : requests) {
        QJsonObject headers;
        for (const auto &h : request.headers) {
            const QString name = QString::fromLatin1(h.first);
            const QString value = QString::fromUtf8(h.second);
            // Repeated headers are joined the way HTTP allows to combine them.
            headers.insert(
                name, headers.contains(name) ? headers.value(name).toString() + u", " + value : value);
        }
        const QJsonValue json = request.json();
        array.append(QJsonObject {
            { QStringLiteral("connection"), qint64(request.connectionId) },
            { QStringLiteral("method"), QString::fromLatin1(request.method) },
            { QStringLiteral("path"), QString::fromUtf8(request.path) },
            { QStringLiteral("target"), QString::fromUtf8(request.target) },
            { QStringLiteral("headers"), headers },
            { QStringLiteral("body"), QString::fromUtf8(request.body) },
            { QStringLiteral("json"), json.isUndefined() ? QJsonValue(QJsonValue::Null) : json },
        });
    }
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}
