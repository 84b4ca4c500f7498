#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

// What the fake upstream plays back for one request: bytes to write after a pause, and whether to hang up.
// Built as plain data so that the API logic can be tested without sockets and the timing lives in one place.
struct FakeReplyStep
{
    int delayMs = 0;
    QByteArray bytes;
    bool closeAfter = false;
};

struct FakeReply
{
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    QList<FakeReplyStep> steps;

    // A whole response with Content-Length, written in one step.
    static FakeReply full(int status, const Headers &headers, const QByteArray &body);
    static FakeReply json(int status, const QByteArray &body, const Headers &extraHeaders = {});
    // Close the connection and send nothing.
    static FakeReply hangUp();

    static QByteArray statusLine(int status);
    static QByteArray head(int status, const Headers &headers);
    // One chunk of a chunked body; an empty payload would end the body, so use lastChunk() for that.
    static QByteArray chunk(const QByteArray &payload);
    static QByteArray lastChunk() { return QByteArrayLiteral("0\r\n\r\n"); }
};
