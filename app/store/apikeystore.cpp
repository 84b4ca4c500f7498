#include "apikeystore.h"

#include "auditlog.h"
#include "clock.h"
#include "secrettoken.h"
#include "sqlexec.h"
#include "storelog.h"

#include <QJsonArray>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace {

constexpr QByteArrayView kPrefix = "llmgw_";

QVariant nullableDouble(const std::optional<double> &value)
{
    return value ? QVariant(*value) : QVariant(QMetaType::fromType<double>());
}

// The limit columns, from `first` on: expires_at, spend_limit_usd, period_limit_usd, limit_period, then the
// four JSON lists. Only setLimits() writes them, so a malformed value means outside editing: say so.
void readLimits(const QSqlQuery &query, int first, ApiKey *key)
{
    KeyLimits &limits = key->limits;
    if (const QVariant expires = query.value(first); !expires.isNull())
        limits.expiresAt = QDateTime::fromString(expires.toString(), Qt::ISODateWithMs).toUTC();
    if (const QVariant limit = query.value(first + 1); !limit.isNull())
        limits.spendLimitUsd = limit.toDouble();
    if (const QVariant limit = query.value(first + 2); !limit.isNull())
        limits.periodLimitUsd = limit.toDouble();
    limits.period = KeyPeriods::fromName(query.value(first + 3).toString()).value_or(LimitPeriod::None);
    QStringList *lists[]
        = { &limits.allowedModels, &limits.deniedModels, &limits.allowedProviders, &limits.deniedProviders };
    for (int i = 0; i < 4; ++i) {
        QString error;
        *lists[i] = ModelPatterns::fromJson(query.value(first + 4 + i).toString(), &error);
        if (!error.isEmpty())
            qCWarning(lcStore) << "API key" << key->id
                               << "has an unreadable model or provider list:" << error;
    }
}

// The limit columns readLimits() reads and bindLimits() binds, in their order.
const QString kLimitColumns = QStringLiteral(
    "expires_at, spend_limit_usd, period_limit_usd, limit_period, allowed_models, denied_models, "
    "allowed_providers, denied_providers");

void bindLimits(QSqlQuery &query, const KeyLimits &limits)
{
    query.addBindValue(limits.expiresAt ? QVariant(limits.expiresAt->toUTC().toString(Qt::ISODateWithMs))
                                        : QVariant(QMetaType::fromType<QString>()));
    query.addBindValue(nullableDouble(limits.spendLimitUsd));
    query.addBindValue(nullableDouble(limits.periodLimitUsd));
    query.addBindValue(limits.period == LimitPeriod::None ? QVariant(QMetaType::fromType<QString>())
                                                          : QVariant(KeyPeriods::name(limits.period)));
    for (const QStringList *list :
        { &limits.allowedModels, &limits.deniedModels, &limits.allowedProviders, &limits.deniedProviders })
        query.addBindValue(ModelPatterns::toJson(*list));
}

QJsonValue money(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

KeyLimits utcLimits(KeyLimits limits)
{
    if (limits.expiresAt)
        limits.expiresAt = limits.expiresAt->toUTC();
    return limits;
}

// The columns keyFrom() reads, in its order.
const QString kKeyColumns
    = QStringLiteral("id, name, member_email, secret_hash, created_at, disabled, expires_at, "
                     "spend_limit_usd, period_limit_usd, "
                     "limit_period, allowed_models, denied_models, allowed_providers, denied_providers");

ApiKey keyFrom(const QSqlQuery &query)
{
    ApiKey key;
    key.id = query.value(0).toLongLong();
    key.name = query.value(1).toString();
    key.member = query.value(2).toString();
    key.secretHash = QByteArray::fromHex(query.value(3).toString().toLatin1());
    key.createdAt = QDateTime::fromString(query.value(4).toString(), Qt::ISODateWithMs);
    key.disabled = query.value(5).toInt() != 0;
    readLimits(query, 6, &key);
    return key;
}

} // namespace

QJsonObject ApiKey::toJson() const
{
    return QJsonObject {
        { u"id"_s, id },
        { u"name"_s, name },
        { u"member"_s, member },
        { u"created_at"_s, createdAt.toUTC().toString(Qt::ISODate) },
        { u"disabled"_s, disabled },
        { u"expires_at"_s,
            limits.expiresAt ? QJsonValue(limits.expiresAt->toUTC().toString(Qt::ISODate))
                             : QJsonValue(QJsonValue::Null) },
        { u"spend_limit_usd"_s, money(limits.spendLimitUsd) },
        { u"period_limit_usd"_s, money(limits.periodLimitUsd) },
        { u"limit_period"_s,
            limits.period == LimitPeriod::None ? QJsonValue(QJsonValue::Null)
                                               : QJsonValue(KeyPeriods::name(limits.period)) },
        { u"allowed_models"_s, QJsonArray::fromStringList(limits.allowedModels) },
        { u"denied_models"_s, QJsonArray::fromStringList(limits.deniedModels) },
        { u"allowed_providers"_s, QJsonArray::fromStringList(limits.allowedProviders) },
        { u"denied_providers"_s, QJsonArray::fromStringList(limits.deniedProviders) },
    };
}

