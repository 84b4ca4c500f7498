#pragma once

#include "usagetotals.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QString>

#include <optional>
#include <vector>

// Which records a usage or logs query covers. Empty fields do not filter.
struct RecordFilter
{
    QDateTime from; // inclusive
    QDateTime to; // exclusive
    QString model; // the model as sent upstream (used_model)
    QString provider;
    std::optional<qint64> apiKeyId;
    QString member; // email of the key's owner
};

enum class UsageBucket { Minute, Hour, Day, Week, Month }; // UTC; weeks start on Monday
enum class UsageDimension { None, Model, Provider, ApiKey, Member };

// One point of a series: the bucket starting at `start`.
struct UsagePoint
{
    QDateTime start;
    UsageTotals totals;
};

struct UsageGroup
{
    QString key; // the model, provider, API key id or member
    UsageTotals totals;
    std::vector<UsagePoint> series;
};

// Totals and a dense series (one point per bucket of the range, empty ones included) over the rollups (minute
// rows for minute buckets, which reach back UsageRollups::kMinuteHours), optionally per group. Times are
// whole hours (whole minutes for minute buckets): `from` is rounded down, `to` up.
struct UsageReport
{
    QDateTime from;
    QDateTime to;
    UsageTotals totals;
    std::vector<UsagePoint> series;
    std::vector<UsageGroup> groups; // with a dimension, largest cost first

    static constexpr int kMaxPoints = 2000;

    // Why the range cannot be reported (empty, or more than kMaxPoints buckets); empty when it can.
    static QString rangeProblem(const RecordFilter &filter, UsageBucket bucket);
    // Which rollup rows a report reads: the fewest that answer it (a slice when it groups and filters by one
    // dimension at most), or the full rows, which answer every report (the slices are checked against them).
    enum class Rows { Fewest, Full };

    // nullopt and *error on a database failure or a range with a rangeProblem().
    static std::optional<UsageReport> query(QSqlDatabase &db, const RecordFilter &filter, UsageBucket bucket,
        UsageDimension dimension, QString *error, Rows rows = Rows::Fewest);
};

namespace UsageBuckets {
std::optional<UsageBucket> fromName(const QString &name);
QString name(UsageBucket bucket);
QDateTime startOf(const QDateTime &at, UsageBucket bucket);
QDateTime next(const QDateTime &start, UsageBucket bucket);
} // namespace UsageBuckets
