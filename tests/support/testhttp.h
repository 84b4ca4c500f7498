#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QNetworkReply>
#include <QPair>
#include <QString>

class QNetworkAccessManager;

// One answer as an ordinary HTTP client (QNetworkAccessManager) saw it.
struct TestHttpResult
{
    int status = 0; // 0 when no response arrived
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; // names lower-cased

    QByteArray header(const char *name) const { return headers.value(QByteArray(name).toLower()); }
    QJsonObject json() const;
};

// Small helpers for tests that talk HTTP to a gateway or the fake upstream through QNetworkAccessManager.
namespace TestHttp {
// Sends a request to http://127.0.0.1:port + path and waits (running the event loop) for the answer.
TestHttpResult call(QNetworkAccessManager &nam, quint16 port, const QByteArray &method, const QString &path,
    const QByteArray &body = {}, const QList<QPair<QByteArray, QByteArray>> &headers = {});
// A Chat Completions request body: a system message "Be brief." and one user message.
QByteArray chatBody(
    const QString &model, const QString &userText, bool stream = false, bool includeUsage = false);
// The payloads of an SSE body's `data:` lines, in order; "[DONE]" stays as text.
QByteArrayList sseData(const QByteArray &body);
} // namespace TestHttp
