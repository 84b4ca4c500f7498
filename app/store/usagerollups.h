#pragma once

#include "database.h"
#include "requestrecord.h"
#include "usagetotals.h"

#include <QSqlDatabase>
#include <QStringList>

#include <vector>

class FastQuery;

// The usage rollups: one row per hour (usage_rollups) and per day (usage_rollups_daily), API key, member,
// model and provider with the sums of UsageTotals, so that usage over months is read from a few thousand rows
// instead of millions of records, and survives the purge of the raw records. The log writer adds each batch in
// the transaction that inserts it, with an upsert that adds to the row in place, so instances sharing one
// database never lose an update. Both tables key their rows by `bucket`: "2026-11-25T13" or "2026-11-25".
namespace UsageRollups {
// "2026-11-25T13": the hour bucket of a time, as stored (UTC, sorts as text).
QString hourOf(const QDateTime &at);

// The statements of the migration that creates the table and fills it from the records already stored.
QStringList migrationStatements();

// Adds the records in [begin, end) to their rollup rows, inside the caller's transaction.
bool add(QSqlDatabase &db, std::vector<RequestRecord>::const_iterator begin,
         std::vector<RequestRecord>::const_iterator end, QString *error);
// The table of daily or of hourly rows.
QString table(bool daily);
// Removes a member's rows (`member` empty: every row), inside the caller's transaction. Their cost stays, by
// API key, model and provider in rows without a member and without any other figure, so that deleting one's
// data never reopens the spend limits of a key or a provider, and the team's costs still add up.
bool remove(QSqlDatabase &db, const QString &member, QString *error);

// The measure columns, in UsageTotals order, as SQL expressions summed over the rows a query selects
// ("SUM(requests), SUM(errors), …"), and the reader of one row of them starting at column `first`.
QString summedColumns();
// The same measure columns as stored, for adding rows up in the process ("requests, errors, …").
QString plainColumns();
UsageTotals readSummed(const FastQuery &query, int first);
} // namespace UsageRollups
