// members: the team list, adding, changing and removing members, ownership transfer, one's own password.
#include "apiresources.h"

#include "accesstokenstore.h"
#include "apihandler.h"
#include "apikeystore.h"
#include "memberstore.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

std::optional<qint64> idFrom(const QString &segment)
{
    bool ok = false;
    const qint64 id = segment.toLongLong(&ok);
    return ok && id > 0 ? std::optional(id) : std::nullopt;
}

ApiReply noSuchMember(const QString &segment)
{
    return ApiReply::error(404, u"not_found"_s, u"there is no member '%1'"_s.arg(segment));
}

std::optional<Role> roleFrom(const QJsonValue &value, ApiReply *reply)
{
    const auto role = Roles::fromName(value.toString());
    if (!role)
        *reply = ApiReply::error(422, u"invalid"_s,
            u"'role' must be %1, not '%2'"_s.arg(Roles::allNames(), value.toVariant().toString()));
    return role;
}

// The member {id} names: a member id, or "me" for the caller.
std::optional<qint64> targetId(const ApiCall &call, ApiReply *reply)
{
    const QString segment = call.params.value(u"id"_s);
    const std::optional<qint64> id = segment == "me"_L1 ? std::optional(call.actor.id) : idFrom(segment);
    if (!id)
        *reply = noSuchMember(segment);
    return id;
}

// The member's own record, with what the dashboard may offer them: asked of the permissions, never worked
// out again by the window.
QJsonObject selfJson(const Member &self)
{
    QJsonObject body = self.toJson();
    body.insert(u"can"_s, QJsonArray::fromStringList(Permissions::actionsOf(self)));
    body.insert(u"record_scope"_s, Permissions::recordScopeName(Permissions::recordScope(self.role)));
    return body;
}

// The target of PATCH or DELETE members/{id}; refuses those who may not change members before telling them
// who exists.
std::optional<Member> targetToChange(const ApiContext &context, const ApiCall &call, ApiReply *reply)
{
    const std::optional<qint64> id = targetId(call, reply);
    if (!id)
        return std::nullopt;
    StoreError error;
    auto target = context.members.member(*id, &error);
    if (!target) {
        if (const Decision decision = Permissions::addMember(call.actor.role, Role::Restricted); !decision)
            *reply = ApiReply::forbidden(decision);
        else
            *reply = ApiReply::fromStoreError(error);
    }
    return target;
}

ApiReply changeMember(const ApiContext &context, const ApiCall &call, const Member &target)
{
    MemberStore::Change change;
    ApiReply reply;
    for (auto it = call.body.begin(); it != call.body.end(); ++it) {
        if (it.key() == "name"_L1) {
            change.name = it->toString();
        } else if (it.key() == "role"_L1) {
            change.role = roleFrom(*it, &reply);
            if (!change.role)
                return reply;
        } else if (it.key() == "key_budget_usd"_L1) {
            if (!it->isNull() && !it->isDouble())
                return ApiReply::error(
                    422, u"invalid"_s, u"'key_budget_usd' must be a number of dollars or null"_s);
            change.keyBudgetUsd = it->isNull() ? std::optional<double>() : std::optional(it->toDouble());
        } else {
            return ApiReply::error(422, u"invalid"_s,
                u"'%1' cannot be changed here (name, role, key_budget_usd can)"_s.arg(it.key()));
        }
    }
    const bool onlyName = change.name && !change.role && !change.keyBudgetUsd;
    if (const Decision decision = Permissions::changeMember(call.actor, target, change.role, onlyName);
        !decision)
        return ApiReply::forbidden(decision);
    StoreError error;
    const auto updated = context.members.update(call.auditActor(), target.id, change, &error);
    return updated ? ApiReply { 200, updated->toJson() } : ApiReply::fromStoreError(error);
}

// DELETE members/{id}[?records=keep|delete]: what becomes of their records is the remover's choice (keep, by
// default: under their email, as a former member's); one's own account always takes its records with it.
ApiReply removeMember(const ApiContext &context, const ApiCall &call, const Member &target)
{
    if (const Decision decision = Permissions::removeMember(call.actor, target); !decision)
        return ApiReply::forbidden(decision);
    const bool self = target.id == call.actor.id;
    const QString choice = call.query.queryItemValue(u"records"_s);
    if (!choice.isEmpty() && choice != "keep"_L1 && choice != "delete"_L1)
        return ApiReply::error(
            422, u"invalid"_s, u"'records' must be keep or delete, not '%1'"_s.arg(choice));
    if (self && choice == "keep"_L1)
        return ApiReply::error(422, u"invalid"_s,
            u"your own account's records are deleted with it; leave out 'records', or ask an owner "
            "or admin to remove you and keep them"_s);
    const auto records
        = self || choice == "delete"_L1 ? MemberStore::Records::Delete : MemberStore::Records::Keep;
    if (records == MemberStore::Records::Delete) {
        if (const Decision decision = Permissions::deleteMemberData(call.actor, target.email); !decision)
            return ApiReply::forbidden(decision);
    }
    StoreError error;
    const auto removal = context.members.remove(call.auditActor(), target.id, records, &error);
    if (!removal)
        return ApiReply::fromStoreError(error);
    // This instance's proxy refuses their keys from now on; the others after their catch-up with the
    // database.
    StoreError refreshError;
    if (!context.keys.refresh(&refreshError))
        qCWarning(lcApi,
            "member %lld removed, but the key cache was not refreshed (their keys are refused after "
            "the next catch-up): %s",
            target.id, qPrintable(refreshError.message));
    QJsonObject body = removal->toJson();
    body.insert(u"removed"_s, true);
    body.insert(u"id"_s, target.id);
    return { 200, body };
}

} // namespace

