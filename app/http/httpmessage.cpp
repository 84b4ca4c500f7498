#include "httpmessage.h"

#include <QDateTime>
#include <QLocale>

QByteArray HttpRequest::header(QByteArrayView lowerCaseName) const
{
    return Http::headerValue(headers, lowerCaseName);
}

namespace Http {

QByteArray headerValue(const HttpHeaders &headers, QByteArrayView lowerCaseName)
{
    for (const auto &[name, value] : headers) {
        if (name == lowerCaseName)
            return value;
    }
    return {};
}

QByteArrayView reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Content";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool parseHeaderFields(QByteArrayView block, int maxCount, HttpHeaders *headers, QByteArray *error)
{
    qsizetype pos = 0;
    while (pos < block.size()) {
        const qsizetype eol = block.indexOf("\r\n", pos);
        if (eol < 0) {
            *error = "header line without CRLF";
            return false;
        }
        const QByteArrayView line = block.sliced(pos, eol - pos);
        pos = eol + 2;
        if (line.isEmpty() || line[0] == ' ' || line[0] == '\t') {
            *error = "obsolete line folding is not accepted";
            return false;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            *error = "header line without a field name";
            return false;
        }
        for (qsizetype i = 0; i < colon; ++i) {
            if (!isTokenChar(line[i])) {
                *error = "invalid character in header field name";
                return false;
            }
        }
        QByteArrayView value = line.sliced(colon + 1);
        for (const char c : value) {
            if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) {
                *error = "invalid character in header field value";
                return false;
            }
        }
        if (headers->size() >= maxCount) {
            *error = "too many header fields";
            return false;
        }
        headers->append({ line.first(colon).toByteArray().toLower(), value.trimmed().toByteArray() });
    }
    return true;
}

qint64 contentLength(const HttpHeaders &headers)
{
    qint64 length = -1;
    for (const auto &[name, value] : headers) {
        if (name != "content-length")
            continue;
        if (value.isEmpty() || value.size() > 18)
            return -2;
        for (const char c : value) {
            if (c < '0' || c > '9')
                return -2;
        }
        const qint64 n = value.toLongLong();
        if (length >= 0 && n != length)
            return -2;
        length = n;
    }
    return length;
}

bool hasToken(QByteArrayView headerValue, QByteArrayView token)
{
    for (QByteArrayView part : QByteArrayView(headerValue).toByteArray().split(',')) {
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QByteArray currentDate()
{
    thread_local qint64 cachedSecond = -1;
    thread_local QByteArray cached;
    const qint64 second = QDateTime::currentSecsSinceEpoch();
    if (second != cachedSecond) {
        cachedSecond = second;
        cached = QLocale::c()
                     .toString(
                         QDateTime::fromSecsSinceEpoch(second, Qt::UTC), u"ddd, dd MMM yyyy hh:mm:ss 'GMT'")
                     .toLatin1();
    }
    return cached;
}

} // namespace Http
