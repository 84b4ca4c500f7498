#pragma once

#include "member.h"
#include "threadconnections.h"

#include <QList>

#include <optional>

class Clock;

// The team: members, their roles, budgets and passwords. Thread-safe (a connection per thread). Every change
// writes its audit row in the same transaction. The store itself keeps the one invariant that does not
// depend on who asks: the last owner can never be removed or demoted. Who may do what is decided by the
// API's Permissions before it calls in here.
class MemberStore final
{
    Q_DISABLE_COPY_MOVE(MemberStore)
public:
    MemberStore(DatabaseLocation location, const Clock &clock);

    struct Change
    {
        std::optional<QString> name;
        std::optional<Role> role;
        std::optional<std::optional<double>> keyBudgetUsd; // set: a new budget, or none
    };

    std::optional<Member> add(
        const Actor &actor, const QString &email, const QString &name, Role role, StoreError *error);
    std::optional<Member> member(qint64 id, StoreError *error);
    std::optional<Member> memberByEmail(const QString &email, StoreError *error);
    std::optional<QList<Member>> members(StoreError *error); // oldest first
    std::optional<Member> update(const Actor &actor, qint64 id, const Change &change, StoreError *error);
    // What becomes of a removed member's request records (and their usage rollups) and gateway keys.
    enum class Records { Keep, Delete };
    // What a removal did; its audit entry's "after".
    struct Removal
    {
        Records records = Records::Keep;
        qint64 tokensRevoked = 0;
        qint64 keysDisabled
            = 0; // Keep: their keys stay, disabled, so the team's figures by key still name them
        qint64 keysDeleted = 0; // Delete: their keys go with their records
        qint64 recordsDeleted = 0; // Delete
        QJsonObject toJson() const;
    };
    // Removes the member and locks the door behind them, in one transaction with its audit entry: their
    // access tokens are deleted (every instance reads tokens from the database, so they stop at once
    // everywhere) and their gateway keys (issued to their email, in any case) disabled, or with
    // Records::Delete deleted together with their records. What their keys spent stays counted either way
    // (as RecordStore::deleteRecords keeps it). The key caches are not this store's: the caller refreshes
    // its own ApiKeyStore at once, and the other instances' proxies refuse the keys after their catch-up
    // (Gateway::catchUpWithSharedDatabase).
    std::optional<Removal> remove(const Actor &actor, qint64 id, Records records, StoreError *error);
    // The target becomes owner and `from` (an owner) becomes admin, in one step.
    bool transferOwnership(const Actor &actor, qint64 fromId, qint64 toId, StoreError *error);

    bool setPassword(const Actor &actor, qint64 id, const QString &password, StoreError *error);
    // The member with this email and password; the same Invalid error for an unknown email and a wrong
    // password, after the same work, so that neither the answer nor its timing tells members apart.
    std::optional<Member> checkPassword(const QString &email, const QString &password, StoreError *error);

    // The owner the local dashboard acts as: the oldest owner, or a new "Local owner" (owner@localhost)
    // when the team has none yet (a fresh data dir). See AccessTokenStore::mintSessionToken.
    std::optional<Member> ensureLocalOwner(StoreError *error);

private:
    std::optional<QList<Member>> select(const QString &where, const QVariantList &binds, StoreError *error);
    // Whether another owner is left when one stops being an owner: false and *error Conflict when it is the
    // last, or StoreError::database(`failure`, …) when the owners cannot be counted.
    bool anotherOwnerRemains(QSqlDatabase &db, const QString &failure, StoreError *error);

    ThreadConnections m_connections;
    const Clock &m_clock;
};
