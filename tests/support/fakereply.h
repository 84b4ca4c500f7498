#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

// What the fake upstream plays back for one request: bytes to write after a pause (or once the test releases
// them), and whether to hang up. Built as plain data so that the API logic can be tested without sockets and
// the timing lives in one place.
struct FakeReplyStep
{
    int delayMs = 0;
    QByteArray bytes;
    bool closeAfter = false;
    bool held
        = false; // waits at the fake upstream's FakeStreamGate until the test releases it (no pause then)
};

// How the events of a stream after the first go out, as the model name asks: after a pause each
// ("fake-stream-delay-<ms>"), or each held until the test releases it ("fake-stream-gated").
struct FakeStreamPacing
{
    int delayMs = 0;
    bool held = false;

    static FakeStreamPacing forModel(const QString &model);
    // Paces the step of event `index` (the first goes out with the head, at once).
    void apply(FakeReplyStep &step, qsizetype index) const;
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
