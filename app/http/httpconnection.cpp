#include "httpconnection.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QScopeGuard>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

#include <sys/socket.h>

Q_LOGGING_CATEGORY(lcHttp, "gateway.http", QtWarningMsg)

namespace {
constexpr qsizetype MaxPipelinedBytes = 256 * 1024;
constexpr qint64 SocketReadBufferBytes = 256 * 1024;
constexpr int LingerMs = 2000;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

bool isLoopback(const QHostAddress &address)
{
    bool mappedIpv4 = false; // ::ffff:127.0.0.1, when listening on ::
    const quint32 ipv4 = address.toIPv4Address(&mappedIpv4);
    return mappedIpv4 ? QHostAddress(ipv4).isLoopback() : address.isLoopback();
}

QByteArray errorBody(QByteArrayView message, int status)
{
    // The OpenAI-style envelope that every /v1 client understands.
    const QByteArray type = status == 413 ? "request_too_large"
        : status >= 500                   ? "server_error"
                                          : "invalid_request_error";
    QByteArray escaped;
    for (const char c : message)
        escaped += (c == '"' || c == '\\') ? QByteArray(1, '\\') + c : QByteArray(1, c);
    return "{\"error\":{\"message\":\"" + escaped + "\",\"type\":\"" + type
        + "\",\"param\":null,\"code\":null}}";
}
} // namespace

HttpConnection::HttpConnection(
    QTcpSocket *socket, const HttpConnectionSettings &settings, HttpHandler *handler, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_tls(qobject_cast<QSslSocket *>(socket))
    , m_settings(settings)
    , m_handler(handler)
    , m_parser(settings.limits)
    , m_peer(socket->peerAddress())
    , m_openedMs(nowMs())
    , m_lastActivityMs(m_openedMs)
    , m_awaitingHello(m_tls != nullptr)
{
    m_socket->setParent(this);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_socket->setReadBufferSize(SocketReadBufferBytes);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    const auto drained = [this] {
        if (m_drainHandler)
            m_drainHandler();
    };
    connect(m_socket, &QTcpSocket::bytesWritten, this, drained);
    if (m_tls) {
        // bytesWritten counts bytes encrypted; these are the ones the kernel took.
        connect(m_tls, &QSslSocket::encryptedBytesWritten, this, drained);
        connect(m_tls, &QSslSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
            if (error == QAbstractSocket::RemoteHostClosedError || m_tls->isEncrypted())
                return;
            // A failed handshake (a client that does not trust the certificate, garbage after 0x16): nothing
            // can be answered in HTTP, so the connection ends, after the signal's other receivers.
            qCDebug(lcHttp) << "TLS handshake with" << m_peer << "failed:" << m_tls->errorString();
            QMetaObject::invokeMethod(m_socket, &QTcpSocket::abort, Qt::QueuedConnection);
        });
    }
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
}

HttpConnection::~HttpConnection() = default;

bool HttpConnection::isEncrypted() const
{
    return m_tls && m_tls->isEncrypted();
}

bool HttpConnection::isConfidential() const
{
    return isEncrypted() || isLoopback(m_peer) || m_settings.behindTlsProxy;
}

bool HttpConnection::handshakePending() const
{
    return m_tls && !m_tls->isEncrypted() && !m_closing;
}

void HttpConnection::startTlsOrRefuse()
{
    char first = 0;
    if (m_socket->peek(&first, 1) != 1)
        return;
    m_awaitingHello = false;
    if (HttpRequestParser::startsTlsHandshake(QByteArrayView(&first, 1))) {
        m_tls->startServerEncryption(); // the hello stays in the socket: the handshake reads it
        return;
    }
    fail(400, "plain HTTP was sent to the gateway's HTTPS port: use https:// to reach it");
}

