#include "rawhttpclient.h"

#include <sys/socket.h>

#include "chunkedbody.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTimer>

QByteArray RawHttpResponse::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first == name)
            return h.second;
    }
    return {};
}

RawHttpClient::RawHttpClient(QObject *parent)
    : QObject(parent)
    , m_socket(new QSslSocket(this))
{
    connect(m_socket, &QSslSocket::encrypted, this, &RawHttpClient::bytesArrived);
    connect(m_socket, &QTcpSocket::readyRead, this, [this] {
        m_buffer += m_socket->readAll();
        emit bytesArrived();
    });
    connect(m_socket, &QTcpSocket::disconnected, this, [this] {
        m_closed = true;
        emit bytesArrived();
    });
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this] {
        if (m_socket->state() == QAbstractSocket::UnconnectedState) {
            m_closed = true;
            emit bytesArrived();
        }
    });
}

RawHttpClient::~RawHttpClient() = default;

bool RawHttpClient::waitFor(const std::function<bool()> &condition, int timeoutMs)
{
    // Runs the event loop (not waitForReadyRead) so that a server in this thread can answer meanwhile.
    QDeadlineTimer deadline(timeoutMs);
    while (!condition()) {
        if (deadline.hasExpired())
            return false;
        QEventLoop loop;
        connect(this, &RawHttpClient::bytesArrived, &loop, &QEventLoop::quit);
        connect(m_socket, &QTcpSocket::connected, &loop, &QEventLoop::quit);
        QTimer::singleShot(qMax<qint64>(1, deadline.remainingTime()), &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

bool RawHttpClient::connectToServer(quint16 port, int timeoutMs)
{
    m_closed = false;
    m_buffer.clear();
    m_socket->connectToHost(m_address, port);
    return waitFor(
               [this] { return m_closed || m_socket->state() == QAbstractSocket::ConnectedState; }, timeoutMs)
        && m_socket->state() == QAbstractSocket::ConnectedState;
}

bool RawHttpClient::connectEncrypted(
    quint16 port, const QList<QSslCertificate> &trusted, const QString &peerName, int timeoutMs)
{
    m_closed = false;
    m_buffer.clear();
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setCaCertificates(trusted);
    m_socket->setSslConfiguration(configuration);
    m_socket->connectToHostEncrypted(m_address, port, peerName);
    return waitFor([this] { return m_closed || m_socket->isEncrypted(); }, timeoutMs)
        && m_socket->isEncrypted();
}

QSslCertificate RawHttpClient::peerCertificate() const
{
    return m_socket->peerCertificate();
}

QString RawHttpClient::errorString() const
{
    return m_socket->errorString();
}

void RawHttpClient::send(const QByteArray &bytes)
{
    m_socket->write(bytes);
}

bool RawHttpClient::isConnected() const
{
    return !m_closed && m_socket->state() == QAbstractSocket::ConnectedState;
}

bool RawHttpClient::waitForDisconnected(int timeoutMs)
{
    return waitFor([this] { return m_closed; }, timeoutMs);
}

RawHttpClient::Parse RawHttpClient::parse(RawHttpResponse &response, bool noBody)
{
    response = RawHttpResponse();
    const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return Parse::NeedMore;
    response.head = m_buffer.left(headEnd + 4);
    const QByteArrayList lines = m_buffer.left(headEnd).split('\n');
    const QByteArray statusLine = lines.first().trimmed();
    if (!statusLine.startsWith("HTTP/1."))
        return Parse::Bad;
    const QByteArrayList parts = statusLine.split(' ');
    bool ok = false;
    response.status = parts.value(1).toInt(&ok);
    if (!ok)
        return Parse::Bad;
    response.reason = statusLine.mid(parts[0].size() + parts[1].size() + 2);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return Parse::Bad;
        response.headers.emplaceBack(line.left(colon).toLower(), line.mid(colon + 1).trimmed());
    }

    QByteArray rest = m_buffer.mid(headEnd + 4);
    const auto consume = [this, &rest] { m_buffer = rest; };
    if (noBody || response.status / 100 == 1 || response.status == 204 || response.status == 304) {
        consume();
        return Parse::Done;
    }
    if (response.header("transfer-encoding").toLower() == "chunked") {
        response.chunked = true;
        ChunkedBody chunked;
        const ChunkedBody::Status status = chunked.feed(rest);
        response.body = chunked.body();
        response.chunks = chunked.chunks();
        if (status == ChunkedBody::Status::Bad)
            return Parse::Bad;
        if (status == ChunkedBody::Status::NeedMore)
            return Parse::NeedMore;
        consume();
        return Parse::Done;
    }
    const QByteArray contentLength = response.header("content-length");
    if (!contentLength.isNull()) {
        const qint64 length = contentLength.toLongLong(&ok);
        if (!ok)
            return Parse::Bad;
        response.body = rest.left(length);
        if (rest.size() < length)
            return Parse::NeedMore;
        rest.remove(0, length);
        consume();
        return Parse::Done;
    }
    // No framing: the body ends when the server closes.
    response.body = rest;
    if (!m_closed)
        return Parse::NeedMore;
    rest.clear();
    consume();
    return Parse::Done;
}

RawHttpResponse RawHttpClient::readResponse(int timeoutMs, bool noBody)
{
    RawHttpResponse response;
    Parse result = Parse::NeedMore;
    waitFor(
        [&] {
            result = parse(response, noBody);
            return result != Parse::NeedMore || m_closed;
        },
        timeoutMs);
    response.complete = result == Parse::Done;
    return response;
}

QByteArray RawHttpClient::request(const QByteArray &method, const QByteArray &path, const QByteArray &body,
    const QByteArrayList &headerLines)
{
    QByteArray out = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const QByteArray &line : headerLines)
        out += line + "\r\n";
    if (!body.isEmpty() || method == "POST" || method == "PUT" || method == "PATCH")
        out += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
            + "\r\n";
    out += "\r\n" + body;
    return out;
}

void RawHttpClient::reset()
{
    const linger hard { 1, 0 };
    ::setsockopt(int(m_socket->socketDescriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    m_socket->abort();
    m_closed = true;
}
