#include "apiclient.h"

#include "modelslog.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QThread>
#include <QTimer>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcModels, "gateway.models", QtInfoMsg)

namespace {

// The address as the user typed or saw it, without a trailing slash: it goes into messages.
QString shown(const QUrl &baseUrl)
{
    return baseUrl.toString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash);
}

QString transportProblem(QNetworkReply::NetworkError error, const QString &errorString, const QUrl &url)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
        return u"connection refused (is the gateway running?)"_s;
    case QNetworkReply::HostNotFoundError:
        return u"the host name %1 is unknown"_s.arg(url.host());
    case QNetworkReply::RemoteHostClosedError:
        return u"it closed the connection before answering"_s;
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::TemporaryNetworkFailureError:
        return u"the network is down"_s;
    case QNetworkReply::SslHandshakeFailedError:
        return u"no secure connection could be made (%1)"_s.arg(errorString);
    default:
        return errorString;
    }
}

} // namespace

ApiClient::ApiClient(QObject *parent)
    : QObject(parent)
    , m_nam(new QNetworkAccessManager(this))
{ }

// Pending replies are children of the manager, a child of this: they go with it, and their callbacks
// (connected with this as context) can no longer run.
ApiClient::~ApiClient() = default;

void ApiClient::status(const QString &view, QObject *context, Callback<StatusInfo> done)
{
    typed<StatusInfo>(view, "GET", u"status"_s, {}, {}, context, std::move(done));
}

void ApiClient::me(const QString &view, QObject *context, Callback<MemberSelf> done)
{
    typed<MemberSelf>(view, "GET", u"members/me"_s, {}, {}, context, std::move(done));
}

void ApiClient::usage(
    const QString &view, const UsageQuery &query, QObject *context, Callback<UsageData> done)
{
    typed<UsageData>(view, "GET", u"usage"_s, query.toUrlQuery(), {}, context, std::move(done));
}

void ApiClient::logs(const QString &view, const LogsQuery &query, QObject *context, Callback<LogsPage> done)
{
    typed<LogsPage>(view, "GET", u"logs"_s, query.toUrlQuery(), {}, context, std::move(done));
}

void ApiClient::createKey(
    const QString &view, const QString &name, QObject *context, Callback<CreatedKey> done)
{
    typed<CreatedKey>(view, "POST", u"keys"_s, {}, QJsonDocument(QJsonObject { { u"name"_s, name } }),
        context, std::move(done));
}

void ApiClient::send(const QString &view, const QByteArray &method, const QString &path,
    const QUrlQuery &query, const QJsonDocument &body, QObject *context, Callback<QJsonDocument> done)
{
    start(view, method, path, query, body, context, std::move(done));
}

template<class T>
void ApiClient::typed(const QString &view, const QByteArray &method, const QString &path,
    const QUrlQuery &query, const QJsonDocument &body, QObject *context, Callback<T> done)
{
    start(view, method, path, query, body, context,
        [done = std::move(done)](const ApiResult<QJsonDocument> &raw) {
            ApiResult<T> result;
            result.error = raw.error;
            if (raw.value)
                result.value = T::fromJson(raw.value->object());
            done(result);
        });
}

void ApiClient::cancel(const QString &view)
{
    const QPointer<QNetworkReply> reply = m_inFlight.take(view);
    if (!reply)
        return;
    // Disconnected first: abort() emits finished() at once, and a replaced call's answer must never arrive.
    disconnect(reply, nullptr, this, nullptr);
    reply->abort();
    reply->deleteLater();
}

bool ApiClient::isLoading(const QString &view) const
{
    return !m_inFlight.value(view).isNull();
}

