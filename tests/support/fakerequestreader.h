#pragma once

#include "chunkedbody.h"
#include "fakehttprequest.h"

#include <optional>

// Splits the bytes of one connection into HTTP/1.1 requests (Content-Length or chunked bodies, pipelining).
// Deliberately minimal and separate from the gateway's parser.
class FakeRequestReader
{
public:
    enum class Status { NeedMore, Ready, Bad };

    void append(const QByteArray &bytes) { m_buffer.append(bytes); }
    // Ready: `request` holds the next complete request. Bad: error() says why; the connection is unusable.
    Status next(FakeHttpRequest &request);
    QString error() const { return m_error; }
    int errorStatus() const { return m_errorStatus; }
    // True once per request whose head asked `Expect: 100-continue` and whose body has not arrived yet.
    bool takeContinueRequest();

private:
    Status fail(int status, const QString &message);
    Status parseHead(QByteArray head);

    QByteArray m_buffer;
    std::optional<FakeHttpRequest> m_pending; // head parsed, body still coming
    qint64 m_contentLength = 0;
    ChunkedBody m_chunked;
    bool m_continueRequested = false;
    QString m_error;
    int m_errorStatus = 400;
};
