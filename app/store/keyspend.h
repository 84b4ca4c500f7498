#pragma once

#include "keylimits.h"

#include <QDateTime>
#include <QHash>
#include <QMutex>
#include <QSqlDatabase>
#include <array>
#include <optional>

// What a key has spent, as the spend limits see it.
struct SpendTotals
{
    double allTime = 0;
    double period = 0; // in the current calendar period (0 when the period is None)
    QDateTime periodStart; // UTC; invalid for None
    QDateTime periodEnd; // when the period total starts again from 0
};

// Running spend totals per gateway API key, so that the proxy checks limits without a query per request.
// Each key is seeded once from the usage rollups (all time and the current hour, day, week and month) and
// then added to as this process records requests. Every period's total restarts from 0 once the clock has
// passed the period's end. Thread-safe.
class KeySpendLedger final
{
    Q_DISABLE_COPY_MOVE(KeySpendLedger)
public:
    KeySpendLedger() = default;

    struct Seed
    {
        double allTime = 0;
        std::array<double, 4> periods {}; // hour, day, week, month containing `at`
        QDateTime at;
    };
    // Sums the key's recorded costs in the usage rollups, as of `now`. nullopt and *error when the query
    // fails.
    static std::optional<Seed> read(QSqlDatabase &db, qint64 keyId, const QDateTime &now, QString *error);

    bool contains(qint64 keyId) const;
    // Keeps the first seed of a key; later ones are ignored (a concurrent seeder read the same rows).
    void seed(qint64 keyId, const Seed &seed);
    // A request of the key, created (arrived) at `at`, cost `cost`. Counted in a period only when it arrived
    // in the current one, as the seed counts rows by created_at. Starts from 0 for a key never seeded.
    void add(qint64 keyId, double cost, const QDateTime &at, const QDateTime &now);
    SpendTotals totals(qint64 keyId, LimitPeriod period, const QDateTime &now);
    void forget(qint64 keyId);

    // Catching up with other instances sharing the database: mark() starts counting this process's adds
    // afresh; once everything added before it is written, resync() replaces a key's totals with the
    // database's (every instance's spend) plus what this process added since the mark. A record added after
    // the mark and written before the read counts twice until the next resync: the error is on the safe side
    // of a limit.
    void mark();
    QList<qint64> keys() const;
    void resync(qint64 keyId, const Seed &seed);

private:
    struct Bucket
    {
        QDateTime start;
        double total = 0;
    };
    struct Totals
    {
        double allTime = 0;
        std::array<Bucket, 4> periods; // indexed by LimitPeriod - 1
    };
    struct Entry : Totals
    {
        Totals sinceMark; // this process's adds since the last mark()
    };
    static void roll(Totals &totals, const QDateTime &now);
    static void add(Totals &totals, double cost, const QDateTime &at);

    mutable QMutex m_mutex;
    QHash<qint64, Entry> m_entries;
};
