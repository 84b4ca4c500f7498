#pragma once

#include "storeerror.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

// A member's role in the team; what each may do is decided in one place, app/api/permissions.
enum class Role { Owner, Admin, Developer, Restricted };

namespace Roles {
QString name(Role role); // "owner", "admin", "developer", "restricted"
std::optional<Role> fromName(const QString &name);
QString allNames(); // for messages: "owner, admin, developer or restricted"
} // namespace Roles

namespace Emails {
// An email as the store keeps and compares it, trimmed and lower-cased: Alice@Example.com and
// alice@example.com are one person, as a member, as a key's owner and as the member of a record.
QString normalized(const QString &email);
} // namespace Emails

// A person who may use the management API. The password hash never leaves the store.
struct Member
{
    qint64 id = 0;
    QString email; // lower-cased
    QString name;
    Role role = Role::Restricted;
    QDateTime createdAt;
    std::optional<double> keyBudgetUsd; // what a developer may give their own keys in total; none = no budget
    bool hasPassword = false;

    // Every field but secrets, as the API and the audit log show it.
    QJsonObject toJson() const;
};

// A personal access token as listed (never the secret: only its SHA-256 is stored).
struct AccessToken
{
    qint64 id = 0;
    qint64 memberId = 0;
    QString name;
    QDateTime createdAt;
    QDateTime lastUsedAt; // invalid when never used
    bool revoked = false;

    QJsonObject toJson() const;
};

// Who made a change, for the audit log: a member, or a local command (member id 0).
struct Actor
{
    qint64 memberId = 0;
    QString email; // the member's, or a description such as "cli"
};
