#include "usagerollups.h"

#include "database.h"
#include "fastquery.h"
#include "pgcopy.h"
#include "sqlexec.h"

#include <QSqlError>
#include <QVariant>
#include <array>
#include <map>
#include <tuple>

using namespace Qt::StringLiterals;

namespace {

constexpr const char *kKeyColumns[] = { "api_key_id", "member", "used_model", "used_provider" };

// The scalar measures of UsageTotals, in the order its fields are declared.
constexpr const char *kScalarColumns[] = {
    "requests",
    "errors",
    "retries",
    "cache_hits",
    "unpriced",
    "prompt_tokens",
    "completion_tokens",
    "cached_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
    "total_tokens",
    "cost",
    "duration_sum_ms",
    "ttft_count",
    "ttft_sum_ms",
    "upstream_failures",
};
constexpr int kScalarCount = int(std::size(kScalarColumns));

QString durationBin(int i)
{
    return u"d"_s + QString::number(i);
}

QString ttftBin(int i)
{
    return u"t"_s + QString::number(i);
}

QStringList measureColumns()
{
    QStringList columns;
    for (const char *column : kScalarColumns)
        columns.append(QLatin1String(column));
    for (int i = 0; i < LatencyBins::kCount; ++i)
        columns.append(durationBin(i));
    for (int i = 0; i < LatencyBins::kCount; ++i)
        columns.append(ttftBin(i));
    return columns;
}

// The resolutions: hours (for hourly series and the ragged ends of a range), days (for the rest) and minutes
// (for the last kMinuteHours hours only).
struct Resolution
{
    QString table;
    int prefix; // characters of created_at that name the bucket: 13 "2026-11-25T13", 10 "2026-11-25", 16
                // "…T13:45"
};
const Resolution kHourly { u"usage_rollups"_s, 13 };
const Resolution kDaily { u"usage_rollups_daily"_s, 10 };
const Resolution kMinutely { u"usage_rollups_minute"_s, 16 };

const Resolution &resolutionOf(UsageRollups::Table table)
{
    switch (table) {
    case UsageRollups::Table::Minutely:
        return kMinutely;
    case UsageRollups::Table::Hourly:
        return kHourly;
    case UsageRollups::Table::Daily:
        return kDaily;
    }
    return kHourly;
}

QStringList keyColumns()
{
    QStringList columns { u"bucket"_s };
    for (const char *column : kKeyColumns)
        columns.append(QLatin1String(column));
    return columns;
}

QString createTable(const Resolution &resolution)
{
    QStringList definitions { u"bucket TEXT NOT NULL"_s, u"api_key_id BIGINT NOT NULL DEFAULT 0"_s,
        u"member TEXT NOT NULL DEFAULT ''"_s, u"used_model TEXT NOT NULL DEFAULT ''"_s,
        u"used_provider TEXT NOT NULL DEFAULT ''"_s };
    for (const QString &column : measureColumns())
        definitions.append(column + (column == "cost"_L1 ? u" DOUBLE PRECISION"_s : u" BIGINT"_s)
            + u" NOT NULL DEFAULT 0"_s);
    definitions.append(u"PRIMARY KEY ("_s + keyColumns().join(u", "_s) + u')');
    return u"CREATE TABLE "_s + resolution.table + u" (\n    "_s + definitions.join(u",\n    "_s) + u"\n)"_s;
}

// SUM(CASE …) over the records already stored (those from `since` on, when given), the same figures
// UsageTotals::add() counts.
QString backfill(const Resolution &resolution, const QString &since = {})
{
    const QString last = u"retried = 0"_s;
    QStringList sums {
        u"SUM(CASE WHEN %1 THEN 1 ELSE 0 END)"_s.arg(last),
        u"SUM(CASE WHEN %1 AND (status >= 400 OR status = 0) THEN 1 ELSE 0 END)"_s.arg(last),
        u"SUM(CASE WHEN retried <> 0 THEN 1 ELSE 0 END)"_s,
        u"SUM(CASE WHEN cache_hit <> 0 THEN 1 ELSE 0 END)"_s,
        u"SUM(CASE WHEN cost IS NULL AND total_tokens > 0 THEN 1 ELSE 0 END)"_s,
        u"SUM(prompt_tokens)"_s,
        u"SUM(completion_tokens)"_s,
        u"SUM(cached_tokens)"_s,
        u"SUM(cache_write_tokens)"_s,
        u"SUM(reasoning_tokens)"_s,
        u"SUM(total_tokens)"_s,
        u"COALESCE(SUM(cost), 0)"_s,
        u"SUM(CASE WHEN %1 THEN duration_ms ELSE 0 END)"_s.arg(last),
        u"SUM(CASE WHEN %1 AND ttft_ms IS NOT NULL THEN 1 ELSE 0 END)"_s.arg(last),
        u"SUM(CASE WHEN %1 AND ttft_ms IS NOT NULL THEN ttft_ms ELSE 0 END)"_s.arg(last),
        u"SUM(CASE WHEN retried <> 0 OR status = 429 OR status >= 500 OR status = 0 THEN 1 ELSE 0 END)"_s,
    };
    for (const QString &column : { u"duration_ms"_s, u"ttft_ms"_s }) {
        for (int i = 0; i < LatencyBins::kCount; ++i) {
            QString range = i == 0 ? u"%1 < 1"_s.arg(column)
                                   : u"%1 >= %2"_s.arg(column).arg(LatencyBins::lowerEdge(i), 0, 'g', 17);
            if (i > 0 && i < LatencyBins::kCount - 1)
                range += u" AND %1 < %2"_s.arg(column).arg(LatencyBins::upperEdge(i), 0, 'g', 17);
            sums.append(u"SUM(CASE WHEN %1 AND %2 THEN 1 ELSE 0 END)"_s.arg(last, range));
        }
    }
    return u"INSERT INTO "_s + resolution.table + u" ("_s + (keyColumns() + measureColumns()).join(u", "_s)
        + u")\nSELECT substr(created_at, 1, %1), COALESCE(api_key_id, 0), member, used_model, used_provider,\n    "_s
              .arg(resolution.prefix)
        + sums.join(u",\n    "_s) + u"\nFROM requests"_s
        + (since.isEmpty() ? QString() : u" WHERE created_at >= '%1'"_s.arg(since))
        + u" GROUP BY 1, 2, 3, 4, 5"_s;
}

QString conflictUpdate(const Resolution &resolution)
{
    QStringList updates;
    for (const QString &column : measureColumns())
        updates.append(u"%1 = %2.%1 + excluded.%1"_s.arg(column, resolution.table));
    return u" ON CONFLICT ("_s + keyColumns().join(u", "_s) + u") DO UPDATE SET "_s + updates.join(u", "_s);
}

// One row's upsert (SQLite runs statements in the process, so one row each costs nothing more).
QString upsertStatement(const Resolution &resolution)
{
    const QStringList columns = keyColumns() + measureColumns();
    return u"INSERT INTO "_s + resolution.table + u" ("_s + columns.join(u", "_s) + u") VALUES ("_s
        + QStringList(columns.size(), u"?"_s).join(u", "_s) + u')' + conflictUpdate(resolution);
}

using RollupKey = std::tuple<QString, qint64, QString, QString, QString>;
using Deltas = std::map<RollupKey, UsageTotals>;

// Hands one row's key and totals to `sink` in column order (keyColumns(), then measureColumns()):
// text(QString), integer(qint64) or real(double), one call each.
template<class Sink> void writeRow(const RollupKey &key, const UsageTotals &t, Sink &sink)
{
    sink.text(std::get<0>(key));
    sink.integer(std::get<1>(key));
    sink.text(std::get<2>(key));
    sink.text(std::get<3>(key));
    sink.text(std::get<4>(key));
    for (qint64 value : { t.requests, t.errors, t.retries, t.cacheHits, t.unpriced, t.promptTokens,
             t.completionTokens, t.cachedTokens, t.cacheWriteTokens, t.reasoningTokens, t.totalTokens })
        sink.integer(value);
    sink.real(t.cost);
    for (qint64 value : { t.durationSumMs, t.ttftCount, t.ttftSumMs, t.upstreamFailures })
        sink.integer(value);
    for (qint64 value : t.duration)
        sink.integer(value);
    for (qint64 value : t.ttft)
        sink.integer(value);
}

// Binds a row's values to the parameters of a FastQuery, from the first on.
struct Binder
{
    FastQuery &query;
    int next = 0;
    void text(const QString &value) { query.bind(next++, value); }
    void integer(qint64 value) { query.bind(next++, value); }
    void real(double value) { query.bind(next++, value); }
};

bool upsertSqlite(QSqlDatabase &db, const Resolution &resolution, const Deltas &rows, QString *error)
{
    FastQuery query(db);
    if (!query.prepare(upsertStatement(resolution))) {
        *error = query.lastError();
        return false;
    }
    for (const auto &[key, totals] : rows) {
        Binder binder { query };
        writeRow(key, totals, binder);
        if (!query.exec()) {
            *error = query.lastError();
            return false;
        }
    }
    return true;
}

// On PostgreSQL a statement is a round trip, and one that binds thousands of values costs the server more to
// parse and plan than to run; so the batch's rows of all three tables go to a temporary table with one COPY
// (as the records do), and from there into each table with one INSERT … SELECT … ON CONFLICT. The rows are
// applied in key order, so that instances sharing the database lock them in the same order (no deadlock).
constexpr auto kDeltas = "usage_rollup_deltas";

QByteArray createDeltas()
{
    // A DO block and not CREATE … IF NOT EXISTS, whose notice Qt's driver would log at every batch. The table
    // lives as long as the connection, and a rolled-back batch takes its creation with it.
    return u"DO $$BEGIN IF to_regclass('pg_temp.%1') IS NULL THEN CREATE TEMPORARY TABLE %1 (resolution "
           u"SMALLINT "
           "NOT NULL, LIKE %2) ON COMMIT DELETE ROWS; END IF; END$$"_s
               .arg(QLatin1String(kDeltas), kHourly.table)
               .toUtf8();
}

QByteArray applyDeltas()
{
    const QString columns = (keyColumns() + measureColumns()).join(u", "_s);
    QStringList statements;
    int resolution = 0;
    for (const Resolution *r : { &kHourly, &kDaily, &kMinutely }) {
        statements.append(u"INSERT INTO "_s + r->table + u" ("_s + columns + u") SELECT "_s + columns
            + u" FROM "_s + QLatin1String(kDeltas) + u" WHERE resolution = "_s + QString::number(resolution++)
            + u" ORDER BY "_s + keyColumns().join(u", "_s) + conflictUpdate(*r));
    }
    return statements.join(u"; "_s).toUtf8();
}

// `tables`: the deltas of the hourly, daily and minute rows, in that order (applyDeltas()'s resolution
// numbers).
PgCopy::Outcome addPostgres(QSqlDatabase &db, const std::array<const Deltas *, 3> &tables, QString *error)
{
    static const QByteArray create = createDeltas();
    static const QByteArray copySql = (u"COPY "_s + QLatin1String(kDeltas) + u" (resolution, "_s
        + (keyColumns() + measureColumns()).join(u", "_s) + u") FROM STDIN"_s)
                                          .toUtf8();
    static const QByteArray apply = applyDeltas();
    PgCopy::Outcome outcome = PgCopy::exec(db, create, error);
    if (outcome != PgCopy::Outcome::Ok)
        return outcome;
    size_t table = 0;
    auto row = tables[0]->begin();
    outcome = PgCopy::copy(
        db, copySql,
        [&](PgCopy::Line &line) {
            while (row == tables[table]->end()) {
                if (++table == tables.size())
                    return false;
                row = tables[table]->begin();
            }
            line.integer(qint64(table));
            writeRow(row->first, row->second, line);
            ++row;
            return true;
        },
        error);
    if (outcome != PgCopy::Outcome::Ok)
        return outcome;
    return PgCopy::exec(db, apply, error);
}

} // namespace

