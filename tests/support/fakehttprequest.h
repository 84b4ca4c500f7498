#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QPair>

// One HTTP request as the fake upstream received it, kept so that tests can check what the gateway sent.
struct FakeHttpRequest
{
    QByteArray method;
    QByteArray target; // as on the request line, query included
    QByteArray path; // target without the query
    int minorVersion = 1;
    QList<QPair<QByteArray, QByteArray>> headers; // names lower-cased, in arrival order
    QByteArray body; // de-chunked
    bool chunked = false; // whether the body came chunked
    quint64 connectionId = 0; // same id = same TCP connection (keep-alive reuse)

    // The first value of a header (name lower-case), or a null QByteArray.
    QByteArray header(const QByteArray &name) const;
    bool keepAlive() const;
    // The body parsed as JSON, or Undefined when it is not JSON.
    QJsonValue json() const;
};
