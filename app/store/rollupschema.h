#pragma once

#include <QString>
#include <QStringList>

#include <vector>

// The tables of the usage rollups and the SQL that creates and fills them (UsageRollups writes and reads
// them). Every resolution (minutes, hours, days) has full rows, keyed by API key, member, model and provider
// at once, and beside them slices: rows keyed by one of those dimensions alone, or by none (the total). A
// slice row is the sum of the full rows of its bucket and dimension value, always: the log writer adds to
// both in one transaction, and whatever removes full rows rebuilds the slices it touched. A report that
// groups or filters by one dimension at most reads a slice, a few rows a bucket instead of one per
// combination (bench/README.md, figures at team scale).
namespace RollupSchema {

enum class Table { Minutely, Hourly, Daily };
enum class Slice { Full, Total, Model, Provider, ApiKey, Member };
// How a table keeps its two latency histograms: as 64 columns each (d0 … d63, t0 … t63), as the migrations
// before "packed latency histograms" made them, or packed (LatencyBins::pack) into one column each
// (duration_bins, ttft_bins), which the functions of RollupBins add up. Only migrations name the first.
enum class Layout { BinColumns, Packed };

inline constexpr Table kTables[] = { Table::Hourly, Table::Daily, Table::Minutely };
inline constexpr Slice kSlices[]
    = { Slice::Total, Slice::Model, Slice::Provider, Slice::ApiKey, Slice::Member };

// "usage_rollups" (hourly, full), "usage_rollups_daily_by_model", "usage_rollups_minute_total", …
QString tableName(Table table, Slice slice = Slice::Full);
// Characters of an ISO created_at that name a bucket: 13 "2026-11-25T13", 10 "2026-11-25", 16 "…T13:45".
int bucketPrefix(Table table);
// "bucket" and the dimension columns of a slice, in the full table's order.
QStringList keyColumns(Slice slice);
// The measure columns, in UsageTotals order: the scalars, then the histograms.
QStringList measureColumns(Layout layout = Layout::Packed);
int scalarCount();

QString createTable(Table table, Slice slice, Layout layout = Layout::Packed);
// INSERT INTO the table of `slice` the sums of the full rows of its resolution (`where`: a condition on
// those rows, none when empty; its ? are the caller's to bind).
QString fillSlice(Table table, Slice slice, const QString &where = {}, Layout layout = Layout::Packed);
// INSERT INTO the full table the sums of the records stored (those created from `since` on, when given).
QString fillFromRecords(Table table, const QString &since = {}, Layout layout = Layout::Packed);
// " ON CONFLICT (key columns) DO UPDATE SET measure = table.measure + excluded.measure, …"
QString conflictUpdate(Table table, Slice slice);
// The statements that turn a table of the BinColumns layout into the Packed one, rows and all (the functions
// of RollupBins must be there).
QStringList packHistograms(Table table, Slice slice, bool postgres);

} // namespace RollupSchema
