#pragma once

#include <QByteArray>
#include <QByteArrayView>

// Decodes the chunked transfer coding incrementally (RFC 9112 §7.1), for request and response bodies.
class ChunkedDecoder final
{
public:
    enum class Result { NeedMore, Done, Error };

    void setMaxBodySize(qint64 bytes) { m_maxBody = bytes; }
    void reset();

    // Decodes from data[*pos] on, appends the payload to *out and advances *pos past what it consumed.
    Result decode(QByteArrayView data, qsizetype *pos, QByteArray *out);

    bool bodyTooLarge() const { return m_tooLarge; }
    const QByteArray &error() const { return m_error; }

private:
    Result fail(const char *message);

    enum class State { Size, Data, DataEnd, Trailer };
    State m_state = State::Size;
    qint64 m_remaining = 0;
    qint64 m_total = 0;
    qint64 m_trailerBytes = 0;
    qint64 m_maxBody = -1;
    bool m_tooLarge = false;
    QByteArray m_error;
};
