#pragma once

#include "database.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QReadWriteLock>
#include <QString>

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
// constant time. Keys created by another process on the same database are picked up on first use.
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

private:
    bool reload(); // re-reads the api_keys table (rate-limited on misses)
    QSqlDatabase connection(QString *error);

    DatabaseLocation m_location;
    const Clock &m_clock;
    QReadWriteLock m_lock;
    QHash<qint64, ApiKey> m_keys;
    qint64 m_lastReloadMs = -1;
};
