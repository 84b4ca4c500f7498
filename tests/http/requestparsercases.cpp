#include "requestparsercases.h"

HttpLimits smallLimits()
{
    HttpLimits limits;
    limits.maxHeaderBytes = 1024;
    limits.maxHeaderCount = 16;
    limits.maxBodyBytes = 100;
    return limits;
}

QList<ValidCase> validCases()
{
    QByteArray sixteenHeaders = "GET / HTTP/1.1\r\nHost: a\r\n";
    for (int i = 1; i < 16; ++i)
        sixteenHeaders += "X-H" + QByteArray::number(i) + ": v\r\n";
    sixteenHeaders += "\r\n";
    return {
        { "get", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", "GET", "/", "/", {}, 1, true, {}, "host", "a" },
        { "query string",
            "GET /v1/models?limit=5&x=%20y HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: t/1\r\n\r\n",
            "GET", "/v1/models?limit=5&x=%20y", "/v1/models", "limit=5&x=%20y", 1, true, {}, "user-agent",
            "t/1" },
        { "post with content-length",
            "POST /v1/chat/completions HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
            "Content-Length: 13\r\n\r\n{\"model\":\"x\"}",
            "POST", "/v1/chat/completions", "/v1/chat/completions", {}, 1, true, "{\"model\":\"x\"}",
            "content-type", "application/json" },
        { "post with empty body", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", "POST", "/x",
            "/x", {}, 1, true, {}, "content-length", "0" },
        { "repeated equal content-length",
            "PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\nabc", "PUT", "/x",
            "/x", {}, 1, true, "abc", "content-length", "3" },
        { "body at the size limit",
            "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n" + QByteArray(100, 'b'), "POST", "/x",
            "/x", {}, 1, true, QByteArray(100, 'b'), "host", "a" },
        { "chunked with extensions and trailers",
            "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            "5;name=value\r\nhello\r\n6 ; quoted=\"x y\"\r\n world\r\nA\r\n0123456789\r\n"
            "0\r\nX-Checksum: abc\r\nX-Other: d\r\n\r\n",
            "POST", "/upload", "/upload", {}, 1, true, "hello world0123456789", "transfer-encoding",
            "chunked" },
        { "chunked, coding name in capitals",
            "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", "POST",
            "/x", "/x", {}, 1, true, "abc", "transfer-encoding", "Chunked" },
        { "chunked body at the size limit",
            "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n32\r\n" + QByteArray(50, 'c')
                + "\r\n32\r\n" + QByteArray(50, 'd') + "\r\n0\r\n\r\n",
            "POST", "/x", "/x", {}, 1, true, QByteArray(50, 'c') + QByteArray(50, 'd'), "host", "a" },
        { "absolute-form target",
            "GET http://localhost:8080/v1/models?a=1 HTTP/1.1\r\nHost: localhost:8080\r\n\r\n", "GET",
            "/v1/models?a=1", "/v1/models", "a=1", 1, true, {}, "host", "localhost:8080" },
        { "absolute-form without a path",
            "GET http://localhost:8080 HTTP/1.1\r\nHost: localhost:8080\r\n\r\n", "GET", "/", "/", {}, 1,
            true, {}, "host", "localhost:8080" },
        { "options asterisk", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", "OPTIONS", "*", "*", {}, 1, true, {},
            "host", "a" },
        { "http/1.0 closes by default", "GET /health HTTP/1.0\r\n\r\n", "GET", "/health", "/health", {}, 0,
            false, {}, "host", {} },
        { "http/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", "GET", "/", "/", {}, 0,
            true, {}, "connection", "Keep-Alive" },
        { "connection close", "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", "GET", "/", "/", {},
            1, false, {}, "connection", "close" },
        { "connection close in a list", "GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade , Close\r\n\r\n",
            "GET", "/", "/", {}, 1, false, {}, "connection", "upgrade , Close" },
        { "leading empty lines", "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", "GET", "/", "/", {}, 1, true,
            {}, "host", "a" },
        { "names lower-cased, values trimmed",
            "GET / HTTP/1.1\r\nHOST: a\r\nX-Spaced:  \t two  words \t\r\n\r\n", "GET", "/", "/", {}, 1, true,
            {}, "x-spaced", "two  words" },
        { "header count at the limit", sixteenHeaders, "GET", "/", "/", {}, 1, true, {}, "x-h15", "v" },
    };
}

QByteArray tlsClientHelloStart()
{
    // A TLS 1.2 record header (handshake, version 3.1, length 0x00c4), then a ClientHello's type, length,
    // version and the first bytes of its random: no CR or LF anywhere, so no request head ever ends.
    return QByteArray::fromHex("16030100c4010000c00303") + QByteArray(32, '\x5a');
}

QList<ErrorCase> errorCases()
{
    const QByteArray chunkedHead = "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    QByteArray seventeenHeaders = "GET / HTTP/1.1\r\nHost: a\r\n";
    for (int i = 1; i <= 16; ++i)
        seventeenHeaders += "X-H" + QByteArray::number(i) + ": v\r\n";
    return {
        { "bare LF ends the request line", "GET / HTTP/1.1\nHost: a\r\n\r\n", 400 },
        { "bare LF inside the header block", "GET / HTTP/1.1\r\nHost: a\nX-B: b\r\n\r\n", 400 },
        { "bare CR inside a header value", "GET / HTTP/1.1\r\nHost: a\rX-B: b\r\n\r\n", 400 },
        { "obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n two\r\n\r\n", 400 },
        { "obs-fold with a tab", "GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n\ttwo\r\n\r\n", 400 },
        { "space before the colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400 },
        { "empty field name", "GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n", 400 },
        { "field line without a colon", "GET / HTTP/1.1\r\nHost: a\r\nnocolon\r\n\r\n", 400 },
        { "NUL in a field value", QByteArrayLiteral("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n"), 400 },
        { "invalid character in the method", "GE(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
        { "control character in the target", "GET /a\x01z HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
        { "DEL in the target", "GET /a\x7fz HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
        { "target not starting with a slash", "GET v1/models HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
        { "two spaces after the method", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
        { "no version", "GET /\r\nHost: a\r\n\r\n", 400 },
        { "lower-case protocol name", "GET / http/1.1\r\nHost: a\r\n\r\n", 400 },
        { "three-digit minor version", "GET / HTTP/1.10\r\nHost: a\r\n\r\n", 400 },
        { "missing Host on HTTP/1.1", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400 },
        { "both Content-Length and Transfer-Encoding",
            "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: "
            "chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            400 },
        { "transfer coding gzip", "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 501 },
        { "transfer codings gzip, chunked",
            "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501 },
        { "content-length not a number", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n", 400 },
        { "negative content-length", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400 },
        { "content-length with a sign", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\nabc", 400 },
        { "empty content-length", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", 400 },
        { "conflicting content-lengths",
            "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400 },
        { "content-length list", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 4\r\n\r\nabcd", 400 },
        { "content-length of 20 digits",
            "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551619\r\n\r\n", 400 },
        { "TLS ClientHello on the plain port", tlsClientHelloStart(), 400 },
        { "TLS ClientHello after an empty line", "\r\n" + tlsClientHelloStart(), 400 },
        { "HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505 },
        { "HTTP/0.9", "GET / HTTP/0.9\r\nHost: a\r\n\r\n", 505 },
        { "head too large", "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + QByteArray(1100, 'x') + "\r\n\r\n",
            431 },
        { "head too large and unfinished", "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + QByteArray(1100, 'x'),
            431 },
        { "too many header fields", seventeenHeaders + "\r\n", 431 },
        { "content-length over the limit", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n",
            413 },
        { "content-length of 18 digits",
            "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 999999999999999999\r\n\r\n", 413 },
        { "chunked body over the limit",
            chunkedHead + "32\r\n" + QByteArray(50, 'c') + "\r\n33\r\n" + QByteArray(51, 'd')
                + "\r\n0\r\n\r\n",
            413 },
        { "chunk size not hex", chunkedHead + "zz\r\nabc\r\n0\r\n\r\n", 400 },
        { "chunk size empty", chunkedHead + "\r\nabc\r\n0\r\n\r\n", 400 },
        { "chunk size with junk after it", chunkedHead + "3x\r\nabc\r\n0\r\n\r\n", 400 },
        { "negative chunk size", chunkedHead + "-3\r\nabc\r\n0\r\n\r\n", 400 },
        { "chunk size of 16 hex digits", chunkedHead + "1000000000000000\r\nabc\r\n0\r\n\r\n", 400 },
        { "chunk size line without end", chunkedHead + "3;" + QByteArray(1100, 'e'), 400 },
        { "bare CR in a chunk extension", chunkedHead + "3;a\rb\r\nabc\r\n0\r\n\r\n", 400 },
        { "chunk data without CRLF", chunkedHead + "3\r\nabcX0\r\n\r\n", 400 },
        { "chunk data followed by LF only", chunkedHead + "3\r\nabc\n0\r\n\r\n", 400 },
    };
}