namespace MemberResource {

ApiReply list(const ApiContext &context, const ApiCall &call)
{
    StoreError error;
    const auto members = context.members.members(&error);
    if (!members)
        return ApiReply::fromStoreError(error);
    const bool full = Permissions::teamView(call.actor.role) == TeamView::Full;
    QJsonArray array;
    for (const Member &member : *members) {
        if (full)
            array.append(member.toJson());
        else
            array.append(QJsonObject { { u"id"_s, member.id }, { u"name"_s, member.name },
                { u"role"_s, Roles::name(member.role) } });
    }
    return { 200, QJsonObject { { u"members"_s, array } } };
}

ApiReply add(const ApiContext &context, const ApiCall &call)
{
    ApiReply reply;
    const auto role = roleFrom(call.body.value(u"role"_s), &reply);
    if (!role)
        return reply;
    if (const Decision decision = Permissions::addMember(call.actor.role, *role); !decision)
        return ApiReply::forbidden(decision);
    StoreError error;
    const auto member = context.members.add(call.auditActor(), call.body.value(u"email"_s).toString(),
        call.body.value(u"name"_s).toString(), *role, &error);
    if (!member)
        return ApiReply::fromStoreError(error);
    // The new member's first token, shown once, for whoever adds them to hand over (as the CLI does).
    const auto token = context.tokens.create(call.auditActor(), member->id, u"initial"_s, &error);
    if (!token)
        return ApiReply::fromStoreError(error);
    QJsonObject body = member->toJson();
    body.insert(u"token"_s, QString::fromLatin1(token->plaintext));
    return { 201, body };
}

ApiReply showSelf(const ApiContext &context, const ApiCall &call)
{
    StoreError error;
    const auto self = context.members.member(call.actor.id, &error);
    return self ? ApiReply { 200, selfJson(*self) } : ApiReply::fromStoreError(error);
}

ApiReply show(const ApiContext &context, const ApiCall &call)
{
    ApiReply reply;
    const std::optional<qint64> id = targetId(call, &reply);
    if (!id)
        return reply;
    if (*id == call.actor.id)
        return showSelf(context, call);
    if (const Decision decision = Permissions::seeTeam(call.actor.role); !decision)
        return ApiReply::forbidden(decision);
    StoreError error;
    const auto target = context.members.member(*id, &error);
    if (!target)
        return ApiReply::fromStoreError(error);
    if (Permissions::teamView(call.actor.role) != TeamView::Full)
        return { 200,
            QJsonObject { { u"id"_s, target->id }, { u"name"_s, target->name },
                { u"role"_s, Roles::name(target->role) } } };
    return { 200, target->toJson() };
}

ApiReply change(const ApiContext &context, const ApiCall &call)
{
    ApiReply reply;
    const auto target = targetToChange(context, call, &reply);
    return target ? changeMember(context, call, *target) : reply;
}

ApiReply remove(const ApiContext &context, const ApiCall &call)
{
    ApiReply reply;
    const auto target = targetToChange(context, call, &reply);
    return target ? removeMember(context, call, *target) : reply;
}

ApiReply transferOwnership(const ApiContext &context, const ApiCall &call)
{
    ApiReply reply;
    const std::optional<qint64> id = targetId(call, &reply);
    if (!id)
        return reply;
    StoreError error;
    if (!context.members.transferOwnership(call.auditActor(), call.actor.id, *id, &error))
        return ApiReply::fromStoreError(error);
    const auto member = context.members.member(*id, &error);
    return member ? ApiReply { 200, member->toJson() } : ApiReply::fromStoreError(error);
}

ApiReply setOwnPassword(const ApiContext &context, const ApiCall &call)
{
    const QString password = call.body.value(u"password"_s).toString();
    StoreError error;
    if (call.actor.hasPassword
        && !context.members.checkPassword(
            call.actor.email, call.body.value(u"current_password"_s).toString(), &error))
        return ApiReply::error(
            403, u"forbidden"_s, u"to change your password, send the current one as 'current_password'"_s);
    if (!context.members.setPassword(call.auditActor(), call.actor.id, password, &error))
        return ApiReply::fromStoreError(error);
    return { 200, QJsonObject { { u"password_set"_s, true } } };
}

} // namespace MemberResource
