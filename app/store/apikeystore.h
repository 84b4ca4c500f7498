#pragma once

#include "database.h"
#include "keylimits.h"
#include "keyspend.h"
#include "member.h"
#include "threadconnections.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QReadWriteLock>
#include <QString>
#include <QStringList>

#include <optional>

class Clock;
struct AuditEntry;

// A gateway API key as the proxy sees it (never the secret: only its SHA-256 is stored).
struct ApiKey
{
    qint64 id = 0;
    QString name;
    QString member; // owner's email, empty if none
    QDateTime createdAt;
    bool disabled = false;
    QByteArray secretHash; // SHA-256 of the secret part
    KeyLimits limits; // expiry, spend limits, models and providers (KeyPolicy applies them)

    // Every field but the secret, as the API and the audit log show it.
    QJsonObject toJson() const;
};

// Creates gateway API keys and checks presented ones. Thread-safe: the proxy's worker threads share one.
// Keys look like "llmgw_<id>_<secret>"; authentication finds the key by id and compares hashes in
// constant time. Keys created by another process on the same database are picked up on first use (an
// unknown id is looked up in the table, at most kLookupsPerSecond times a second after a burst of
// kLookupBurst, so a flood of made-up keys cannot load the database). Changes another process makes to keys
// this store already knows (disable, delete) are seen after refresh(); changes made through this store take
// effect at once. last_used_at is not updated: it would put a write on the hot path, and the requests table
// already has each key's last use (MAX(created_at) by api_key_id, indexed). It also keeps each key's running
// spend (KeySpendLedger): seeded from the requests table the first time the key is checked, then added to by
// recordSpend() as this process records requests. Spend recorded by other processes on a shared database is
// not seen until this process restarts.
class ApiKeyStore final
{
    Q_DISABLE_COPY_MOVE(ApiKeyStore)
public:
    ApiKeyStore(DatabaseLocation location, const Clock &clock);
    ~ApiKeyStore();

    struct Created
    {
        ApiKey key;
        QByteArray plaintext; // shown once, never stored
    };
    // What a change may set; what is unset stays.
    struct Change
    {
        std::optional<QString> name;
        std::optional<bool> disabled;
        std::optional<KeyLimits> limits; // replaces every limit; validated first
    };

    // Every change of a key (the API's, the command line's, a test's or a benchmark's): each writes its audit
    // row (key.create, key.update, key.roll, key.delete, by `actor`) in the transaction that makes the
    // change, so both land or neither does, and each change is one statement. Invalid, NotFound, Busy or
    // Failed otherwise (StoreError).
    std::optional<Created> create(const Actor &actor, const QString &name, const QString &memberEmail,
        const KeyLimits &limits, StoreError *error);
    std::optional<ApiKey> update(const Actor &actor, qint64 id, const Change &change, StoreError *error);
    // A new secret for the same key (same id, name, limits and spend); the old secret stops working at once
    // in this process, and in others after their refresh(). The new plaintext is shown once.
    std::optional<Created> roll(const Actor &actor, qint64 id, StoreError *error);
    // Deletes the key; its request records stay (with its id).
    bool remove(const Actor &actor, qint64 id, StoreError *error);
    // Every key, oldest first, read from the database (and the cache refreshed with them).
    std::optional<QList<ApiKey>> list(StoreError *error);
    // Re-reads every key now. For a periodic refresh or after outside changes.
    bool refresh(StoreError *error);

    // The key a client presented, or nullopt when it is unknown, malformed, disabled, expired or does not
    // match.
    std::optional<ApiKey> authenticate(QByteArrayView presented);
    // The key whose secret the client presented, disabled or expired as it may be (nullopt when unknown,
    // malformed or not matching): for the proxy, which tells the client why such a key is refused.
    std::optional<ApiKey> identify(QByteArrayView presented);
    // The key as this store knows it (cached), or nullopt.
    std::optional<ApiKey> find(qint64 id) const;

    // Brings the spend totals up to what every instance sharing the database recorded: call
    // beginSpendSync(), make sure everything this process recorded before is written (LogWriter::flush),
    // then completeSpendSync(). The gateway does it every 30 s, off the event loop's thread.
    void beginSpendSync();
    bool completeSpendSync(QString *error);

    // What the key has spent, all time and in its limit's current period, as of the clock's now. Seeds the
    // key's totals from the requests table on first use (one query per key and process).
    SpendTotals spend(const ApiKey &key);
    // A request of the key that cost `cost` USD and arrived at `at`: added to the running totals. Call before
    // the record is handed to the log writer, so that the first seed cannot count it twice.
    void recordSpend(qint64 keyId, double cost, const QDateTime &at);
    const Clock &clock() const { return m_clock; }

    static constexpr int kLookupBurst = 20;
    static constexpr int kLookupsPerSecond = 20;

private:
    std::optional<ApiKey> lookUp(qint64 id); // reads one key this store does not know yet (rate-limited)
    // The key's row as stored, read on `db` (inside the change's transaction); NotFound when there is none.
    static std::optional<ApiKey> readKey(
        QSqlDatabase &db, qint64 id, const QString &failure, StoreError *error);
    AuditEntry auditEntry(const Actor &actor, const QString &action, qint64 id, const QJsonObject &before,
        const QJsonObject &after) const;
    // An unconditional re-read; a failure is StoreError::database(`failure`, …).
    bool loadAll(const QString &failure, StoreError *error, QList<ApiKey> *keys = nullptr);
    QSqlDatabase connection(QString *error);
    void ensureSeeded(qint64 id);

    DatabaseLocation m_location;
    ThreadConnections m_connections;
    const Clock &m_clock;
    mutable QReadWriteLock m_lock;
    QHash<qint64, ApiKey> m_keys;
    QMutex m_reloadMutex; // serialises reloads, lookups and key changes; guards the lookup bucket
    double m_lookupTokens = kLookupBurst;
    qint64 m_lastLookupMs = -1;
    KeySpendLedger m_spend;
    QMutex m_seedMutex; // one seeding query per key
};