void HttpConnection::onReadyRead()
{
    m_lastActivityMs = nowMs();
    if (m_awaitingHello) {
        startTlsOrRefuse();
        return;
    }
    if (m_lingering) {
        m_socket->readAll(); // discarded: the answer is out, the client is still sending
        return;
    }
    // Backpressure: while a request is being answered, what is pipelined behind it stays in the socket
    // (whose buffer is bounded) once a little is queued here.
    if (m_busy && m_buffer.size() >= MaxPipelinedBytes)
        return;
    if (m_buffer.isEmpty() && !m_busy)
        m_requestStartMs = m_lastActivityMs;
    if (m_buffer.isEmpty())
        m_buffer = m_socket->readAll();
    else
        m_buffer += m_socket->readAll();
    if (!m_busy && !m_closing)
        processBuffer();
}

void HttpConnection::onDisconnected()
{
    if (m_gone)
        return;
    m_gone = true;
    if (m_busy && m_abortHandler) {
        auto handler = std::move(m_abortHandler);
        m_busy = false;
        handler();
    }
    m_busy = false;
    emit closed();
    deleteLater();
}

void HttpConnection::processBuffer()
{
    // Responses given synchronously finish inside dispatch(); the loop below takes the next pipelined
    // request then, instead of finishExchange() recursing into here.
    if (m_processing)
        return;
    m_processing = true;
    const auto done = qScopeGuard([this] { m_processing = false; });
    while (!m_busy && !m_closing) {
        // Not busy: whatever waits in the socket belongs to the request being parsed now.
        if (m_socket->bytesAvailable() > 0)
            m_buffer += m_socket->readAll();
        if (m_buffer.isEmpty())
            return;
        switch (m_parser.parse(m_buffer)) {
        case HttpRequestParser::Status::Incomplete:
            if (m_parser.expectsContinue() && !m_sentContinue) {
                m_sentContinue = true;
                m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
            }
            return;
        case HttpRequestParser::Status::Error:
            fail(m_parser.errorStatus(), m_parser.errorMessage());
            return;
        case HttpRequestParser::Status::Complete: {
            const qsizetype consumed = m_parser.consumed();
            HttpRequest request = m_parser.takeRequest();
            if (consumed == m_buffer.size())
                m_buffer.clear();
            else
                m_buffer.remove(0, consumed);
            m_sentContinue = false;
            dispatch(std::move(request));
            break;
        }
        }
    }
}

bool HttpConnection::hostAllowed(const QByteArray &host) const
{
    if (m_settings.allowedHosts.isEmpty())
        return true;
    // Only the name matters against DNS rebinding; the port is whatever the listener has.
    QByteArray name = host.toLower();
    const qsizetype colon = name.lastIndexOf(':');
    if (colon >= 0 && name.indexOf(']', colon) < 0)
        name.truncate(colon);
    return m_settings.allowedHosts.contains(name);
}

void HttpConnection::dispatch(HttpRequest &&request)
{
    m_busy = true;
    ++m_exchange;
    m_keepAlive = request.keepAlive;
    m_http10 = request.minorVersion == 0;
    m_chunkedStream = !m_http10;
    if (!request.header("host").isNull() && !hostAllowed(request.header("host"))) {
        writeResponse(403, "application/json",
            errorBody(QByteArray("Host '" + request.header("host")
                          + "' is not served here (protection against DNS rebinding); "
                            "add it to allowed_hosts in the config file to allow it"),
                403),
            {});
        return;
    }
    m_handler->handle(std::move(request), HttpResponder(this, m_exchange));
}

void HttpConnection::fail(int status, QByteArrayView message)
{
    qCDebug(lcHttp) << "bad request from" << m_peer << status << message;
    m_busy = true;
    ++m_exchange;
    m_keepAlive = false;
    m_lingerAfterClose = true; // the client may still be sending what we refused
    m_buffer.clear();
    if (const HttpRequest *head = m_parser.failedHead())
        m_handler->rejected(*head, status, message.toByteArray(), HttpResponder(this, m_exchange));
    else
        writeResponse(status, "application/json", errorBody(message, status), {});
}