ApiKeyStore::ApiKeyStore(DatabaseLocation location, const Clock &clock)
    : m_location(location)
    , m_connections(std::move(location), u"gateway.apikeys"_s)
    , m_clock(clock)
{ }

ApiKeyStore::~ApiKeyStore() = default;

QSqlDatabase ApiKeyStore::connection(QString *error)
{
    return m_connections.connection(error);
}

std::optional<ApiKeyStore::Created> ApiKeyStore::create(const Actor &actor, const QString &name,
    const QString &memberEmail, const KeyLimits &limits, StoreError *error)
{
    ApiKey key;
    key.name = name.trimmed();
    if (key.name.isEmpty()) {
        error->set(StoreError::Kind::Invalid,
            u"an API key needs a name (for example the project or person using it)"_s);
        return std::nullopt;
    }
    if (const QString problem = limits.validate(); !problem.isEmpty()) {
        error->set(StoreError::Kind::Invalid, problem);
        return std::nullopt;
    }
    const QByteArray secret = SecretToken::newSecret();
    key.member = Emails::normalized(memberEmail); // its records carry it: one spelling for one person
    key.createdAt = m_clock.now().toUTC();
    key.secretHash = SecretToken::hashOf(secret);
    key.limits = utcLimits(limits);

    // Held until the cache has the key, so that a concurrent reload cannot swap in a table without it.
    QMutexLocker reloadLocker(&m_reloadMutex);
    AuditedChange audited(m_connections, u"cannot create the API key"_s);
    if (!audited.begin(error))
        return std::nullopt;
    QSqlQuery insert(audited.db());
    const QString insertKey
        = u"INSERT INTO api_keys (name, member_email, secret_hash, created_at, disabled, "_s + kLimitColumns
        + u") VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"_s;
    const bool prepared = insert.prepare(insertKey);
    insert.addBindValue(key.name);
    insert.addBindValue(key.member.isNull() ? u""_s : key.member); // a null QString would bind as NULL
    insert.addBindValue(QString::fromLatin1(key.secretHash.toHex()));
    insert.addBindValue(key.createdAt.toString(Qt::ISODateWithMs));
    bindLimits(insert, key.limits);
    // A failed prepare (on PostgreSQL a lock wait that timed out) is the statement's error.
    if (!prepared || !insert.exec() || !insert.next()) {
        *error = StoreError::database(u"cannot create the API key"_s, insert.lastError());
        return std::nullopt;
    }
    key.id = insert.value(0).toLongLong();
    insert.finish();
    if (!audited.finish({ auditEntry(actor, u"key.create"_s, key.id, {}, key.toJson()) }, error))
        return std::nullopt;

    QWriteLocker locker(&m_lock);
    m_keys.insert(key.id, key);
    return Created { key, SecretToken::compose(kPrefix, key.id, secret) };
}

std::optional<ApiKey> ApiKeyStore::identify(QByteArrayView presented)
{
    const std::optional<SecretToken::Parsed> parsed = SecretToken::parse(presented, kPrefix);
    if (!parsed)
        return std::nullopt;

    std::optional<ApiKey> found = find(parsed->id);
    if (!found)
        found = lookUp(parsed->id); // perhaps created by another process since the last read
    if (!found || !SecretToken::constantTimeEquals(SecretToken::hashOf(parsed->secret), found->secretHash))
        return std::nullopt;
    return found;
}

std::optional<ApiKey> ApiKeyStore::authenticate(QByteArrayView presented)
{
    std::optional<ApiKey> key = identify(presented);
    if (!key || key->disabled || (key->limits.expiresAt && *key->limits.expiresAt <= m_clock.now()))
        return std::nullopt;
    return key;
}

std::optional<ApiKey> ApiKeyStore::find(qint64 id) const
{
    QReadLocker locker(&m_lock);
    if (const auto it = m_keys.constFind(id); it != m_keys.cend())
        return *it;
    return std::nullopt;
}

