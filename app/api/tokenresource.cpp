// tokens and auth/sign-in: personal access tokens, listed, created (shown once) and revoked.
#include "apiresources.h"

#include "accesstokenstore.h"
#include "memberstore.h"
#include "signinthrottle.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

QJsonObject createdBody(const AccessTokenStore::Created &created)
{
    QJsonObject body = created.token.toJson();
    body.insert(u"token"_s, QString::fromLatin1(created.plaintext));
    return body;
}

} // namespace

namespace TokenResource {

ApiReply signIn(const ApiContext &context, const ApiCall &call)
{
    const QJsonObject &body = call.body;
    const QString email = body.value(u"email"_s).toString();
    const QString password = body.value(u"password"_s).toString();
    if (email.isEmpty() || password.isEmpty())
        return ApiReply::error(400, u"bad_request"_s, u"sign-in needs 'email' and 'password'"_s);
    if (const auto wait = context.signIns.wait(email, call.clientAddress)) {
        ApiReply refused = ApiReply::error(429, u"too_many_attempts"_s,
            u"too many failed sign-ins for this email or from this address; try again in %1 s"_s.arg(*wait));
        refused.headers.append(std::pair<QByteArray, QByteArray>("retry-after", QByteArray::number(*wait)));
        return refused;
    }
    StoreError error;
    const auto member = context.members.checkPassword(email, password, &error);
    if (!member) {
        if (error.kind == StoreError::Kind::Invalid) {
            context.signIns.failed(email, call.clientAddress);
            return ApiReply::error(401, u"invalid_credentials"_s, error.message);
        }
        return ApiReply::fromStoreError(error);
    }
    context.signIns.succeeded(email);
    const QString name = body.value(u"token_name"_s).toString(u"sign-in"_s);
    const auto created = context.tokens.create(Actor { member->id, member->email }, member->id, name, &error);
    if (!created)
        return ApiReply::fromStoreError(error);
    QJsonObject answer = createdBody(*created);
    answer.insert(u"member"_s, member->toJson());
    return { 201, answer };
}

ApiReply list(const ApiContext &context, const ApiCall &call)
{
    qint64 memberId = call.actor.id;
    if (call.query.hasQueryItem(u"member_id"_s)) {
        memberId = call.query.queryItemValue(u"member_id"_s).toLongLong();
        if (memberId <= 0)
            return ApiReply::error(422, u"invalid"_s, u"'member_id' must be a member's id"_s);
    }
    if (const Decision decision = Permissions::listTokensOf(call.actor, memberId); !decision)
        return ApiReply::forbidden(decision);
    StoreError error;
    const auto tokens = context.tokens.list(memberId, &error);
    if (!tokens)
        return ApiReply::fromStoreError(error);
    QJsonArray array;
    for (const AccessToken &token : *tokens)
        array.append(token.toJson());
    return { 200, QJsonObject { { u"tokens"_s, array } } };
}

ApiReply create(const ApiContext &context, const ApiCall &call)
{
    if (const Decision decision = Permissions::createTokenFor(call.actor, call.actor.id); !decision)
        return ApiReply::forbidden(decision);
    StoreError error;
    const auto created = context.tokens.create(
        call.auditActor(), call.actor.id, call.body.value(u"name"_s).toString(), &error);
    return created ? ApiReply { 201, createdBody(*created) } : ApiReply::fromStoreError(error);
}

ApiReply revoke(const ApiContext &context, const ApiCall &call)
{
    const QString segment = call.params.value(u"id"_s);
    bool ok = false;
    const qint64 id = segment.toLongLong(&ok);
    StoreError error;
    const auto token = ok ? context.tokens.token(id, &error) : std::nullopt;
    if (!token)
        return ApiReply::error(404, u"not_found"_s, u"there is no token '%1'"_s.arg(segment));
    if (const Decision decision = Permissions::revokeToken(call.actor, token->memberId); !decision)
        return ApiReply::forbidden(decision);
    if (!context.tokens.revoke(call.auditActor(), id, &error))
        return ApiReply::fromStoreError(error);
    return { 200, QJsonObject { { u"revoked"_s, true }, { u"id"_s, id } } };
}

} // namespace TokenResource