void ApiClient::start(const QString &view, const QByteArray &method, const QString &path,
    const QUrlQuery &query, const QJsonDocument &body, QObject *context, RawDone done)
{
    Q_ASSERT_X(QThread::currentThread() == thread(), "ApiClient", "called from another thread than its own");
    if (!view.isEmpty())
        cancel(view);
    const quint64 call = ++m_calls[view];
    const QPointer<QObject> guard(context ? context : this);
    if (!m_baseUrl.isValid() || m_baseUrl.host().isEmpty()) {
        // Still from the event loop: callers may rely on no callback running inside their call. A newer
        // call for the view in the meantime makes this answer stale like any other.
        QTimer::singleShot(0, this, [this, guard, done, view, call] {
            if (guard && (view.isEmpty() || m_calls.value(view) == call))
                done({ std::nullopt,
                    { 0, u"no_address"_s, u"no gateway address is set: choose a gateway to connect to"_s } });
        });
        return;
    }

    QUrl url = m_baseUrl;
    QString basePath = url.path();
    while (basePath.endsWith(u'/'))
        basePath.chop(1);
    url.setPath(basePath + u"/api/v1/"_s + path);
    url.setQuery(query);
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/json");
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token);
    request.setTransferTimeout(m_timeoutMs);
    QByteArray bytes;
    if (!body.isNull()) {
        bytes = body.toJson(QJsonDocument::Compact);
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    }
    QNetworkReply *reply = m_nam->sendCustomRequest(request, method, bytes);
    if (m_trust) {
        connect(reply, &QNetworkReply::sslErrors, this, [reply, trust = m_trust] {
            if (trust(reply->sslConfiguration().peerCertificate()))
                reply->ignoreSslErrors();
        });
    }
    ++m_requestCount;
    if (!view.isEmpty())
        m_inFlight.insert(view, reply);
    emit requestStarted(view, path);
    connect(reply, &QNetworkReply::finished, this,
        [this, reply, view, guard, done] { finish(reply, view, guard, done); });
}

void ApiClient::finish(
    QNetworkReply *reply, const QString &view, const QPointer<QObject> &context, const RawDone &done)
{
    reply->deleteLater();
    if (!view.isEmpty() && m_inFlight.value(view) == reply)
        m_inFlight.remove(view);
    // A reply aborted by its transfer timeout is closed: nothing to read, and reading it would warn.
    const QByteArray bytes = reply->isOpen() ? reply->readAll() : QByteArray();
    ApiResult<QJsonDocument> result;
    result.error = errorOf(reply, bytes);
    if (!result.error.isError()) {
        QJsonParseError parseError;
        const QJsonDocument document
            = bytes.isEmpty() ? QJsonDocument() : QJsonDocument::fromJson(bytes, &parseError);
        if (!bytes.isEmpty() && document.isNull()) {
            result.error = { reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                u"bad_answer"_s,
                u"the gateway at %1 answered with something that is not JSON (%2): is it an LLM Gateway?"_s
                    .arg(shown(m_baseUrl), parseError.errorString()) };
        } else {
            result.value = document;
        }
    }
    if (result.error.isError())
        qCInfo(lcModels) << reply->operation() << reply->url().path() << "failed:" << result.error.message;
    if (result.error.isUnauthorized())
        emit unauthorized();
    // The page that asked is gone (closed, or replaced its view object): its answer has no one to go to.
    if (context)
        done(result);
}

ApiError ApiClient::errorOf(QNetworkReply *reply, const QByteArray &body) const
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString where = shown(m_baseUrl);
    if (status == 0) {
        if (reply->error() == QNetworkReply::NoError)
            return {};
        if (reply->error() == QNetworkReply::TimeoutError
            || reply->error() == QNetworkReply::OperationCanceledError)
            return { 0, u"timeout"_s,
                u"the gateway at %1 did not answer within %2 s; it may be overloaded, or the network is slow"_s
                    .arg(where, QString::number(m_timeoutMs / 1000.0)) };
        return { 0, u"unreachable"_s,
            u"cannot reach the gateway at %1: %2"_s.arg(
                where, transportProblem(reply->error(), reply->errorString(), m_baseUrl)) };
    }
    if (status < 400)
        return {};

    const QJsonObject error = QJsonDocument::fromJson(body).object().value(u"error"_s).toObject();
    const QString code = error.value(u"code"_s).toString();
    const QString message = error.value(u"message"_s).toString();
    if (status == 401)
        return { status, code.isEmpty() ? u"unauthorized"_s : code,
            u"your session is no longer valid: sign in to %1 again"_s.arg(where) };
    if (!message.isEmpty())
        return { status, code, message };
    // No API error object: something else answered (an older gateway, a proxy in between).
    const QString path = reply->url().path();
    if (status == 404)
        return { status, u"not_found"_s,
            u"the gateway at %1 does not offer %2; it may be an older version than this window"_s.arg(
                where, path) };
    if (status >= 500)
        return { status, u"server_error"_s,
            u"the gateway at %1 failed to answer %2 (HTTP %3); its log may say why"_s.arg(where, path)
                .arg(status) };
    return { status, u"http_%1"_s.arg(status),
        u"the gateway at %1 refused %2 (HTTP %3)"_s.arg(where, path).arg(status) };
}
