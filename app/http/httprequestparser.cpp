#include "httprequestparser.h"

namespace {
// Chunk-size lines, extensions and trailers allowed beyond the body limit.
constexpr qint64 MaxChunkFramingBytes = 64 * 1024;

// All values of a header that may occur on several lines, joined as one list (RFC 9110 §5.3).
QByteArray joinedHeader(const HttpHeaders &headers, QByteArrayView name, int *count)
{
    QByteArray joined;
    *count = 0;
    for (const auto &[key, value] : headers) {
        if (key != name)
            continue;
        if ((*count)++ > 0)
            joined += ", ";
        joined += value;
    }
    return joined;
}
} // namespace

HttpRequestParser::HttpRequestParser(Limits limits)
    : m_limits(limits)
{
    m_chunked.setMaxBodySize(m_limits.maxBodyBytes);
}

void HttpRequestParser::reset()
{
    m_state = State::Head;
    m_request = HttpRequest();
    m_scanFrom = 0;
    m_bodyStart = 0;
    m_chunkPos = 0;
    m_bodyLength = 0;
    m_consumed = 0;
    m_chunked.reset();
}

HttpRequestParser::Status HttpRequestParser::fail(int status, const char *message)
{
    m_errorStatus = status;
    m_errorMessage = message;
    return Status::Error;
}

HttpRequest HttpRequestParser::takeRequest()
{
    HttpRequest request = std::move(m_request);
    reset();
    return request;
}

bool HttpRequestParser::expectsContinue() const
{
    return m_state != State::Head && m_state != State::Done && m_request.minorVersion >= 1
        && m_request.header("expect").compare("100-continue", Qt::CaseInsensitive) == 0;
}

HttpRequestParser::Status HttpRequestParser::parse(QByteArrayView buffer)
{
    if (m_state == State::Done)
        reset();
    if (m_state == State::Head) {
        // Tolerate the empty lines some clients send between requests (RFC 9112 §2.2).
        qsizetype start = 0;
        while (start + 1 < buffer.size() && buffer[start] == '\r' && buffer[start + 1] == '\n')
            start += 2;
        if (start > m_limits.maxHeaderBytes)
            return fail(400, "too many empty lines before the request");
        // A TLS client on this plain port would otherwise wait for an answer until the header timeout: refuse
        // it at its first byte, as other servers do.
        if (startsTlsHandshake(buffer.sliced(start)))
            return fail(400,
                "a TLS handshake was sent to this plain-HTTP port: use http:// here, or start the "
                "gateway with a certificate (--tls-cert and --tls-key) to serve https://");
        const qsizetype end = buffer.indexOf("\r\n\r\n", qMax(start, m_scanFrom));
        if (end < 0) {
            if (buffer.size() - start > m_limits.maxHeaderBytes)
                return fail(431, "request header fields too large");
            m_scanFrom = qMax(start, buffer.size() - 3);
            return Status::Incomplete;
        }
        if (end + 4 - start > m_limits.maxHeaderBytes)
            return fail(431, "request header fields too large");
        if (const Status s = parseHead(buffer.sliced(start, end + 2 - start)); s == Status::Error)
            return s;
        m_bodyStart = end + 4;
        m_chunkPos = m_bodyStart;
    }
    if (m_state == State::FixedBody) {
        if (buffer.size() - m_bodyStart < m_bodyLength)
            return Status::Incomplete;
        m_request.body = buffer.sliced(m_bodyStart, m_bodyLength).toByteArray();
        m_consumed = m_bodyStart + m_bodyLength;
    } else if (m_state == State::ChunkedBody) {
        const auto result = m_chunked.decode(buffer, &m_chunkPos, &m_request.body);
        // The raw bytes stay buffered until the request completes: bound the framing, not just the payload.
        if (m_chunkPos - m_bodyStart > m_limits.maxBodyBytes + MaxChunkFramingBytes)
            return fail(413, "request body too large");
        switch (result) {
        case ChunkedDecoder::Result::NeedMore:
            return Status::Incomplete;
        case ChunkedDecoder::Result::Error:
            return m_chunked.bodyTooLarge() ? fail(413, "request body too large")
                                            : fail(400, m_chunked.error().constData());
        case ChunkedDecoder::Result::Done:
            m_consumed = m_chunkPos;
            break;
        }
    }
    m_state = State::Done;
    return Status::Complete;
}

