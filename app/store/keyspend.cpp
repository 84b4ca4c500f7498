#include "keyspend.h"

#include "sqlexec.h"
#include "usagerollups.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace {
constexpr std::array<LimitPeriod, 4> kPeriods { LimitPeriod::Hour, LimitPeriod::Day, LimitPeriod::Week,
    LimitPeriod::Month };

} // namespace

std::optional<KeySpendLedger::Seed> KeySpendLedger::read(
    QSqlDatabase &db, qint64 keyId, const QDateTime &now, QString *error)
{
    // From the usage rollups (their slices by key), which outlive the purge of old records: an all-time limit
    // must not reopen when the retention policy deletes the records that spent it. The calendar periods are
    // whole hours and days, as the rollups' buckets are.
    const auto day
        = [&](LimitPeriod period) { return KeyPeriods::start(period, now).toString(u"yyyy-MM-dd"_s); };
    QSqlQuery query(db);
    using UsageRollups::Slice;
    using UsageRollups::Table;
    if (!Sql::exec(query,
            u"SELECT COALESCE(SUM(cost), 0), "
            "COALESCE(SUM(CASE WHEN bucket >= ? THEN cost ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN bucket >= ? THEN cost ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN bucket >= ? THEN cost ELSE 0 END), 0), "
            "(SELECT COALESCE(SUM(cost), 0) FROM %1 WHERE api_key_id = ? AND bucket = ?) "
            "FROM %2 WHERE api_key_id = ?"_s.arg(UsageRollups::table(Table::Hourly, Slice::ApiKey),
                UsageRollups::table(Table::Daily, Slice::ApiKey)),
            { day(LimitPeriod::Day), day(LimitPeriod::Week), day(LimitPeriod::Month), keyId,
                UsageRollups::hourOf(now), keyId })
        || !query.next()) {
        *error = u"cannot sum the spend of API key %1: %2"_s.arg(keyId).arg(query.lastError().text());
        return std::nullopt;
    }
    Seed seed;
    seed.at = now.toUTC();
    seed.allTime = query.value(0).toDouble();
    seed.periods = { query.value(4).toDouble(), query.value(1).toDouble(), query.value(2).toDouble(),
        query.value(3).toDouble() }; // hour, day, week, month
    return seed;
}

bool KeySpendLedger::contains(qint64 keyId) const
{
    QMutexLocker locker(&m_mutex);
    return m_entries.contains(keyId);
}

void KeySpendLedger::seed(qint64 keyId, const Seed &seed)
{
    QMutexLocker locker(&m_mutex);
    if (m_entries.contains(keyId))
        return;
    Entry entry;
    entry.allTime = seed.allTime;
    for (size_t i = 0; i < kPeriods.size(); ++i)
        entry.periods[i] = Bucket { KeyPeriods::start(kPeriods[i], seed.at), seed.periods[i] };
    m_entries.insert(keyId, entry);
}

void KeySpendLedger::roll(Totals &totals, const QDateTime &now)
{
    for (size_t i = 0; i < kPeriods.size(); ++i) {
        const QDateTime start = KeyPeriods::start(kPeriods[i], now);
        // Also when the wall clock was set back: the old total belongs to another period than this one.
        if (totals.periods[i].start != start)
            totals.periods[i] = Bucket { start, 0 };
    }
}

void KeySpendLedger::add(Totals &totals, double cost, const QDateTime &at)
{
    totals.allTime += cost;
    for (Bucket &bucket : totals.periods) {
        if (at >= bucket.start)
            bucket.total += cost;
    }
}

void KeySpendLedger::add(qint64 keyId, double cost, const QDateTime &at, const QDateTime &now)
{
    QMutexLocker locker(&m_mutex);
    Entry &entry = m_entries[keyId];
    roll(entry, now);
    roll(entry.sinceMark, now);
    add(entry, cost, at);
    add(entry.sinceMark, cost, at);
}

void KeySpendLedger::mark()
{
    QMutexLocker locker(&m_mutex);
    for (Entry &entry : m_entries)
        entry.sinceMark = Totals();
}

QList<qint64> KeySpendLedger::keys() const
{
    QMutexLocker locker(&m_mutex);
    return m_entries.keys();
}

void KeySpendLedger::resync(qint64 keyId, const Seed &seed)
{
    QMutexLocker locker(&m_mutex);
    const auto it = m_entries.find(keyId);
    if (it == m_entries.end())
        return; // forgotten meanwhile (deleted)
    Entry &entry = *it;
    roll(entry.sinceMark, seed.at);
    entry.allTime = seed.allTime + entry.sinceMark.allTime;
    for (size_t i = 0; i < kPeriods.size(); ++i)
        entry.periods[i] = Bucket { KeyPeriods::start(kPeriods[i], seed.at),
            seed.periods[i] + entry.sinceMark.periods[i].total };
}

SpendTotals KeySpendLedger::totals(qint64 keyId, LimitPeriod period, const QDateTime &now)
{
    QMutexLocker locker(&m_mutex);
    SpendTotals totals;
    const auto it = m_entries.find(keyId);
    if (it != m_entries.end()) {
        roll(*it, now);
        totals.allTime = it->allTime;
        if (period != LimitPeriod::None)
            totals.period = it->periods[size_t(period) - 1].total;
    }
    if (period != LimitPeriod::None) {
        totals.periodStart = KeyPeriods::start(period, now);
        totals.periodEnd = KeyPeriods::next(period, now);
    }
    return totals;
}

void KeySpendLedger::forget(qint64 keyId)
{
    QMutexLocker locker(&m_mutex);
    m_entries.remove(keyId);
}
