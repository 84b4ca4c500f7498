#pragma once

#include "database.h"
#include "requestrecord.h"

#include <QDateTime>

class QCommandLineParser;

#include <functional>
#include <optional>

// The request records the store benchmarks write: deterministic (every run writes the same store), 8 models
// on 5 providers, 10 keys of 5 members, 2 % retried attempts, latencies 80–6 080 ms.
namespace BenchRecords {
// Record i of `total`, its time spread evenly over `spreadHours` hours from `start`.
RequestRecord record(qint64 i, qint64 total, const QDateTime &start, int spreadHours);
// Where a benchmark writes: the database at `databaseUrl` (an empty one), or else SQLite in `tempDir`;
// nullopt and *error for a URL that is not usable.
std::optional<DatabaseLocation> storeAt(const QString &databaseUrl, const QString &tempDir, QString *error);
// --data-dir DIR (gateway.db in it) and --database postgres://…: which store a tool reads or fills.
void addStoreOptions(QCommandLineParser &parser);
// The store the options name; nullopt and *error when neither or a bad URL is given.
std::optional<DatabaseLocation> storeFromOptions(const QCommandLineParser &parser, QString *error);
// The median wall time of `runs` runs of `work`, in ms; -1 when a run failed.
double medianMs(int runs, const std::function<bool()> &work);
} // namespace BenchRecords
