#pragma once

#include "member.h"
#include "permissions.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>
#include <QUrlQuery>

class AccessTokenStore;
class ApiKeyStore;
class AuditLog;
class Clock;
class MemberStore;
class ProviderRegistry;

// What every worker's management API shares (all thread-safe).
struct ApiContext
{
    MemberStore &members;
    AccessTokenStore &tokens;
    AuditLog &audit;
    const Clock &clock;
    ApiKeyStore &keys; // the gateway API keys the proxy checks
    ProviderRegistry &providers; // upstream providers, their settings and keychain secrets
};

// One answer of the management API: a status and a JSON body.
struct ApiReply
{
    int status = 200;
    QJsonValue body;

    static ApiReply error(int status, const QString &code, const QString &message);
    static ApiReply forbidden(const Decision &decision) { return error(403, QStringLiteral("forbidden"), decision.reason); }
    static ApiReply fromStoreError(const StoreError &error);
    static ApiReply methodNotAllowed(const QByteArray &method, const QString &path);
};

// One authenticated request, parsed: what the resources work from.
struct ApiCall
{
    QByteArray method;
    QStringList segments; // the path after /api/v1/, split at '/'
    QUrlQuery query;
    QJsonObject body; // empty unless the request had a JSON object body
    Member actor;
    qint64 tokenId = 0;

    Actor auditActor() const { return Actor{actor.id, actor.email}; }
    QString path() const { return QStringLiteral("/api/v1/") + segments.join(u'/'); }
};

// The resources; each answers the calls whose first segment names it.
namespace MemberResource {
ApiReply handle(const ApiContext &context, const ApiCall &call);
}
namespace TokenResource {
ApiReply handle(const ApiContext &context, const ApiCall &call);
// POST auth/sign-in, the one call without a token.
ApiReply signIn(const ApiContext &context, const QJsonObject &body);
} // namespace TokenResource
namespace KeyResource {
ApiReply handle(const ApiContext &context, const ApiCall &call);
}
namespace AuditResource {
ApiReply handle(const ApiContext &context, const ApiCall &call);
}
namespace ProviderResource {
ApiReply handle(const ApiContext &context, const ApiCall &call);
}
