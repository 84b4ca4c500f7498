#pragma once

#include <QString>
#include <QStringList>

struct sqlite3;

// The SQL functions the usage rollups' statements call on packed histograms (LatencyBins::pack), under the
// same names on both engines:
//   llmgw_bins_add(a, b)            the histogram of both (an upsert adding a batch to a stored row)
//   llmgw_bins_sum(packed)          an aggregate: the histogram of all the rows (a slice from the full rows)
//   llmgw_bins_pack(c0, c1, … c63)  the histogram of 64 counts (from the records, and from the old columns)
// SQLite is given them in C on every connection it opens; PostgreSQL keeps them in the database, in PL/pgSQL,
// created by the migration that packs the histograms.
namespace RollupBins {

// Registers the functions on an SQLite connection. False and *error when SQLite refuses.
bool installSqlite(sqlite3 *db, QString *error);
// The statements that create (or replace) them in a PostgreSQL database.
QStringList postgresDefinitions();

} // namespace RollupBins
