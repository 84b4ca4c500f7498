#pragma once

#include "chunkeddecoder.h"
#include "httpmessage.h"

// An incremental HTTP/1.1 response parser for the upstream client. It hands the body out as it arrives,
// decoded from chunked or Content-Length framing, so streams can be relayed without waiting for the end.
class HttpResponseParser final
{
public:
    enum class Status { Incomplete, Complete, Error };

    void reset(bool headRequest = false);
    // Consumes what it can from `buffer` (removing it) and appends body bytes to *body.
    Status parse(QByteArray &buffer, QByteArray *body);
    // The connection closed: completes a body delimited by the close, fails anything else.
    Status finishAtEof();

    bool headComplete() const { return m_state != State::Head; }
    int status() const { return m_status; }
    const HttpHeaders &headers() const { return m_headers; }
    QByteArray header(QByteArrayView lowerCaseName) const
    {
        return Http::headerValue(m_headers, lowerCaseName);
    }
    // The connection may carry another request after this response.
    bool keepAlive() const { return m_keepAlive; }
    const QByteArray &errorMessage() const { return m_error; }

private:
    Status fail(const char *message);
    Status parseHead(QByteArrayView head);

    enum class State { Head, FixedBody, ChunkedBody, UntilClose, Done };
    State m_state = State::Head;
    bool m_headRequest = false;
    int m_status = 0;
    HttpHeaders m_headers;
    bool m_keepAlive = true;
    qint64 m_remaining = 0;
    ChunkedDecoder m_chunked;
    QByteArray m_error;
};
