#include "apikeystore.h"

#include "secrettoken.h"
#include "clock.h"
#include "storelog.h"

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
    QStringList *lists[] = {&limits.allowedModels, &limits.deniedModels, &limits.allowedProviders,
                            &limits.deniedProviders};
    for (int i = 0; i < 4; ++i) {
        QString error;
        *lists[i] = ModelPatterns::fromJson(query.value(first + 4 + i).toString(), &error);
        if (!error.isEmpty())
            qCWarning(lcStore) << "API key" << key->id << "has an unreadable model or provider list:" << error;
    }
}

// The columns keyFrom() reads, in its order.
const QString kKeyColumns = QStringLiteral(
    "id, name, member_email, secret_hash, created_at, disabled, expires_at, spend_limit_usd, period_limit_usd, "
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

ApiKeyStore::ApiKeyStore(DatabaseLocation location, const Clock &clock)
    : m_location(location)
    , m_connections(std::move(location), u"gateway.apikeys"_s)
    , m_clock(clock)
{
}

ApiKeyStore::~ApiKeyStore() = default;

QSqlDatabase ApiKeyStore::connection(QString *error)
{
    return m_connections.connection(error);
}

std::optional<ApiKeyStore::Created> ApiKeyStore::create(const QString &name, const QString &memberEmail, QString *error)
{
    const QString trimmedName = name.trimmed();
    if (trimmedName.isEmpty()) {
        *error = u"an API key needs a name (for example the project or person using it)"_s;
        return std::nullopt;
    }
    // Held until the cache has the key, so that a concurrent reload cannot swap in a table without it.
    QMutexLocker reloadLocker(&m_reloadMutex);
    QSqlDatabase db = connection(error);
    if (!db.isValid())
        return std::nullopt;

    const QByteArray secret = SecretToken::newSecret();
    ApiKey key;
    key.name = trimmedName;
    key.member = memberEmail.trimmed();
    key.createdAt = m_clock.now().toUTC();
    key.secretHash = SecretToken::hashOf(secret);

    QSqlQuery insert(db);
    insert.prepare(u"INSERT INTO api_keys (name, member_email, secret_hash, created_at, disabled) "
                   "VALUES (?, ?, ?, ?, 0) RETURNING id"_s);
    insert.addBindValue(key.name);
    insert.addBindValue(key.member.isNull() ? u""_s : key.member); // a null QString would bind as NULL
    insert.addBindValue(QString::fromLatin1(key.secretHash.toHex()));
    insert.addBindValue(key.createdAt.toString(Qt::ISODateWithMs));
    if (!insert.exec() || !insert.next()) {
        *error = u"cannot store the new API key in %1: %2"_s.arg(m_location.displayName(), insert.lastError().text());
        insert.finish();
        db.close(); // the next use reconnects, in case the server went away
        return std::nullopt;
    }
    key.id = insert.value(0).toLongLong();
    insert.finish();

    {
        QWriteLocker locker(&m_lock);
        m_keys.insert(key.id, key);
    }
    Created created{key, SecretToken::compose(kPrefix, key.id, secret)};
    return created;
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
    // A bucket of kLookupBurst lookups, refilled at kLookupsPerSecond: a flood of made-up keys cannot load the
    // database, and keys made elsewhere are found at once in ordinary times.
    const qint64 now = m_clock.monotonicMs();
    if (m_lastLookupMs >= 0)
        m_lookupTokens = std::min(double(kLookupBurst),
                                  m_lookupTokens + double(now - m_lastLookupMs) * kLookupsPerSecond / 1000.0);
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
    query.prepare(u"SELECT "_s + kKeyColumns + u" FROM api_keys WHERE id = ?"_s);
    query.addBindValue(id);
    if (!query.exec()) {
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

bool ApiKeyStore::refresh(QString *error)
{
    QMutexLocker locker(&m_reloadMutex);
    return loadAll(error);
}

// Callers hold m_reloadMutex, so loads and writes reach the cache in the order they reached the database.
bool ApiKeyStore::loadAll(QString *error, QList<ApiKey> *keys)
{
    QSqlDatabase db = connection(error);
    if (!db.isValid())
        return false;
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.exec(u"SELECT "_s + kKeyColumns + u" FROM api_keys ORDER BY id"_s)) {
        *error = query.lastError().text();
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
        *error = query.lastError().text();
        return false;
    }
    QWriteLocker locker(&m_lock);
    m_keys.swap(loaded);
    return true;
}

std::optional<QList<ApiKey>> ApiKeyStore::list(QString *error)
{
    QList<ApiKey> keys;
    QMutexLocker locker(&m_reloadMutex);
    if (!loadAll(error, &keys))
        return std::nullopt;
    return keys;
}

bool ApiKeyStore::setDisabled(qint64 id, bool disabled, QString *error)
{
    return updateColumn(id, u"disabled"_s, int(disabled), [disabled](ApiKey &key) { key.disabled = disabled; }, error);
}

bool ApiKeyStore::rename(qint64 id, const QString &name, QString *error)
{
    return updateColumn(id, u"name"_s, name, [name](ApiKey &key) { key.name = name; }, error);
}

bool ApiKeyStore::updateColumn(qint64 id, const QString &column, const QVariant &value,
                               const std::function<void(ApiKey &)> &apply, QString *error)
{
    QMutexLocker reloadLocker(&m_reloadMutex);
    QSqlDatabase db = connection(error);
    if (!db.isValid())
        return false;
    QSqlQuery update(db);
    update.prepare(u"UPDATE api_keys SET %1 = ? WHERE id = ?"_s.arg(column));
    update.addBindValue(value);
    update.addBindValue(id);
    if (!update.exec()) {
        *error = update.lastError().text();
        return false;
    }
    if (update.numRowsAffected() < 1) {
        *error = u"there is no API key with id %1"_s.arg(id);
        return false;
    }
    QWriteLocker locker(&m_lock);
    if (auto it = m_keys.find(id); it != m_keys.end())
        apply(*it);
    return true;
}

bool ApiKeyStore::remove(qint64 id, QString *error)
{
    QMutexLocker reloadLocker(&m_reloadMutex);
    QSqlDatabase db = connection(error);
    if (!db.isValid())
        return false;
    QSqlQuery erase(db);
    erase.prepare(u"DELETE FROM api_keys WHERE id = ?"_s);
    erase.addBindValue(id);
    if (!erase.exec()) {
        *error = erase.lastError().text();
        return false;
    }
    if (erase.numRowsAffected() < 1) {
        *error = u"there is no API key with id %1"_s.arg(id);
        return false;
    }
    QWriteLocker locker(&m_lock);
    m_keys.remove(id);
    m_spend.forget(id);
    return true;
}

bool ApiKeyStore::setLimits(qint64 id, const KeyLimits &limits, QString *error)
{
    if (const QString problem = limits.validate(); !problem.isEmpty()) {
        *error = problem;
        return false;
    }
    QMutexLocker reloadLocker(&m_reloadMutex);
    QSqlDatabase db = connection(error);
    if (!db.isValid())
        return false;
    QSqlQuery update(db);
    update.prepare(u"UPDATE api_keys SET expires_at = ?, spend_limit_usd = ?, period_limit_usd = ?, limit_period = ?, "
                   "allowed_models = ?, denied_models = ?, allowed_providers = ?, denied_providers = ? WHERE id = ?"_s);
    update.addBindValue(limits.expiresAt ? QVariant(limits.expiresAt->toUTC().toString(Qt::ISODateWithMs))
                                         : QVariant(QMetaType::fromType<QString>()));
    update.addBindValue(nullableDouble(limits.spendLimitUsd));
    update.addBindValue(nullableDouble(limits.periodLimitUsd));
    update.addBindValue(limits.period == LimitPeriod::None ? QVariant(QMetaType::fromType<QString>())
                                                           : QVariant(KeyPeriods::name(limits.period)));
    for (const QStringList *list : {&limits.allowedModels, &limits.deniedModels, &limits.allowedProviders,
                                    &limits.deniedProviders})
        update.addBindValue(ModelPatterns::toJson(*list));
    update.addBindValue(id);
    if (!update.exec()) {
        *error = u"cannot store the limits of API key %1: %2"_s.arg(id).arg(update.lastError().text());
        return false;
    }
    if (update.numRowsAffected() < 1) {
        *error = u"there is no API key with id %1"_s.arg(id);
        return false;
    }
    QWriteLocker locker(&m_lock);
    if (auto it = m_keys.find(id); it != m_keys.end()) {
        it->limits = limits;
        if (it->limits.expiresAt)
            it->limits.expiresAt = it->limits.expiresAt->toUTC();
    }
    return true;
}

std::optional<ApiKeyStore::Created> ApiKeyStore::roll(qint64 id, QString *error)
{
    QMutexLocker reloadLocker(&m_reloadMutex);
    QSqlDatabase db = connection(error);
    if (!db.isValid())
        return std::nullopt;
    const QByteArray secret = SecretToken::newSecret();
    QSqlQuery update(db);
    update.prepare(u"UPDATE api_keys SET secret_hash = ? WHERE id = ?"_s);
    update.addBindValue(QString::fromLatin1(SecretToken::hashOf(secret).toHex()));
    update.addBindValue(id);
    if (!update.exec()) {
        *error = u"cannot store the new secret of API key %1: %2"_s.arg(id).arg(update.lastError().text());
        return std::nullopt;
    }
    if (update.numRowsAffected() < 1) {
        *error = u"there is no API key with id %1"_s.arg(id);
        return std::nullopt;
    }
    // Re-read, so that a key this process had not seen yet is known with all its fields.
    if (!loadAll(error))
        return std::nullopt;
    std::optional<ApiKey> key = find(id);
    if (!key) {
        *error = u"API key %1 was deleted while its secret was being replaced"_s.arg(id);
        return std::nullopt;
    }
    return Created{*key, SecretToken::compose(kPrefix, id, secret)};
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
        qCWarning(lcStore) << "spend limits of API key" << id << "count only this process's requests from now:"
                           << error;
        seed = KeySpendLedger::Seed{0, {}, now};
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
