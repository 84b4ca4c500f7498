#include "fakereply.h"

namespace {
QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
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
    case 413:
        return "Payload Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
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
        return "Status";
    }
}
} // namespace

QByteArray FakeReply::statusLine(int status)
{
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
}

QByteArray FakeReply::head(int status, const Headers &headers)
{
    QByteArray out = statusLine(status);
    for (const auto &h : headers)
        out += h.first + ": " + h.second + "\r\n";
    out += "\r\n";
    return out;
}

FakeReply FakeReply::full(int status, const Headers &headers, const QByteArray &body)
{
    Headers all = headers;
    all.emplaceBack("Content-Length", QByteArray::number(body.size()));
    FakeReply reply;
    reply.steps.append({ 0, head(status, all) + body, false });
    return reply;
}

FakeReply FakeReply::json(int status, const QByteArray &body, const Headers &extraHeaders)
{
    Headers headers { { "Content-Type", "application/json" } };
    headers += extraHeaders;
    return full(status, headers, body);
}

FakeReply FakeReply::hangUp()
{
    FakeReply reply;
    reply.steps.append({ 0, {}, true });
    return reply;
}

QByteArray FakeReply::chunk(const QByteArray &payload)
{
    Q_ASSERT(!payload.isEmpty());
    return QByteArray::number(payload.size(), 16) + "\r\n" + payload + "\r\n";
}

FakeStreamPacing FakeStreamPacing::forModel(const QString &model)
{
    static const QString delayPrefix = QStringLiteral("fake-stream-delay-");
    if (model == u"fake-stream-gated")
        return { 0, true };
    if (model.startsWith(delayPrefix))
        return { qMax(0, model.mid(delayPrefix.size()).toInt()), false };
    return {};
}

void FakeStreamPacing::apply(FakeReplyStep &step, qsizetype index) const
{
    if (index == 0)
        return;
    step.delayMs = delayMs;
    step.held = held;
}
