#include "member.h"

#include <QJsonValue>

using namespace Qt::StringLiterals;

namespace Roles {

QString name(Role role)
{
    switch (role) {
    case Role::Owner:
        return u"owner"_s;
    case Role::Admin:
        return u"admin"_s;
    case Role::Developer:
        return u"developer"_s;
    case Role::Restricted:
        return u"restricted"_s;
    }
    return {};
}

std::optional<Role> fromName(const QString &name)
{
    for (const Role role : {Role::Owner, Role::Admin, Role::Developer, Role::Restricted}) {
        if (Roles::name(role) == name)
            return role;
    }
    return std::nullopt;
}

QString allNames()
{
    return u"owner, admin, developer or restricted"_s;
}

} // namespace Roles

QJsonObject Member::toJson() const
{
    return {
        {u"id"_s, id},
        {u"email"_s, email},
        {u"name"_s, name},
        {u"role"_s, Roles::name(role)},
        {u"created_at"_s, createdAt.toUTC().toString(Qt::ISODateWithMs)},
        {u"key_budget_usd"_s, keyBudgetUsd ? QJsonValue(*keyBudgetUsd) : QJsonValue()},
        {u"has_password"_s, hasPassword},
    };
}

QJsonObject AccessToken::toJson() const
{
    return {
        {u"id"_s, id},
        {u"member_id"_s, memberId},
        {u"name"_s, name},
        {u"created_at"_s, createdAt.toUTC().toString(Qt::ISODateWithMs)},
        {u"last_used_at"_s, lastUsedAt.isValid() ? QJsonValue(lastUsedAt.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue()},
        {u"revoked"_s, revoked},
    };
}