HttpRequestParser::Status HttpRequestParser::parseHead(QByteArrayView head)
{
    const qsizetype lineEnd = head.indexOf("\r\n");
    const QByteArrayView line = head.first(lineEnd);
    const qsizetype sp1 = line.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 <= sp1 + 1 || line.indexOf(' ', sp2 + 1) >= 0)
        return fail(400, "malformed request line");
    const QByteArrayView method = line.first(sp1);
    for (const char c : method) {
        if (!Http::isTokenChar(c))
            return fail(400, "invalid method");
    }
    const QByteArrayView target = line.sliced(sp1 + 1, sp2 - sp1 - 1);
    for (const char c : target) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return fail(400, "invalid character in request target");
    }
    const QByteArrayView version = line.sliced(sp2 + 1);
    if (version.size() != 8 || !version.startsWith("HTTP/") || version[6] != '.' || version[5] < '0'
        || version[5] > '9' || version[7] < '0' || version[7] > '9')
        return fail(400, "malformed HTTP version");
    if (version[5] != '1')
        return fail(505, "only HTTP/1.x is supported");

    m_request.method = method.toByteArray();
    m_request.minorVersion = version[7] - '0';
    QByteArrayView pathAndQuery = target;
    if (target.startsWith("http://") || target.startsWith("https://")) { // absolute-form
        const qsizetype slash = target.indexOf('/', target.indexOf("//") + 2);
        pathAndQuery = slash < 0 ? QByteArrayView("/") : target.sliced(slash);
    } else if (!target.startsWith('/') && !(target == "*" && method == "OPTIONS")) {
        return fail(400, "invalid request target");
    }
    m_request.target = pathAndQuery.toByteArray();
    const qsizetype question = pathAndQuery.indexOf('?');
    m_request.path = (question < 0 ? pathAndQuery : pathAndQuery.first(question)).toByteArray();
    if (question >= 0)
        m_request.query = pathAndQuery.sliced(question + 1).toByteArray();

    QByteArray error;
    if (!Http::parseHeaderFields(
            head.sliced(lineEnd + 2), m_limits.maxHeaderCount, &m_request.headers, &error))
        return fail(error == "too many header fields" ? 431 : 400, error.constData());

    int hostCount = 0;
    joinedHeader(m_request.headers, "host", &hostCount);
    if (m_request.minorVersion >= 1 && hostCount == 0)
        return fail(400, "missing Host header");
    if (hostCount > 1)
        return fail(400, "more than one Host header");
    const QByteArray connection = m_request.header("connection");
    m_request.keepAlive = m_request.minorVersion >= 1 ? !Http::hasToken(connection, "close")
                                                      : Http::hasToken(connection, "keep-alive");

    int transferEncodingCount = 0;
    const QByteArray transferEncoding
        = joinedHeader(m_request.headers, "transfer-encoding", &transferEncodingCount);
    const qint64 length = Http::contentLength(m_request.headers);
    if (transferEncodingCount > 0) {
        if (length != -1)
            return fail(400, "both Content-Length and Transfer-Encoding");
        if (transferEncoding.trimmed().compare("chunked", Qt::CaseInsensitive) != 0)
            return fail(501, "unsupported transfer coding");
        m_state = State::ChunkedBody;
        return Status::Incomplete;
    }
    if (length == -2)
        return fail(400, "invalid Content-Length");
    m_state = State::FixedBody; // the head is complete, also for the 413 below (see failedHead())
    if (length > m_limits.maxBodyBytes)
        return fail(413, "request body too large");
    m_bodyLength = qMax<qint64>(length, 0);
    return Status::Incomplete;
}
