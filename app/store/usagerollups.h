#pragma once

#include "database.h"
#include "requestrecord.h"
#include "rollupschema.h"
#include "usagetotals.h"

#include <QSqlDatabase>
#include <QStringList>

#include <memory>
#include <vector>

class FastQuery;

// The usage rollups: one row per hour (usage_rollups) and per day (usage_rollups_daily), API key, member,
// model and provider with the sums of UsageTotals, so that usage over months is read from a few thousand rows
// instead of millions of records, and survives the purge of the raw records. The log writer adds each batch
// in the transaction that inserts it, with an upsert that adds to the row in place, so instances sharing one
// database never lose an update. The tables key their rows by `bucket`: "2026-11-25T13" or "2026-11-25".
//
// Minute rows (usage_rollups_minute, "2026-11-25T13:45") are kept for the last kMinuteHours hours only, for
// usage below an hour: their cost is bounded by minutes × keys × models, however busy the gateway, where
// reading the records of those hours grows with the traffic (measured in
// bench/results-usage-minutes-2026-12-06.md). RecordStore::purge() removes older ones.
//
// Beside the full rows of each resolution, slices keyed by one dimension or none (RollupSchema), kept by the
// same statements, for the reports that need no more.
namespace UsageRollups {
inline constexpr qint64 kMinuteHours = 48;

using Table = RollupSchema::Table;
using Slice = RollupSchema::Slice;
using Layout = RollupSchema::Layout;

// "2026-11-25T13": the hour bucket of a time, as stored (UTC, sorts as text).
QString hourOf(const QDateTime &at);
// "2026-11-25T13:45": the minute bucket.
QString minuteOf(const QDateTime &at);
// A time's bucket in `table`, and back: the start of a stored bucket.
QString bucketOf(const QDateTime &at, Table table);
QDateTime startOf(const QString &bucket, Table table);

// The statements of the migration that creates the table and fills it from the records already stored.
QStringList migrationStatements();
// The same for the minute rows, filled from the records of the kMinuteHours hours before `now`.
QStringList minuteMigrationStatements(const QDateTime &now);
// The same for the slices of every resolution, filled from the full rows.
QStringList sliceMigrationStatements();
// The statements that pack the histograms of every rollup table (RollupSchema::Layout), with the functions
// that PostgreSQL needs for them.
QStringList packingMigrationStatements(DatabaseLocation::Kind kind);

// The upserts of one SQLite connection, prepared at its first batch and kept: a batch runs one per table
// (eighteen, of 150 columns before the histograms were packed), and preparing them again every time cost the
// writer more than running them. Destroy it before its connection closes.
struct PreparedUpserts
{
    PreparedUpserts();
    ~PreparedUpserts();
    Q_DISABLE_COPY_MOVE(PreparedUpserts)
    std::vector<std::unique_ptr<FastQuery>> queries; // one per table, in the order add() writes them
};

// Adds the records in [begin, end) to their rollup rows, inside the caller's transaction. On failure *error
// says why, and *transient whether the same batch may go in when tried again (a deadlock, a lost connection).
// `prepared`, on SQLite: the connection's upserts, kept from call to call (null: prepared for this call).
bool add(QSqlDatabase &db, std::vector<RequestRecord>::const_iterator begin,
    std::vector<RequestRecord>::const_iterator end, QString *error, bool *transient,
    PreparedUpserts *prepared = nullptr);
QString table(Table table, Slice slice = Slice::Full);
// Deletes the minute rows (full and sliced) of minutes that began before `before`, inside or outside a
// transaction; *removed counts the full ones.
bool pruneMinutes(QSqlDatabase &db, const QDateTime &before, qint64 *removed, QString *error);
// Removes a member's rows (`member` empty: every row), inside the caller's transaction. Their cost stays, by
// API key, model and provider in rows without a member and without any other figure, so that deleting one's
// data never reopens the spend limits of a key or a provider, and the team's costs still add up. The slices
// of the buckets the member had rows in are summed again from the full rows.
bool remove(QSqlDatabase &db, const QString &member, QString *error);

// The measure columns of rollup rows as stored, in UsageTotals order, for a SELECT ("requests, errors, …"),
// and the reader that adds one row of them, from column `first`, to `totals`.
QString storedColumns();
void addMeasures(const FastQuery &query, int first, UsageTotals &totals);
} // namespace UsageRollups
