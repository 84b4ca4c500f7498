#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QString>

// Decodes an HTTP/1.1 chunked body incrementally, for the fake upstream and the raw test client. Written
// apart from the gateway's decoder on purpose: a test must not share the code it checks.
class ChunkedBody
{
public:
    enum class Status { NeedMore, Done, Bad };

    // Consumes bytes from the front of `buffer` as far as they go; returns Done once the last chunk and the
    // trailers are in. The bytes after the body stay in `buffer`.
    Status feed(QByteArray &buffer);

    QByteArray body() const { return m_body; }
    // Each chunk's payload as it came, so tests can check how a sender framed its data.
    QByteArrayList chunks() const { return m_chunks; }
    QString error() const { return m_error; }
    void reset() { *this = ChunkedBody(); }

private:
    enum class Part { Size, Data, DataEnd, Trailers };
    Status fail(const QString &message);

    Part m_part = Part::Size;
    qint64 m_remaining = 0;
    QByteArray m_body;
    QByteArrayList m_chunks;
    QString m_error;
};
