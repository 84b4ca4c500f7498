#include "httpresponseparser.h"

namespace {
constexpr qsizetype MaxHeadBytes = 256 * 1024;
constexpr int MaxHeaderCount = 256;
} // namespace

void HttpResponseParser::reset(bool headRequest)
{
    m_state = State::Head;
    m_headRequest = headRequest;
    m_status = 0;
    m_headers.clear();
    m_keepAlive = true;
    m_remaining = 0;
    m_chunked.reset();
    m_error.clear();
}

HttpResponseParser::Status HttpResponseParser::fail(const char *message)
{
    m_error = message;
    m_keepAlive = false;
    return Status::Error;
}

HttpResponseParser::Status HttpResponseParser::parse(QByteArray &buffer, QByteArray *body)
{
    while (m_state == State::Head) {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return buffer.size() > MaxHeadBytes ? fail("upstream response head too large")
                                                : Status::Incomplete;
        const Status s = parseHead(QByteArrayView(buffer).first(end + 2));
        buffer.remove(0, end + 4);
        if (s == Status::Error)
            return s;
        // An interim 1xx response is followed by the real one.
        if (m_status >= 100 && m_status < 200) {
            m_headers.clear();
            m_state = State::Head;
        }
    }
    switch (m_state) {
    case State::FixedBody: {
        const qsizetype take = qsizetype(qMin<qint64>(buffer.size(), m_remaining));
        if (take == buffer.size() && body->isEmpty())
            body->swap(buffer); // the common case: hand the whole buffer over without copying
        else {
            body->append(QByteArrayView(buffer).first(take));
            buffer.remove(0, take);
        }
        m_remaining -= take;
        if (m_remaining > 0)
            return Status::Incomplete;
        break;
    }
    case State::ChunkedBody: {
        qsizetype pos = 0;
        const auto result = m_chunked.decode(buffer, &pos, body);
        buffer.remove(0, pos);
        if (result == ChunkedDecoder::Result::Error)
            return fail(m_chunked.error().constData());
        if (result == ChunkedDecoder::Result::NeedMore)
            return Status::Incomplete;
        break;
    }
    case State::UntilClose:
        body->append(buffer);
        buffer.clear();
        return Status::Incomplete;
    case State::Head:
    case State::Done:
        break;
    }
    m_state = State::Done;
    return Status::Complete;
}

HttpResponseParser::Status HttpResponseParser::finishAtEof()
{
    if (m_state == State::UntilClose || m_state == State::Done) {
        m_state = State::Done;
        m_keepAlive = false;
        return Status::Complete;
    }
    return fail(m_state == State::Head ? "upstream closed the connection before responding"
                                       : "upstream closed the connection in the middle of the response");
}

HttpResponseParser::Status HttpResponseParser::parseHead(QByteArrayView head)
{
    const qsizetype lineEnd = head.indexOf("\r\n");
    const QByteArrayView line = head.first(lineEnd);
    // HTTP/1.1 200 OK
    if (line.size() < 12 || !line.startsWith("HTTP/1.") || line[8] != ' '
        || (line.size() > 12 && line[12] != ' '))
        return fail("malformed upstream status line");
    bool ok = false;
    m_status = line.sliced(9, 3).toInt(&ok);
    if (!ok || m_status < 100 || m_status > 999)
        return fail("malformed upstream status code");
    const bool http10 = line[7] == '0';
    QByteArray error;
    if (!Http::parseHeaderFields(head.sliced(lineEnd + 2), MaxHeaderCount, &m_headers, &error))
        return fail(QByteArray("upstream sent a malformed header: " + error).constData());
    if (m_status < 200)
        return Status::Incomplete;
    const QByteArray connection = header("connection");
    m_keepAlive = http10 ? Http::hasToken(connection, "keep-alive") : !Http::hasToken(connection, "close");

    if (m_headRequest || m_status == 204 || m_status == 304) {
        m_state = State::Done;
        return Status::Incomplete;
    }
    if (Http::hasToken(header("transfer-encoding"), "chunked")) {
        m_state = State::ChunkedBody;
        return Status::Incomplete;
    }
    const qint64 length = Http::contentLength(m_headers);
    if (length == -2)
        return fail("upstream sent an invalid Content-Length");
    if (length >= 0) {
        m_remaining = length;
        m_state = State::FixedBody;
    } else {
        m_state = State::UntilClose;
        m_keepAlive = false;
    }
    return Status::Incomplete;
}
