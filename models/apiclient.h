#pragma once

#include "apitypes.h"
#include "logsquery.h"
#include "usagequery.h"

#include <QHash>
#include <QJsonDocument>
#include <QObject>
#include <QPointer>
#include <QUrl>
#include <functional>

class QNetworkAccessManager;
class QSslCertificate;
class QNetworkReply;

// The dashboard's client of the management API (/api/v1): asynchronous typed calls over
// QNetworkAccessManager, for the local gateway or a team's.
//
// Threading: lives on the thread that uses it (the GUI thread); call it from there only. Callbacks run
// on that thread, from the event loop, never inside the call that started the request.
//
// Views: every call names a view (a page's chart, table, card row …). A newer call for the same view
// aborts the older one, whose callback is then never called, so a slow answer to an old filter can never
// overwrite a newer one. An empty view name is never replaced (one-off actions such as creating a key).
//
// Context: a callback runs only while its context object lives; destroying the context (a closed page)
// drops the answer. Failures arrive as ApiResult::error, never silently.
class ApiClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiClient)

public:
    template<class T> using Callback = std::function<void(const ApiResult<T> &)>;

    explicit ApiClient(QObject *parent = nullptr);
    ~ApiClient() override;

    // The gateway's root, e.g. http://127.0.0.1:4747 (the client adds /api/v1/…).
    QUrl baseUrl() const { return m_baseUrl; }
    void setBaseUrl(const QUrl &baseUrl) { m_baseUrl = baseUrl; }
    // A personal access token (llmgw_pat_…), sent as "Authorization: Bearer".
    QByteArray token() const { return m_token; }
    void setToken(const QByteArray &token) { m_token = token; }
    // For the window's own gateway over HTTPS: a certificate `accept` approves is trusted even when no CA
    // vouches for it or it names another host than the URL's (its host knows which certificate it serves).
    // Null: only what the system trusts.
    void setCertificateTrust(std::function<bool(const QSslCertificate &)> accept)
    {
        m_trust = std::move(accept);
    }
    // How long an answer may take before the call fails with code "timeout".
    int timeoutMs() const { return m_timeoutMs; }
    void setTimeoutMs(int timeoutMs) { m_timeoutMs = timeoutMs; }

    void status(const QString &view, QObject *context, Callback<StatusInfo> done);
    void me(const QString &view, QObject *context, Callback<MemberSelf> done);
    void usage(const QString &view, const UsageQuery &query, QObject *context, Callback<UsageData> done);
    void logs(const QString &view, const LogsQuery &query, QObject *context, Callback<LogsPage> done);
    void createKey(const QString &view, const QString &name, QObject *context, Callback<CreatedKey> done);
    // Any other call (keys list, providers, policies …): `path` below /api/v1 such as "keys" or "keys/12";
    // `body` is sent as JSON unless it is null. The answer's JSON (an empty document for 204).
    void send(const QString &view, const QByteArray &method, const QString &path, const QUrlQuery &query,
        const QJsonDocument &body, QObject *context, Callback<QJsonDocument> done);

    // Aborts the view's call in flight; its callback is not called.
    void cancel(const QString &view);
    bool isLoading(const QString &view) const;
    // Requests this client has sent since it was made (diagnostics, and tests that must see none).
    qint64 requestCount() const { return m_requestCount; }

signals:
    // A call got 401: the token is no longer valid. The window signs in again or asks its host for one.
    void unauthorized();
    void requestStarted(const QString &view, const QString &path);

private:
    using RawDone = std::function<void(const ApiResult<QJsonDocument> &)>;
    void start(const QString &view, const QByteArray &method, const QString &path, const QUrlQuery &query,
        const QJsonDocument &body, QObject *context, RawDone done);
    template<class T>
    void typed(const QString &view, const QByteArray &method, const QString &path, const QUrlQuery &query,
        const QJsonDocument &body, QObject *context, Callback<T> done);
    void finish(
        QNetworkReply *reply, const QString &view, const QPointer<QObject> &context, const RawDone &done);
    ApiError errorOf(QNetworkReply *reply, const QByteArray &body) const;

    QNetworkAccessManager *m_nam;
    QUrl m_baseUrl;
    QByteArray m_token;
    std::function<bool(const QSslCertificate &)> m_trust;
    int m_timeoutMs = 30'000;
    qint64 m_requestCount = 0;
    QHash<QString, QPointer<QNetworkReply>> m_inFlight; // by view
    QHash<QString, quint64> m_calls; // calls started per view: an answer for an older one is stale
};