std::optional<ApiKey> ApiKeyStore::lookUp(qint64 id)
{
    QMutexLocker locker(&m_reloadMutex);
    if (auto cached = find(id)) // a concurrent lookup may just have brought it in
        return cached;
    // A bucket of kLookupBurst lookups, refilled at kLookupsPerSecond: a flood of made-up keys cannot load
    // the database, and keys made elsewhere are found at once in ordinary times.
    const qint64 now = m_clock.monotonicMs();
    if (m_lastLookupMs >= 0)
        m_lookupTokens = std::min(
            double(kLookupBurst), m_lookupTokens + double(now - m_lastLookupMs) * kLookupsPerSecond / 1000.0);
    m_lastLookupMs = now;
    if (m_lookupTokens < 1.0)
        return std::nullopt;
    m_lookupTokens -= 1.0;

    QString error;
    QSqlDatabase db = connection(&error);
    if (!db.isValid()) {
        qCWarning(lcStore) << "cannot look up API key" << id << ":" << error;
        return std::nullopt;
    }
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!Sql::exec(query, u"SELECT "_s + kKeyColumns + u" FROM api_keys WHERE id = ?"_s, { id })) {
        qCWarning(lcStore) << "cannot look up API key" << id << ":" << query.lastError().text();
        query.finish();
        db.close(); // the next use reconnects, in case the server went away
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;
    ApiKey key = keyFrom(query);
    QWriteLocker writeLocker(&m_lock);
    m_keys.insert(key.id, key);
    return key;
}

bool ApiKeyStore::refresh(StoreError *error)
{
    QMutexLocker locker(&m_reloadMutex);
    return loadAll(u"cannot read the API keys"_s, error);
}

// Callers hold m_reloadMutex, so loads and writes reach the cache in the order they reached the database.
bool ApiKeyStore::loadAll(const QString &failure, StoreError *error, QList<ApiKey> *keys)
{
    QSqlDatabase db = m_connections.connection(failure, error);
    if (!db.isValid())
        return false;
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.exec(u"SELECT "_s + kKeyColumns + u" FROM api_keys ORDER BY id"_s)) {
        *error = StoreError::database(failure, query.lastError());
        query.finish();
        db.close(); // the next use reconnects, in case the server went away
        return false;
    }
    QHash<qint64, ApiKey> loaded;
    while (query.next()) {
        ApiKey key = keyFrom(query);
        if (keys)
            keys->append(key);
        loaded.insert(key.id, std::move(key));
    }
    if (query.lastError().isValid()) {
        *error = StoreError::database(failure, query.lastError());
        return false;
    }
    QWriteLocker locker(&m_lock);
    m_keys.swap(loaded);
    return true;
}

std::optional<QList<ApiKey>> ApiKeyStore::list(StoreError *error)
{
    QList<ApiKey> keys;
    QMutexLocker locker(&m_reloadMutex);
    if (!loadAll(u"cannot read the API keys"_s, error, &keys))
        return std::nullopt;
    return keys;
}

std::optional<ApiKey> ApiKeyStore::update(
    const Actor &actor, qint64 id, const Change &change, StoreError *error)
{
    if (change.name && change.name->trimmed().isEmpty()) {
        error->set(StoreError::Kind::Invalid, u"an API key's name cannot be empty"_s);
        return std::nullopt;
    }
    if (change.limits) {
        if (const QString problem = change.limits->validate(); !problem.isEmpty()) {
            error->set(StoreError::Kind::Invalid, problem);
            return std::nullopt;
        }
    }
    QMutexLocker reloadLocker(&m_reloadMutex);
    AuditedChange audited(m_connections, u"cannot change API key %1"_s.arg(id));
    if (!audited.begin(error))
        return std::nullopt;
    const auto before = readKey(audited.db(), id, u"cannot change API key %1"_s.arg(id), error);
    if (!before)
        return std::nullopt;
    ApiKey after = *before;
    if (change.name)
        after.name = change.name->trimmed();
    if (change.disabled)
        after.disabled = *change.disabled;
    if (change.limits)
        after.limits = utcLimits(*change.limits);
    QSqlQuery write(audited.db());
    const bool prepared = write.prepare(u"UPDATE api_keys SET name = ?, disabled = ?, ("_s + kLimitColumns
        + u") = (?, ?, ?, ?, ?, ?, ?, ?) WHERE id = ?"_s);
    write.addBindValue(after.name);
    write.addBindValue(int(after.disabled));
    bindLimits(write, after.limits);
    write.addBindValue(id);
    if (!prepared || !write.exec()) {
        *error = StoreError::database(u"cannot change API key %1"_s.arg(id), write.lastError());
        return std::nullopt;
    }
    if (!audited.finish({ auditEntry(actor, u"key.update"_s, id, before->toJson(), after.toJson()) }, error))
        return std::nullopt;
    QWriteLocker locker(&m_lock);
    m_keys.insert(id, after);
    return after;
}

