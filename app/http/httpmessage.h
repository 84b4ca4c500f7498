#pragma once

#include <QByteArray>
#include <QList>

#include <utility>

// Header fields in arrival order; names are lower-case.
using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

// One HTTP/1.1 request as the server received it.
struct HttpRequest
{
    QByteArray method;
    QByteArray target; // as sent: path and query
    QByteArray path; // without the query
    QByteArray query;
    int minorVersion = 1; // HTTP/1.minorVersion
    HttpHeaders headers;
    QByteArray body;
    bool keepAlive = true;

    QByteArray header(QByteArrayView lowerCaseName) const;
};

namespace Http {
QByteArray headerValue(const HttpHeaders &headers, QByteArrayView lowerCaseName);
QByteArrayView reasonPhrase(int status);
bool isTokenChar(char c);

// Parses the header field lines of `block` (each ending in CRLF, no final empty line) into `headers`.
// False and *error on a malformed line (obs-fold, space before the colon, bad name, bare LF or CR).
bool parseHeaderFields(QByteArrayView block, int maxCount, HttpHeaders *headers, QByteArray *error);

// Content-Length semantics: -1 when absent, -2 when invalid or conflicting.
qint64 contentLength(const HttpHeaders &headers);
// True when the header list names "chunked" as the (last) transfer coding.
bool hasToken(QByteArrayView headerValue, QByteArrayView token);

// The IMF-fixdate for the current second, cached per thread.
QByteArray currentDate();
} // namespace Http