namespace UsageRollups {

QString hourOf(const QDateTime &at)
{
    return at.toUTC().toString(u"yyyy-MM-ddTHH"_s);
}

QString minuteOf(const QDateTime &at)
{
    return at.toUTC().toString(u"yyyy-MM-ddTHH:mm"_s);
}

QString bucketOf(const QDateTime &at, Table table)
{
    switch (table) {
    case Table::Minutely:
        return minuteOf(at);
    case Table::Hourly:
        return hourOf(at);
    case Table::Daily:
        return at.toUTC().toString(u"yyyy-MM-dd"_s);
    }
    return hourOf(at);
}

QDateTime startOf(const QString &bucket, Table table)
{
    switch (table) {
    case Table::Minutely:
        return QDateTime::fromString(bucket + u":00Z"_s, Qt::ISODate);
    case Table::Hourly:
        return QDateTime::fromString(bucket + u":00:00Z"_s, Qt::ISODate);
    case Table::Daily:
        return QDateTime(QDate::fromString(bucket, Qt::ISODate), QTime(0, 0), Qt::UTC);
    }
    return {};
}

QStringList migrationStatements()
{
    return {
        // Which attempts were followed by another: the rollups count a request once, at its last attempt.
        u"ALTER TABLE requests ADD COLUMN retried INTEGER NOT NULL DEFAULT 0"_s,
        // The IN list (requests with a second attempt, few) is checked first, so the correlated part runs
        // only for them: no index on request_id is needed for this once-only update.
        u"UPDATE requests SET retried = 1 WHERE request_id IN (SELECT request_id FROM requests WHERE attempt "
        u"> 1 "
        "AND request_id <> '') AND attempt < (SELECT MAX(later.attempt) FROM requests later "
        "WHERE later.request_id = requests.request_id)"_s,
        createTable(kHourly),
        backfill(kHourly),
        createTable(kDaily),
        backfill(kDaily),
        // The logs' filters by member and their cursor pages.
        u"CREATE INDEX idx_requests_member ON requests (member)"_s,
    };
}

QStringList minuteMigrationStatements(const QDateTime &now)
{
    // Only the minutes still kept: older ones would go at the first purge.
    return { createTable(kMinutely), backfill(kMinutely, minuteOf(now.addSecs(-kMinuteHours * 3600))) };
}

bool add(QSqlDatabase &db, std::vector<RequestRecord>::const_iterator begin,
    std::vector<RequestRecord>::const_iterator end, QString *error, bool *transient)
{
    // Many records of a batch share a bucket: they are added up here, and each row is written once.
    Deltas minutes;
    Deltas hours;
    Deltas days;
    for (auto it = begin; it != end; ++it) {
        const QDateTime created = it->createdAt.isValid() ? it->createdAt : QDateTime::currentDateTimeUtc();
        const QString minute = minuteOf(created);
        minutes[RollupKey { minute, it->apiKeyId, it->member, it->usedModel, it->usedProvider }].add(*it);
        hours[RollupKey { minute.left(13), it->apiKeyId, it->member, it->usedModel, it->usedProvider }].add(
            *it);
        days[RollupKey { minute.left(10), it->apiKeyId, it->member, it->usedModel, it->usedProvider }].add(
            *it);
    }
    *transient = false;
    if (Database::isPostgres(db)) {
        const PgCopy::Outcome outcome = addPostgres(db, { &hours, &days, &minutes }, error);
        *transient = outcome == PgCopy::Outcome::Transient;
        return outcome == PgCopy::Outcome::Ok;
    }
    return upsertSqlite(db, kHourly, hours, error) && upsertSqlite(db, kDaily, days, error)
        && upsertSqlite(db, kMinutely, minutes, error);
}

QString table(Table table)
{
    return resolutionOf(table).table;
}

bool pruneMinutes(QSqlDatabase &db, const QDateTime &before, qint64 *removed, QString *error)
{
    QSqlQuery query(db);
    if (!Sql::exec(
            query, u"DELETE FROM "_s + kMinutely.table + u" WHERE bucket < ?"_s, { minuteOf(before) }, error))
        return false;
    *removed = query.numRowsAffected();
    return true;
}

bool remove(QSqlDatabase &db, const QString &member, QString *error)
{
    QSqlQuery query(db);
    for (const Resolution &resolution : { kHourly, kDaily, kMinutely }) {
        const QString &t = resolution.table;
        if (member.isEmpty()) {
            if (!Sql::exec(db, u"DELETE FROM "_s + t, error))
                return false;
            continue;
        }
        // What was spent, by key, model and provider, without the member (the WHERE before ON CONFLICT is
        // what SQLite needs to tell the upsert from a join).
        const QString keepSpend = u"INSERT INTO "_s + t
            + u" (bucket, api_key_id, used_model, used_provider, cost) "
              "SELECT bucket, api_key_id, used_model, used_provider, SUM(cost) FROM "_s
            + t
            + u" WHERE member = ? "
              "GROUP BY bucket, api_key_id, used_model, used_provider "
              "ON CONFLICT (bucket, api_key_id, member, used_model, used_provider) "
              "DO UPDATE SET cost = "_s
            + t + u".cost + excluded.cost"_s;
        if (!Sql::exec(query, keepSpend, { member }, error)
            || !Sql::exec(query, u"DELETE FROM "_s + t + u" WHERE member = ?"_s, { member }, error))
            return false;
    }
    return true;
}

QString plainColumns()
{
    return measureColumns().join(u", "_s);
}

QString summedColumns()
{
    QStringList sums;
    for (const QString &column : measureColumns())
        sums.append(u"SUM("_s + column + u')');
    return sums.join(u", "_s);
}

UsageTotals readSummed(const FastQuery &query, int first)
{
    UsageTotals t;
    int c = first;
    const auto next = [&] { return query.integer(c++); };
    for (qint64 *field : { &t.requests, &t.errors, &t.retries, &t.cacheHits, &t.unpriced, &t.promptTokens,
             &t.completionTokens, &t.cachedTokens, &t.cacheWriteTokens, &t.reasoningTokens, &t.totalTokens })
        *field = next();
    t.cost = query.real(c++);
    for (qint64 *field : { &t.durationSumMs, &t.ttftCount, &t.ttftSumMs, &t.upstreamFailures })
        *field = next();
    for (qint64 &bin : t.duration)
        bin = next();
    for (qint64 &bin : t.ttft)
        bin = next();
    Q_ASSERT(c == first + kScalarCount + 2 * LatencyBins::kCount);
    return t;
}

} // namespace UsageRollups
