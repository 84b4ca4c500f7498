#include "fakerequestreader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace {
constexpr qsizetype maxHeadSize = 64 * 1024;
constexpr qint64 maxBodySize = 32 * 1024 * 1024;
} // namespace

QByteArray FakeHttpRequest::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first == name)
            return h.second;
    }
    return {};
}

bool FakeHttpRequest::keepAlive() const
{
    const QByteArray connection = header("connection").toLower();
    if (minorVersion == 0)
        return connection.contains("keep-alive");
    return !connection.contains("close");
}

QJsonValue FakeHttpRequest::json() const
{
    QJsonParseError error {};
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return QJsonValue(QJsonValue::Undefined);
    return document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array());
}

FakeRequestReader::Status FakeRequestReader::fail(int status, const QString &message)
{
    m_errorStatus = status;
    m_error = message;
    return Status::Bad;
}

bool FakeRequestReader::takeContinueRequest()
{
    return std::exchange(m_continueRequested, false);
}

FakeRequestReader::Status FakeRequestReader::parseHead(QByteArray head)
{
    const QByteArrayList lines = head.split('\n');
    FakeHttpRequest request;
    const QByteArrayList requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || requestLine[0].isEmpty() || !requestLine[1].startsWith('/'))
        return fail(400, QStringLiteral("bad request line"));
    if (requestLine[2] == "HTTP/1.1")
        request.minorVersion = 1;
    else if (requestLine[2] == "HTTP/1.0")
        request.minorVersion = 0;
    else
        return fail(505, QStringLiteral("unsupported HTTP version"));
    request.method = requestLine[0];
    request.target = requestLine[1];
    const qsizetype question = request.target.indexOf('?');
    request.path = question < 0 ? request.target : request.target.left(question);

    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].endsWith('\r') ? lines[i].chopped(1) : lines[i];
        if (line.isEmpty())
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || line.at(colon - 1) == ' ' || line.at(colon - 1) == '\t')
            return fail(400, QStringLiteral("bad header line"));
        request.headers.emplaceBack(line.left(colon).toLower(), line.mid(colon + 1).trimmed());
    }

    const QByteArray transferEncoding = request.header("transfer-encoding").toLower();
    const QByteArray contentLength = request.header("content-length");
    if (!transferEncoding.isEmpty()) {
        if (transferEncoding != "chunked")
            return fail(501, QStringLiteral("unsupported transfer-encoding"));
        if (!contentLength.isNull())
            return fail(400, QStringLiteral("both content-length and transfer-encoding"));
        request.chunked = true;
        m_chunked.reset();
    } else if (!contentLength.isNull()) {
        bool ok = false;
        m_contentLength = contentLength.toLongLong(&ok);
        if (!ok || m_contentLength < 0)
            return fail(400, QStringLiteral("bad content-length"));
        if (m_contentLength > maxBodySize)
            return fail(413, QStringLiteral("body too large"));
    } else {
        m_contentLength = 0;
    }
    m_continueRequested = request.header("expect").toLower() == "100-continue";
    m_pending = std::move(request);
    return Status::NeedMore;
}

FakeRequestReader::Status FakeRequestReader::next(FakeHttpRequest &request)
{
    if (!m_pending) {
        // Tolerate blank lines between pipelined requests, as RFC 9112 asks.
        while (m_buffer.startsWith("\r\n"))
            m_buffer.remove(0, 2);
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return m_buffer.size() > maxHeadSize ? fail(431, QStringLiteral("request head too large"))
                                                 : Status::NeedMore;
        const QByteArray head = m_buffer.left(end);
        m_buffer.remove(0, end + 4);
        if (parseHead(head) == Status::Bad)
            return Status::Bad;
    }
    if (m_pending->chunked) {
        switch (m_chunked.feed(m_buffer)) {
        case ChunkedBody::Status::NeedMore:
            if (m_chunked.body().size() > maxBodySize)
                return fail(413, QStringLiteral("body too large"));
            return Status::NeedMore;
        case ChunkedBody::Status::Bad:
            return fail(400, m_chunked.error());
        case ChunkedBody::Status::Done:
            m_pending->body = m_chunked.body();
            break;
        }
    } else {
        if (m_buffer.size() < m_contentLength)
            return Status::NeedMore;
        m_pending->body = m_buffer.left(m_contentLength);
        m_buffer.remove(0, m_contentLength);
    }
    request = std::move(*m_pending);
    m_pending.reset();
    m_continueRequested = false;
    return Status::Ready;
}
