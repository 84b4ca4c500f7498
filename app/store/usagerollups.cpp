#include "usagerollups.h"

#include "database.h"
#include "fastquery.h"
#include "pgcopy.h"
#include "rollupbins.h"
#include "sqlexec.h"

#include <QSqlError>
#include <QVariant>
#include <array>
#include <map>
#include <tuple>

using namespace Qt::StringLiterals;

namespace {

using namespace RollupSchema;

// A row's bucket and dimensions (bucket, API key, member, model, provider); a slice's row leaves the
// dimensions it is not keyed by at 0 or empty.
using RollupKey = std::tuple<QString, qint64, QString, QString, QString>;
using Deltas = std::map<RollupKey, UsageTotals>;

// The rows a batch adds to one table.
struct Part
{
    Table table;
    Slice slice;
    Deltas rows;
};

bool has(Slice slice, Slice dimension)
{
    return slice == Slice::Full || slice == dimension;
}

RollupKey sliceKey(const RollupKey &full, Slice slice)
{
    const auto &[bucket, key, member, model, provider] = full;
    return { bucket, has(slice, Slice::ApiKey) ? key : 0, has(slice, Slice::Member) ? member : QString(),
        has(slice, Slice::Model) ? model : QString(), has(slice, Slice::Provider) ? provider : QString() };
}

// Hands one row's key (the columns of `slice`) and totals to `sink` in column order (keyColumns(slice), then
// measureColumns()): text(QString), integer(qint64), real(double) or blob(QByteArray), one call each.
template<class Sink> void writeRow(const RollupKey &key, const UsageTotals &t, Slice slice, Sink &sink)
{
    sink.text(std::get<0>(key));
    if (has(slice, Slice::ApiKey))
        sink.integer(std::get<1>(key));
    if (has(slice, Slice::Member))
        sink.text(std::get<2>(key));
    if (has(slice, Slice::Model))
        sink.text(std::get<3>(key));
    if (has(slice, Slice::Provider))
        sink.text(std::get<4>(key));
    for (qint64 value : { t.requests, t.errors, t.retries, t.cacheHits, t.unpriced, t.promptTokens,
             t.completionTokens, t.cachedTokens, t.cacheWriteTokens, t.reasoningTokens, t.totalTokens })
        sink.integer(value);
    sink.real(t.cost);
    for (qint64 value : { t.durationSumMs, t.ttftCount, t.ttftSumMs, t.upstreamFailures })
        sink.integer(value);
    sink.blob(LatencyBins::pack(t.duration));
    sink.blob(LatencyBins::pack(t.ttft));
}

// A part per table: per resolution (kTables' order) the full rows, then each slice (kSlices' order).
std::vector<Part> emptyParts()
{
    std::vector<Part> parts;
    for (Table table : kTables) {
        parts.push_back({ table, Slice::Full, {} });
        for (Slice slice : kSlices)
            parts.push_back({ table, slice, {} });
    }
    return parts;
}

// The batch's rows of every table, the slices' summed from the full ones. Many records of a batch share a
// row: each row is written once.
std::vector<Part> partsOf(
    std::vector<RequestRecord>::const_iterator begin, std::vector<RequestRecord>::const_iterator end)
{
    std::vector<Part> parts = emptyParts();
    const size_t perTable = 1 + std::size(kSlices);
    for (auto it = begin; it != end; ++it) {
        const QDateTime created = it->createdAt.isValid() ? it->createdAt : QDateTime::currentDateTimeUtc();
        const QString minute = UsageRollups::minuteOf(created);
        for (size_t t = 0; t < std::size(kTables); ++t) {
            parts[t * perTable]
                .rows[RollupKey { minute.left(bucketPrefix(kTables[t])), it->apiKeyId, it->member,
                    it->usedModel, it->usedProvider }]
                .add(*it);
        }
    }
    for (size_t t = 0; t < std::size(kTables); ++t) {
        for (const auto &[key, totals] : parts[t * perTable].rows) {
            for (size_t s = 1; s < perTable; ++s)
                parts[t * perTable + s].rows[sliceKey(key, parts[t * perTable + s].slice)].merge(totals);
        }
    }
    return parts;
}

// Binds a row's values to the parameters of a FastQuery, from the first on.
struct Binder
{
    FastQuery &query;
    int next = 0;
    void text(const QString &value) { query.bind(next++, value); }
    void integer(qint64 value) { query.bind(next++, value); }
    void real(double value) { query.bind(next++, value); }
    void blob(const QByteArray &value) { query.bindBlob(next++, value); }
};

// One row's upsert (SQLite runs statements in the process, so one row each costs nothing more).
QString upsertStatement(Table table, Slice slice)
{
    const QStringList columns = keyColumns(slice) + measureColumns();
    return u"INSERT INTO "_s + tableName(table, slice) + u" ("_s + columns.join(u", "_s) + u") VALUES ("_s
        + QStringList(columns.size(), u"?"_s).join(u", "_s) + u')' + conflictUpdate(table, slice);
}

bool upsertSqlite(FastQuery &query, const Part &part, QString *error)
{
    for (const auto &[key, totals] : part.rows) {
        Binder binder { query };
        writeRow(key, totals, part.slice, binder);
        if (!query.exec()) {
            *error = query.lastError();
            return false;
        }
    }
    return true;
}

// On PostgreSQL a statement is a round trip, and one that binds thousands of values costs the server more to
// parse and plan than to run; so the batch's rows of all the tables go to a temporary table with one COPY
// (as the records do), and from there into each table with one INSERT … SELECT … ON CONFLICT, prepared once
// per connection: planning eighteen upserts (of 150 columns then) at every batch cost the server more than
// running them. The rows are applied in key order, so that instances sharing the database lock them in the
// same order (no deadlock).
constexpr auto kDeltas = "usage_rollup_deltas";
constexpr auto kApply = "usage_rollups_apply_";

QStringList applyStatements(const std::vector<Part> &parts)
{
    QStringList statements;
    for (size_t p = 0; p < parts.size(); ++p) {
        const Part &part = parts[p];
        const QString keys = keyColumns(part.slice).join(u", "_s);
        const QString columns = keys + u", "_s + measureColumns().join(u", "_s);
        statements.append(u"INSERT INTO "_s + tableName(part.table, part.slice) + u" ("_s + columns
            + u") SELECT "_s + columns + u" FROM "_s + QLatin1String(kDeltas) + u" WHERE part = "_s
            + QString::number(p) + u" ORDER BY "_s + keys + conflictUpdate(part.table, part.slice));
    }
    return statements;
}

QByteArray prepareDeltas()
{
    // A DO block and not CREATE … IF NOT EXISTS, whose notice Qt's driver would log at every batch. The table
    // lives as long as the connection, and a rolled-back batch takes its creation with it. Its rows carry
    // every dimension column (a slice's row leaves the others at their defaults) and the number of their
    // part. The prepared upserts live as long as the connection too, whatever becomes of the transaction
    // (the last is prepared last: when it is there, all are), and find the table again by its name when a
    // rollback took it.
    const QStringList statements = applyStatements(emptyParts());
    QString prepare;
    for (qsizetype p = 0; p < statements.size(); ++p)
        prepare += u"EXECUTE 'PREPARE %1%2 AS %3'; "_s.arg(QLatin1String(kApply)).arg(p).arg(statements[p]);
    return u"DO $$BEGIN IF to_regclass('pg_temp.%1') IS NULL THEN CREATE TEMPORARY TABLE %1 (part "
           u"SMALLINT NOT NULL, LIKE %2) ON COMMIT DELETE ROWS; END IF; IF NOT EXISTS (SELECT 1 FROM "
           u"pg_prepared_statements WHERE name = '%3%4') THEN %5END IF; END$$"_s
               .arg(QLatin1String(kDeltas), tableName(Table::Hourly), QLatin1String(kApply))
               .arg(statements.size() - 1)
               .arg(prepare)
               .toUtf8();
}

QByteArray applyDeltas(const std::vector<Part> &parts)
{
    QStringList statements;
    for (size_t p = 0; p < parts.size(); ++p)
        statements.append(u"EXECUTE "_s + QLatin1String(kApply) + QString::number(p));
    return statements.join(u"; "_s).toUtf8();
}

PgCopy::Outcome addPostgres(QSqlDatabase &db, const std::vector<Part> &parts, QString *error)
{
    static const QByteArray create = prepareDeltas();
    static const QByteArray copySql = (u"COPY "_s + QLatin1String(kDeltas) + u" (part, "_s
        + (keyColumns(Slice::Full) + measureColumns()).join(u", "_s) + u") FROM STDIN"_s)
                                          .toUtf8();
    static const QByteArray apply = applyDeltas(emptyParts());
    PgCopy::Outcome outcome = PgCopy::exec(db, create, error);
    if (outcome != PgCopy::Outcome::Ok)
        return outcome;
    size_t part = 0;
    auto row = parts[0].rows.begin();
    outcome = PgCopy::copy(
        db, copySql,
        [&](PgCopy::Line &line) {
            while (row == parts[part].rows.end()) {
                if (++part == parts.size())
                    return false;
                row = parts[part].rows.begin();
            }
            line.integer(qint64(part));
            writeRow(row->first, row->second, Slice::Full, line);
            ++row;
            return true;
        },
        error);
    if (outcome != PgCopy::Outcome::Ok)
        return outcome;
    return PgCopy::exec(db, apply, error);
}

// Sums the slices of `table` again from its full rows, for the buckets from `first` to `last`.
bool refillSlices(QSqlDatabase &db, Table table, const QString &first, const QString &last, QString *error)
{
    QSqlQuery query(db);
    const QString range = u"bucket >= ? AND bucket <= ?"_s;
    for (Slice slice : kSlices) {
        if (!Sql::exec(query, u"DELETE FROM "_s + tableName(table, slice) + u" WHERE "_s + range,
                { first, last }, error)
            || !Sql::exec(query, fillSlice(table, slice, range), { first, last }, error))
            return false;
    }
    return true;
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
        createTable(Table::Hourly, Slice::Full, Layout::BinColumns),
        fillFromRecords(Table::Hourly, {}, Layout::BinColumns),
        createTable(Table::Daily, Slice::Full, Layout::BinColumns),
        fillFromRecords(Table::Daily, {}, Layout::BinColumns),
        // The logs' filters by member and their cursor pages.
        u"CREATE INDEX idx_requests_member ON requests (member)"_s,
    };
}

