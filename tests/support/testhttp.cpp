#include "testhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QSignalSpy>

QJsonObject TestHttpResult::json() const
{
    return QJsonDocument::fromJson(body).object();
}

TestHttpResult TestHttp::call(QNetworkAccessManager &nam, quint16 port, const QByteArray &method,
    const QString &path, const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    for (const auto &h : headers)
        request.setRawHeader(h.first, h.second);
    QNetworkReply *reply = nam.sendCustomRequest(request, method, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    TestHttpResult result;
    if (!reply->isFinished() && !finished.wait(30000)) {
        reply->abort();
        delete reply;
        qWarning("%s %s on port %u got no answer within 30 s", method.constData(), qPrintable(path), port);
        return result;
    }
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.error = reply->error();
    result.body = reply->readAll();
    for (const auto &pair : reply->rawHeaderPairs())
        result.headers.insert(pair.first.toLower(), pair.second);
    delete reply;
    return result;
}

QByteArray TestHttp::chatBody(const QString &model, const QString &userText, bool stream, bool includeUsage)
{
    QJsonObject body { { QStringLiteral("model"), model },
        { QStringLiteral("messages"),
            QJsonArray { QJsonObject { { QStringLiteral("role"), QStringLiteral("system") },
                             { QStringLiteral("content"), QStringLiteral("Be brief.") } },
                QJsonObject { { QStringLiteral("role"), QStringLiteral("user") },
                    { QStringLiteral("content"), userText } } } } };
    if (stream)
        body.insert(QStringLiteral("stream"), true);
    if (includeUsage)
        body.insert(
            QStringLiteral("stream_options"), QJsonObject { { QStringLiteral("include_usage"), true } });
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QByteArrayList TestHttp::sseData(const QByteArray &body)
{
    QByteArrayList out;
    for (const QByteArray &line : body.split('\n')) {
        if (line.startsWith("data: "))
            out.append(line.mid(6));
    }
    return out;
}