void HttpConnection::appendHead(
    QByteArray &out, int status, QByteArrayView contentType, const HttpHeaders &extra)
{
    out += "HTTP/1.1 ";
    out += QByteArray::number(status);
    out += ' ';
    out += Http::reasonPhrase(status);
    out += "\r\ndate: ";
    out += Http::currentDate();
    if (!contentType.isEmpty()) {
        out += "\r\ncontent-type: ";
        out += contentType;
    }
    for (const auto &[name, value] : extra) {
        out += "\r\n";
        out += name;
        out += ": ";
        out += value;
    }
    if (!m_keepAlive)
        out += "\r\nconnection: close";
    else if (m_http10)
        out += "\r\nconnection: keep-alive"; // HTTP/1.0 closes unless told otherwise
}

void HttpConnection::writeResponse(
    int status, QByteArrayView contentType, QByteArrayView body, const HttpHeaders &extra)
{
    QByteArray out;
    out.reserve(256 + body.size());
    appendHead(out, status, contentType, extra);
    out += "\r\ncontent-length: ";
    out += QByteArray::number(body.size());
    out += "\r\n\r\n";
    out += body;
    m_socket->write(out);
    finishExchange();
}

void HttpConnection::beginStream(int status, QByteArrayView contentType, const HttpHeaders &extra)
{
    if (!m_chunkedStream)
        m_keepAlive = false; // an HTTP/1.0 client reads the body until the connection closes
    QByteArray out;
    out.reserve(256);
    appendHead(out, status, contentType, extra);
    out += m_chunkedStream ? "\r\ntransfer-encoding: chunked\r\n\r\n" : "\r\n\r\n";
    m_socket->write(out);
    m_socket->flush();
}

void HttpConnection::writeStreamData(QByteArrayView data)
{
    if (data.isEmpty())
        return;
    if (!m_chunkedStream) {
        m_socket->write(data.constData(), data.size());
    } else {
        QByteArray out;
        out.reserve(data.size() + 16);
        out += QByteArray::number(data.size(), 16);
        out += "\r\n";
        out += data;
        out += "\r\n";
        m_socket->write(out);
    }
    m_socket->flush();
}

void HttpConnection::endStream()
{
    if (m_chunkedStream)
        m_socket->write("0\r\n\r\n", 5);
    finishExchange();
}

qint64 HttpConnection::unsentBytes() const
{
    return m_socket->bytesToWrite() + (m_tls ? m_tls->encryptedBytesToWrite() : 0);
}

void HttpConnection::finishExchange()
{
    m_busy = false;
    m_abortHandler = nullptr;
    m_drainHandler = nullptr;
    m_lastActivityMs = m_requestStartMs = nowMs();
    if (!m_keepAlive) {
        close();
        return;
    }
    m_socket->flush();
    processBuffer();
}

void HttpConnection::close()
{
    m_closing = true;
    if (!m_lingerAfterClose) {
        m_socket->disconnectFromHost(); // writes what is pending first
        return;
    }
    // Lingering close: closing with unread input makes the kernel reset the connection, which can destroy
    // the error response before the client reads it. So send it, shut our side, and drain theirs a while.
    m_lingering = true;
    m_socket->flush();
    ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
    QTimer::singleShot(LingerMs, this, [this] { m_socket->abort(); });
}

void HttpConnection::closeWhenIdle()
{
    m_keepAlive = false;
    if (!m_busy)
        close();
}

void HttpConnection::sweep(qint64 now, qint64 idleTimeoutMs, qint64 headerTimeoutMs)
{
    if (m_busy || m_closing)
        return;
    if (handshakePending() && now - m_openedMs > headerTimeoutMs) {
        m_socket->abort(); // no HTTP answer can be given before the handshake
        return;
    }
    const qint64 idle = now - m_lastActivityMs;
    const bool headOverdue = !m_parser.headComplete() && now - m_requestStartMs > headerTimeoutMs;
    const bool bodyStalled = m_parser.headComplete() && idle > headerTimeoutMs;
    if (!m_buffer.isEmpty() && (headOverdue || bodyStalled)) {
        m_keepAlive = false;
        ++m_exchange;
        m_busy = true;
        m_buffer.clear();
        writeResponse(408, "application/json", errorBody("request not received in time", 408), {});
    } else if (m_buffer.isEmpty() && idle > idleTimeoutMs) {
        close();
    }
}
