#pragma once

#include "chunkeddecoder.h"
#include "httpmessage.h"

#include <QString>

// Limits on what a client may send in one request.
struct HttpLimits
{
    qsizetype maxHeaderBytes = 64 * 1024; // request line and header fields
    int maxHeaderCount = 128;
    qint64 maxBodyBytes = 32 * 1024 * 1024;
};

// A strict, incremental HTTP/1.1 request parser. Feed it the connection's buffer as bytes arrive; it answers
// Incomplete, Complete (with the request and how many bytes it used) or Error (with the status to answer).
class HttpRequestParser final
{
public:
    using Limits = HttpLimits;
    enum class Status { Incomplete, Complete, Error };

    explicit HttpRequestParser(Limits limits = {});

    // Parses the request at the start of `buffer`. The buffer must keep its earlier bytes between calls
    // until Complete; then the caller drops consumed() bytes and the parser is ready for the next request.
    Status parse(QByteArrayView buffer);

    HttpRequest takeRequest();
    // After an Error found once the head was read: the request's head, for an answer in the handler's format.
    const HttpRequest *failedHead() const { return m_state != State::Head ? &m_request : nullptr; }
    qsizetype consumed() const { return m_consumed; }

    // After Error: the status to answer (400, 413, 431, 501, 505) and why.
    int errorStatus() const { return m_errorStatus; }
    const QByteArray &errorMessage() const { return m_errorMessage; }

    // The head is parsed and the client waits for "100 Continue" before sending the body.
    bool expectsContinue() const;
    bool headComplete() const { return m_state != State::Head; }

    const Limits &limits() const { return m_limits; }

    // Whether bytes a client sent first open a TLS handshake record (content type 22, RFC 8446 §5.1) rather
    // than a request line: one byte decides, since 0x16 can start neither a method nor an empty line.
    static bool startsTlsHandshake(QByteArrayView firstBytes)
    {
        return !firstBytes.isEmpty() && firstBytes.front() == TlsHandshakeRecord;
    }

private:
    static constexpr char TlsHandshakeRecord = 0x16;
    Status fail(int status, const char *message);
    Status parseHead(QByteArrayView head);
    void reset();

    enum class State { Head, FixedBody, ChunkedBody, Done };
    Limits m_limits;
    State m_state = State::Head;
    HttpRequest m_request;
    qsizetype m_scanFrom = 0; // where to resume looking for the end of the head
    qsizetype m_bodyStart = 0; // offset of the body in the buffer
    qsizetype m_chunkPos = 0; // chunked decoding position in the buffer
    qint64 m_bodyLength = 0;
    qsizetype m_consumed = 0;
    int m_errorStatus = 0;
    QByteArray m_errorMessage;
    ChunkedDecoder m_chunked;
};