QStringList minuteMigrationStatements(const QDateTime &now)
{
    // Only the minutes still kept: older ones would go at the first purge.
    return { createTable(Table::Minutely, Slice::Full, Layout::BinColumns),
        fillFromRecords(Table::Minutely, minuteOf(now.addSecs(-kMinuteHours * 3600)), Layout::BinColumns) };
}

QStringList sliceMigrationStatements()
{
    QStringList statements;
    for (Table table : kTables) {
        for (Slice slice : kSlices)
            statements << createTable(table, slice, Layout::BinColumns)
                       << fillSlice(table, slice, {}, Layout::BinColumns);
    }
    return statements;
}

QStringList packingMigrationStatements(DatabaseLocation::Kind kind)
{
    const bool postgres = kind == DatabaseLocation::Kind::Postgres;
    QStringList statements = postgres ? RollupBins::postgresDefinitions() : QStringList();
    for (Table table : kTables) {
        statements << packHistograms(table, Slice::Full, postgres);
        for (Slice slice : kSlices)
            statements << packHistograms(table, slice, postgres);
    }
    return statements;
}

PreparedUpserts::PreparedUpserts() = default;
PreparedUpserts::~PreparedUpserts() = default;

bool add(QSqlDatabase &db, std::vector<RequestRecord>::const_iterator begin,
    std::vector<RequestRecord>::const_iterator end, QString *error, bool *transient,
    PreparedUpserts *prepared)
{
    const std::vector<Part> parts = partsOf(begin, end);
    *transient = false;
    if (Database::isPostgres(db)) {
        const PgCopy::Outcome outcome = addPostgres(db, parts, error);
        *transient = outcome == PgCopy::Outcome::Transient;
        return outcome == PgCopy::Outcome::Ok;
    }
    PreparedUpserts once;
    PreparedUpserts &upserts = prepared ? *prepared : once;
    if (upserts.queries.size() != parts.size()) {
        upserts.queries.clear();
        for (const Part &part : parts) {
            auto query = std::make_unique<FastQuery>(db);
            if (!query->prepare(upsertStatement(part.table, part.slice))) {
                *error = query->lastError();
                upserts.queries.clear();
                return false;
            }
            upserts.queries.push_back(std::move(query));
        }
    }
    for (size_t p = 0; p < parts.size(); ++p) {
        if (!upsertSqlite(*upserts.queries[p], parts[p], error))
            return false;
    }
    return true;
}

