#include "keyspend.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace {
constexpr std::array<LimitPeriod, 4> kPeriods { LimitPeriod::Hour, LimitPeriod::Day, LimitPeriod::Week,
    LimitPeriod::Month };

// created_at is stored as Qt::ISODateWithMs in UTC ("2025-01-15T12:00:00.000Z"), so the same spelling
// compares correctly as text.
QString stored(const QDateTime &at)
{
    return at.toUTC().toString(Qt::ISODateWithMs);
}
} // namespace

std::optional<KeySpendLedger::Seed> KeySpendLedger::read(
    QSqlDatabase &db, qint64 keyId, const QDateTime &now, QString *error)
{
    QSqlQuery query(db);
    // One pass over the key's rows (the api_key_id index), all five sums at once.
    query.prepare(u"SELECT COALESCE(SUM(cost), 0), "
                  "COALESCE(SUM(CASE WHEN created_at >= ? THEN cost ELSE 0 END), 0), "
                  "COALESCE(SUM(CASE WHEN created_at >= ? THEN cost ELSE 0 END), 0), "
                  "COALESCE(SUM(CASE WHEN created_at >= ? THEN cost ELSE 0 END), 0), "
                  "COALESCE(SUM(CASE WHEN created_at >= ? THEN cost ELSE 0 END), 0) "
                  "FROM requests WHERE api_key_id = ? AND cost IS NOT NULL"_s);
    for (const LimitPeriod period : kPeriods)
        query.addBindValue(stored(KeyPeriods::start(period, now)));
    query.addBindValue(keyId);
    if (!query.exec() || !query.next()) {
        *error = u"cannot sum the spend of API key %1: %2"_s.arg(keyId).arg(query.lastError().text());
        return std::nullopt;
    }
    Seed seed;
    seed.at = now.toUTC();
    seed.allTime = query.value(0).toDouble();
    for (size_t i = 0; i < kPeriods.size(); ++i)
        seed.periods[i] = query.value(int(i) + 1).toDouble();
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

void KeySpendLedger::roll(Entry &entry, const QDateTime &now)
{
    for (size_t i = 0; i < kPeriods.size(); ++i) {
        const QDateTime start = KeyPeriods::start(kPeriods[i], now);
        // Also when the wall clock was set back: the old total belongs to another period than this one.
        if (entry.periods[i].start != start)
            entry.periods[i] = Bucket { start, 0 };
    }
}

void KeySpendLedger::add(qint64 keyId, double cost, const QDateTime &at, const QDateTime &now)
{
    QMutexLocker locker(&m_mutex);
    Entry &entry = m_entries[keyId];
    roll(entry, now);
    entry.allTime += cost;
    for (Bucket &bucket : entry.periods) {
        if (at >= bucket.start)
            bucket.total += cost;
    }
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
