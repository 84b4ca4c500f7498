#pragma once

#include "database.h"
#include "member.h"
#include "threadconnections.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QStringList>

#include <optional>

class Clock;

// One change as the audit log keeps it: who, what, when, and the state before and after (never a secret).
struct AuditEntry
{
    qint64 id = 0;
    QDateTime at;
    qint64 actorMemberId = 0; // 0: a local command, not a member
    QString actorEmail;
    QString action; // "member.add", "member.update", "token.revoke", …
    QString target; // "member:3", "token:7"
    QJsonObject before; // empty: nothing before (a creation) or nothing to show
    QJsonObject after;

    QJsonObject toJson() const;
};

// Reads the audit log and appends to it. Writers that change something append inside their own
// transaction (append() on their connection, or an AuditedChange), so that a change and its audit row land
// together or not at all. Thread-safe: one connection per thread.
class AuditLog final
{
    Q_DISABLE_COPY_MOVE(AuditLog)
public:
    explicit AuditLog(DatabaseLocation location);
    ~AuditLog();

    // Newest first: up to `limit` entries with id < beforeId (beforeId <= 0: from the newest).
    std::optional<QList<AuditEntry>> page(qint64 beforeId, int limit, StoreError *error);

    // Appends on `db`, normally within the caller's open transaction.
    static bool append(QSqlDatabase &db, const AuditEntry &entry, QString *error);

private:
    ThreadConnections m_connections;
};

// One change and its audit entries, landing together or not at all: a write transaction on the calling
// thread's connection (serialised with every other writer, so that checks such as "one owner remains" cannot
// race), committed with the entries by finish(). Database failures are StoreError::database(`failure`, …):
// Busy or Failed, the message starting with `failure` ("cannot revoke the token: …"), the driver's words in
// the log.
class AuditedChange final
{
    Q_DISABLE_COPY_MOVE(AuditedChange)
public:
    AuditedChange(ThreadConnections &connections, QString failure);

    bool begin(StoreError *error);
    QSqlDatabase &db() { return m_db; }
    bool finish(const QList<AuditEntry> &entries, StoreError *error);

private:
    ThreadConnections &m_connections;
    QString m_failure;
    QSqlDatabase m_db;
    std::optional<WriteTransaction> m_transaction;
};