QString table(Table table, Slice slice)
{
    return tableName(table, slice);
}

bool pruneMinutes(QSqlDatabase &db, const QDateTime &before, qint64 *removed, QString *error)
{
    QSqlQuery query(db);
    for (Slice slice : kSlices) {
        if (!Sql::exec(query, u"DELETE FROM "_s + tableName(Table::Minutely, slice) + u" WHERE bucket < ?"_s,
                { minuteOf(before) }, error))
            return false;
    }
    if (!Sql::exec(query, u"DELETE FROM "_s + tableName(Table::Minutely) + u" WHERE bucket < ?"_s,
            { minuteOf(before) }, error))
        return false;
    *removed = query.numRowsAffected();
    return true;
}

bool remove(QSqlDatabase &db, const QString &member, QString *error)
{
    QSqlQuery query(db);
    for (Table table : kTables) {
        const QString t = tableName(table);
        if (member.isEmpty()) {
            for (Slice slice : kSlices) {
                if (!Sql::exec(db, u"DELETE FROM "_s + tableName(table, slice), error))
                    return false;
            }
            if (!Sql::exec(db, u"DELETE FROM "_s + t, error))
                return false;
            continue;
        }
        // The buckets whose slices change: those the member has full rows in.
        if (!Sql::exec(query, u"SELECT MIN(bucket), MAX(bucket) FROM "_s + t + u" WHERE member = ?"_s,
                { member }, error))
            return false;
        QString first;
        QString last;
        if (query.next()) {
            first = query.value(0).toString();
            last = query.value(1).toString();
        }
        query.finish();
        if (first.isEmpty())
            continue;
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
            || !Sql::exec(query, u"DELETE FROM "_s + t + u" WHERE member = ?"_s, { member }, error)
            || !refillSlices(db, table, first, last, error))
            return false;
    }
    return true;
}

QString storedColumns()
{
    return measureColumns().join(u", "_s);
}

void addMeasures(const FastQuery &query, int first, UsageTotals &t)
{
    int c = first;
    for (qint64 *field : { &t.requests, &t.errors, &t.retries, &t.cacheHits, &t.unpriced, &t.promptTokens,
             &t.completionTokens, &t.cachedTokens, &t.cacheWriteTokens, &t.reasoningTokens, &t.totalTokens })
        *field += query.integer(c++);
    t.cost += query.real(c++);
    for (qint64 *field : { &t.durationSumMs, &t.ttftCount, &t.ttftSumMs, &t.upstreamFailures })
        *field += query.integer(c++);
    // The database's functions refuse to store what is not a packed histogram, so this one was written so.
    LatencyBins::addPacked(query.blob(c++), t.duration);
    LatencyBins::addPacked(query.blob(c++), t.ttft);
}

} // namespace UsageRollups
