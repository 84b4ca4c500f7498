#pragma once

#include "database.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QReadWriteLock>
#include <QString>
#include <QStringList>

#include <optional>

class Clock;

// A gateway API key as the proxy sees it (never the secret: only its SHA-256 is stored).
struct ApiKey
{
    qint64 id = 0;
    QString name;
    QString member; // owner's email, empty if none
    QDateTime createdAt;
    bool disabled = false;
    QByteArray secretHash; // SHA-256 of the secret part
};

// Creates gateway API keys and checks presented ones. Thread-safe: the proxy's worker threads share one.
// Keys look like "llmgw_<id>_<secret>"; authentication finds the key by id and compares hashes in
// constant time. Keys created by another process on the same database are picked up on first use (an
// unknown id re-reads the table, at most every kReloadIntervalMs, so a flood of bad keys cannot load the
// database). Changes another process makes to keys this store already knows (disable, delete) are seen
// after refresh(); changes made through this store take effect at once.
// last_used_at is not updated: it would put a write on the hot path, and the requests table already has
// each key's last use (MAX(created_at) by api_key_id, indexed).
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
    std::optional<Created> create(const QString &name, const QString &memberEmail, QString *error);

    // The key a client presented, or nullopt when it is unknown, malformed, disabled or does not match.
    std::optional<ApiKey> authenticate(QByteArrayView presented);

    // Every key, oldest first, read from the database (and the cache refreshed with them).
    std::optional<QList<ApiKey>> list(QString *error);
    // Re-reads every key now, whatever the rate limit. For a periodic refresh or after outside changes.
    bool refresh(QString *error);
    bool setDisabled(qint64 id, bool disabled, QString *error);
    bool remove(qint64 id, QString *error);

    static constexpr qint64 kReloadIntervalMs = 250;

private:
    bool reload(); // re-reads the api_keys table (rate-limited on misses)
    bool loadAll(QString *error, QList<ApiKey> *keys = nullptr); // unconditional re-read
    QSqlDatabase connection(QString *error);

    DatabaseLocation m_location;
    const Clock &m_clock;
    QReadWriteLock m_lock;
    QHash<qint64, ApiKey> m_keys;
    qint64 m_lastReloadMs = -1;
    QMutex m_reloadMutex; // serialises reloads and key changes; guards m_lastReloadMs
    QMutex m_connectionsMutex;
    QStringList m_connectionNames; // one per thread that needed the database, removed on destruction
};
