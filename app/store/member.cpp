#include "member.h"

#include "wirenames.h"

#include <QJsonValue>

using namespace Qt::StringLiterals;

namespace Roles {

namespace {
const WireName<Role> kRoleNames[] = {
    { Role::Owner, "owner"_L1 },
    { Role::Admin, "admin"_L1 },
    { Role::Developer, "developer"_L1 },
    { Role::Restricted, "restricted"_L1 },
};
} // namespace

QString name(Role role)
{
    return WireNames::name(kRoleNames, role);
}

std::optional<Role> fromName(const QString &name)
{
    return WireNames::value(kRoleNames, name);
}

QString allNames()
{
    return u"owner, admin, developer or restricted"_s;
}

} // namespace Roles

namespace Emails {

QString normalized(const QString &email)
{
    return email.trimmed().toLower();
}

} // namespace Emails

QJsonObject Member::toJson() const
{
    return {
        { u"id"_s, id },
        { u"email"_s, email },
        { u"name"_s, name },
        { u"role"_s, Roles::name(role) },
        { u"created_at"_s, createdAt.toUTC().toString(Qt::ISODateWithMs) },
        { u"key_budget_usd"_s, keyBudgetUsd ? QJsonValue(*keyBudgetUsd) : QJsonValue() },
        { u"has_password"_s, hasPassword },
    };
}

QJsonObject AccessToken::toJson() const
{
    return {
        { u"id"_s, id },
        { u"member_id"_s, memberId },
        { u"name"_s, name },
        { u"created_at"_s, createdAt.toUTC().toString(Qt::ISODateWithMs) },
        { u"last_used_at"_s,
            lastUsedAt.isValid() ? QJsonValue(lastUsedAt.toUTC().toString(Qt::ISODateWithMs))
                                 : QJsonValue() },
        { u"revoked"_s, revoked },
    };
}