std::optional<ApiKeyStore::Created> ApiKeyStore::roll(const Actor &actor, qint64 id, StoreError *error)
{
    const QString failure = u"cannot replace the secret of API key %1"_s.arg(id);
    QMutexLocker reloadLocker(&m_reloadMutex);
    AuditedChange audited(m_connections, failure);
    if (!audited.begin(error))
        return std::nullopt;
    // Read in the transaction, so that a key this process had not seen yet is known with all its fields.
    const auto before = readKey(audited.db(), id, failure, error);
    if (!before)
        return std::nullopt;
    const QByteArray secret = SecretToken::newSecret();
    ApiKey after = *before;
    after.secretHash = SecretToken::hashOf(secret);
    QSqlQuery write(audited.db());
    if (!Sql::exec(write, u"UPDATE api_keys SET secret_hash = ? WHERE id = ?"_s,
            { QString::fromLatin1(after.secretHash.toHex()), id })) {
        *error = StoreError::database(failure, write.lastError());
        return std::nullopt;
    }
    if (!audited.finish({ auditEntry(actor, u"key.roll"_s, id, before->toJson(), after.toJson()) }, error))
        return std::nullopt;
    QWriteLocker locker(&m_lock);
    m_keys.insert(id, after);
    return Created { after, SecretToken::compose(kPrefix, id, secret) };
}

bool ApiKeyStore::remove(const Actor &actor, qint64 id, StoreError *error)
{
    const QString failure = u"cannot delete API key %1"_s.arg(id);
    QMutexLocker reloadLocker(&m_reloadMutex);
    AuditedChange audited(m_connections, failure);
    if (!audited.begin(error))
        return false;
    const auto before = readKey(audited.db(), id, failure, error);
    if (!before)
        return false;
    QSqlQuery erase(audited.db());
    if (!Sql::exec(erase, u"DELETE FROM api_keys WHERE id = ?"_s, { id })) {
        *error = StoreError::database(failure, erase.lastError());
        return false;
    }
    if (!audited.finish({ auditEntry(actor, u"key.delete"_s, id, before->toJson(), {}) }, error))
        return false;
    QWriteLocker locker(&m_lock);
    m_keys.remove(id);
    m_spend.forget(id);
    return true;
}

std::optional<ApiKey> ApiKeyStore::readKey(
    QSqlDatabase &db, qint64 id, const QString &failure, StoreError *error)
{
    QSqlQuery query(db);
    if (!Sql::exec(query, u"SELECT "_s + kKeyColumns + u" FROM api_keys WHERE id = ?"_s, { id })) {
        *error = StoreError::database(failure, query.lastError());
        return std::nullopt;
    }
    if (!query.next()) {
        error->set(StoreError::Kind::NotFound, u"there is no API key with id %1"_s.arg(id));
        return std::nullopt;
    }
    ApiKey key = keyFrom(query);
    query.finish(); // done reading before the change writes on the same connection
    return key;
}

AuditEntry ApiKeyStore::auditEntry(const Actor &actor, const QString &action, qint64 id,
    const QJsonObject &before, const QJsonObject &after) const
{
    return AuditEntry { 0, m_clock.now(), actor.memberId, actor.email, action, u"key:%1"_s.arg(id), before,
        after };
}

void ApiKeyStore::ensureSeeded(qint64 id)
{
    if (m_spend.contains(id))
        return;
    QMutexLocker locker(&m_seedMutex);
    if (m_spend.contains(id))
        return;
    QString error;
    QSqlDatabase db = connection(&error);
    const QDateTime now = m_clock.now();
    std::optional<KeySpendLedger::Seed> seed;
    if (db.isValid())
        seed = KeySpendLedger::read(db, id, now, &error);
    if (!seed) {
        // Enforcing from zero beats refusing every request of the key because the database hiccupped.
        qCWarning(lcStore) << "spend limits of API key" << id
                           << "count only this process's requests from now:" << error;
        seed = KeySpendLedger::Seed { 0, {}, now };
    }
    m_spend.seed(id, *seed);
}

void ApiKeyStore::beginSpendSync()
{
    m_spend.mark();
}

bool ApiKeyStore::completeSpendSync(QString *error)
{
    QSqlDatabase db = connection(error);
    if (!db.isValid())
        return false;
    const QDateTime now = m_clock.now();
    for (const qint64 keyId : m_spend.keys()) {
        const auto seed = KeySpendLedger::read(db, keyId, now, error);
        if (!seed)
            return false;
        m_spend.resync(keyId, *seed);
    }
    return true;
}

SpendTotals ApiKeyStore::spend(const ApiKey &key)
{
    ensureSeeded(key.id);
    return m_spend.totals(key.id, key.limits.period, m_clock.now());
}

void ApiKeyStore::recordSpend(qint64 keyId, double cost, const QDateTime &at)
{
    if (keyId <= 0 || cost == 0)
        return;
    ensureSeeded(keyId);
    m_spend.add(keyId, cost, at, m_clock.now());
}
