#include "upstreamconnection.h"

#include <QLoggingCategory>
#include <QSslSocket>

#include <cerrno>
#include <sys/socket.h>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcUpstream, "gateway.upstream", QtWarningMsg)

namespace {
constexpr int PoolIdleTimeoutMs = 30'000; // upstreams close idle connections too; don't keep stale ones long
}

QString UpstreamEndpoint::poolKey() const
{
    return (tls ? u"https://" : u"http://") + host + u':' + QString::number(port);
}

UpstreamConnection::UpstreamConnection(const UpstreamEndpoint &endpoint, QObject *parent)
    : QObject(parent)
    , m_endpoint(endpoint)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &UpstreamConnection::onTimeout);
    if (endpoint.tls) {
        auto *ssl = new QSslSocket(this);
        connect(ssl, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
            failCall(UpstreamError::Tls,
                u"TLS error talking to "_s + m_endpoint.host + u": "_s + errors.value(0).errorString());
        });
        m_socket = ssl;
    } else {
        m_socket = new QTcpSocket(this);
    }
    connect(m_socket, &QTcpSocket::readyRead, this, &UpstreamConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &UpstreamConnection::onClosed);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        if (error == QAbstractSocket::RemoteHostClosedError)
            return; // handled through disconnected(), where a close-delimited body can still complete
        if (!m_connectedOnce)
            failCall(UpstreamError::ConnectFailed,
                QStringLiteral("cannot connect to %1:%2: %3")
                    .arg(m_endpoint.host)
                    .arg(m_endpoint.port)
                    .arg(m_socket->errorString()));
        else
            onClosed();
    });
    connect(m_socket, &QTcpSocket::connected, this, [this] {
        m_connectedOnce = true;
        m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    });
}

UpstreamConnection::~UpstreamConnection() = default;

bool UpstreamConnection::isReusable() const
{
    if (m_dead || m_sink != nullptr || m_socket->state() != QAbstractSocket::ConnectedState)
        return false;
    // The upstream may have closed the connection a moment ago, with its FIN still unread: a look at the
    // socket tells, so a request is never written to a connection that is already gone.
    char byte;
    const auto peeked = ::recv(int(m_socket->socketDescriptor()), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return peeked < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

void UpstreamConnection::armTimer(int ms)
{
    m_timer.start(ms);
}

void UpstreamConnection::start(const UpstreamRequest &request, UpstreamSink *sink)
{
    m_sink = sink;
    m_reused = m_socket->state() == QAbstractSocket::ConnectedState;
    m_request = request;
    m_receivedAny = false;
    m_headDelivered = false;
    m_buffer.clear();
    m_parser.reset(request.method == "HEAD");

    QByteArray out;
    out.reserve(256 + request.body.size());
    out += request.method;
    out += ' ';
    out += request.path;
    out += " HTTP/1.1\r\nhost: ";
    out += m_endpoint.host.toUtf8();
    if (m_endpoint.port != (m_endpoint.tls ? 443 : 80)) {
        out += ':';
        out += QByteArray::number(m_endpoint.port);
    }
    for (const auto &[name, value] : request.headers) {
        out += "\r\n";
        out += name;
        out += ": ";
        out += value;
    }
    out += "\r\ncontent-length: ";
    out += QByteArray::number(request.body.size());
    out += "\r\n\r\n";
    out += request.body;

    const auto state = m_socket->state();
    if (state == QAbstractSocket::UnconnectedState) {
        armTimer(request.connectTimeoutMs);
        if (m_endpoint.tls)
            static_cast<QSslSocket *>(m_socket)->connectToHostEncrypted(m_endpoint.host, m_endpoint.port);
        else
            m_socket->connectToHost(m_endpoint.host, m_endpoint.port);
        // Written once the connection (and TLS) is up.
        m_socket->write(out);
        connect(
            m_socket, &QTcpSocket::connected, this, [this] { armTimer(m_request.responseTimeoutMs); },
            Qt::SingleShotConnection);
    } else {
        armTimer(request.responseTimeoutMs);
        m_socket->write(out);
        m_socket->flush();
    }
}

void UpstreamConnection::onReadyRead()
{
    if (m_buffer.isEmpty())
        m_buffer = m_socket->readAll();
    else
        m_buffer += m_socket->readAll();
    if (!m_sink) {
        // Bytes on an idle connection: the upstream broke the protocol; never reuse it.
        markGone();
        m_socket->abort();
        return;
    }
    m_receivedAny = true;
    QByteArray body;
    const auto status = m_parser.parse(m_buffer, &body);
    if (status == HttpResponseParser::Status::Error) {
        failCall(UpstreamError::Protocol,
            u"invalid response from upstream: "_s + QString::fromLatin1(m_parser.errorMessage()));
        return;
    }
    if (m_parser.headComplete() && !m_headDelivered) {
        m_headDelivered = true;
        m_sink->upstreamHead(m_parser.status(), m_parser.headers());
        if (!m_sink)
            return; // cancelled from the callback
    }
    if (!body.isEmpty()) {
        m_sink->upstreamData(std::move(body));
        if (!m_sink)
            return;
    }
    if (status == HttpResponseParser::Status::Complete)
        finish();
    else if (m_headDelivered)
        armTimer(m_request.idleTimeoutMs);
}

void UpstreamConnection::finish()
{
    m_timer.stop();
    UpstreamSink *sink = std::exchange(m_sink, nullptr);
    m_request = UpstreamRequest();
    if (m_parser.keepAlive() && m_buffer.isEmpty()) {
        m_timer.start(PoolIdleTimeoutMs);
        emit reusable(this);
    } else {
        markGone();
        m_socket->abort();
    }
    sink->upstreamFinished();
}

void UpstreamConnection::markGone()
{
    m_dead = true;
    m_timer.stop();
    if (!m_goneEmitted) {
        m_goneEmitted = true;
        emit gone(this);
    }
}

void UpstreamConnection::failCall(UpstreamError error, const QString &message)
{
    UpstreamSink *sink = std::exchange(m_sink, nullptr);
    markGone();
    m_socket->abort();
    if (sink)
        sink->upstreamFailed(error, message);
}

void UpstreamConnection::onClosed()
{
    if (!m_sink) { // idle in the pool, closed by the upstream, or already finished with
        markGone();
        return;
    }
    // A reused connection the upstream closed before answering is not retried here: the request may have
    // reached it (and been billed); retries are the proxy's decision, made with the method and policy.
    if (m_parser.finishAtEof() != HttpResponseParser::Status::Complete) {
        failCall(m_connectedOnce ? UpstreamError::Closed : UpstreamError::ConnectFailed,
            m_receivedAny || !m_reused ? QString::fromLatin1(m_parser.errorMessage())
                                       : u"upstream closed a kept-alive connection without answering"_s);
        return;
    }
    UpstreamSink *sink = std::exchange(m_sink, nullptr);
    markGone();
    sink->upstreamFinished();
}

void UpstreamConnection::onTimeout()
{
    if (!m_sink) { // idle in the pool for too long
        markGone();
        m_socket->abort();
        return;
    }
    if (!m_connectedOnce)
        failCall(UpstreamError::ConnectFailed,
            QStringLiteral("timed out connecting to %1:%2").arg(m_endpoint.host).arg(m_endpoint.port));
    else
        failCall(UpstreamError::Timeout,
            m_headDelivered ? QStringLiteral("upstream stopped sending in the middle of the response")
                            : QStringLiteral("upstream did not answer in time"));
}

void UpstreamConnection::cancel()
{
    m_sink = nullptr;
    markGone();
    m_socket->abort();
}
