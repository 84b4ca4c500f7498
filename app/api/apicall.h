#pragma once

#include "member.h"
#include "permissions.h"
#include "usagereport.h"

#include <QByteArrayList>
#include <QHash>
#include <QIODevice>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>
#include <QUrlQuery>

#include <functional>

class AccessTokenStore;
class ApiKeyStore;
class AuditLog;
class Clock;
class GatewayVitals;
class LogWriter;
class MemberStore;
class PolicyStore;
class RecordStore;
class ProviderRegistry;
class QThreadPool;
class SignInThrottle;

// What every worker's management API shares (all thread-safe).
struct ApiContext
{
    MemberStore &members;
    AccessTokenStore &tokens;
    AuditLog &audit;
    const Clock &clock;
    ApiKeyStore &keys; // the gateway API keys the proxy checks
    RecordStore &records;
    PolicyStore &policies;
    ProviderRegistry &providers; // upstream providers, their settings and keychain secrets
    QThreadPool &pool; // where the calls run, off the proxy's worker threads
    SignInThrottle &signIns; // failed password sign-ins, to slow guessing down
    const GatewayVitals
        &vitals; // for status: the listener, uptime, the proxy's requests in flight and per minute
    const LogWriter &log; // for status: its backlog and failures
};

// One answer of the management API: a status and a JSON body, or a body written as it is produced
// (exports, pages assembled from stored JSON) when `writer` is set.
struct ApiReply
{
    ApiReply() = default;
    ApiReply(int status, QJsonValue body)
        : status(status)
        , body(std::move(body))
    { }

    int status = 200;
    QJsonValue body;
    QByteArray contentType = "application/json";
    QByteArray fileName; // with a writer: offered as the download's name
    QList<std::pair<QByteArray, QByteArray>> headers; // more response headers
    // Writes the body; false and *error when it failed part way (the answer is then cut short).
    std::function<bool(QIODevice &out, QString *error)> writer;

    static ApiReply error(int status, const QString &code, const QString &message);
    static ApiReply forbidden(const Decision &decision)
    {
        return error(403, QStringLiteral("forbidden"), decision.reason);
    }
    static ApiReply fromStoreError(const StoreError &error);
    // 405 with the Allow header naming the methods the path takes.
    static ApiReply methodNotAllowed(
        const QByteArray &method, const QString &path, const QByteArrayList &allowed);
};

// One authenticated request, parsed: what the resources work from.
struct ApiCall
{
    QString clientAddress; // the peer's IP address
    bool confidential = false; // nobody on the way can read it: TLS, this machine, or a TLS proxy in front
    QByteArray method;
    QStringList segments; // the path after /api/v1/, split at '/'
    QHash<QString, QString> params; // the {param}s of the route's pattern, by name ("id" → "42")
    QUrlQuery query;
    QJsonObject body; // empty unless the request had a JSON object body
    Member actor;
    qint64 tokenId = 0;

    Actor auditActor() const { return Actor { actor.id, actor.email }; }
    QString path() const { return QStringLiteral("/api/v1/") + segments.join(u'/'); }
};

// Shared by the resources that read the request records: the filters of usage, logs and export.
namespace RecordParams {
// from, to (ISO 8601; default: the last 30 days up to now), model, provider, key, member; *error names the
// bad parameter. Members who see only their own keys' records get `member` set to themselves, and a
// refusal when they asked for someone else's.
std::optional<RecordFilter> filter(const ApiContext &context, const ApiCall &call, ApiReply *refusal);
} // namespace RecordParams
