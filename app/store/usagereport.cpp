#include "usagereport.h"

#include "wirenames.h"

#include "fastquery.h"
#include "usagerollups.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

using namespace Qt::StringLiterals;

namespace {

QDateTime hourFloor(const QDateTime &at)
{
    const QDateTime utc = at.toUTC();
    return QDateTime(utc.date(), QTime(utc.time().hour(), 0), Qt::UTC);
}

QDateTime hourCeil(const QDateTime &at)
{
    const QDateTime floor = hourFloor(at);
    return floor == at.toUTC() ? floor : floor.addSecs(3600);
}

QDateTime minuteFloor(const QDateTime &at)
{
    const QDateTime utc = at.toUTC();
    return QDateTime(utc.date(), QTime(utc.time().hour(), utc.time().minute()), Qt::UTC);
}

QDateTime minuteCeil(const QDateTime &at)
{
    const QDateTime floor = minuteFloor(at);
    return floor == at.toUTC() ? floor : floor.addSecs(60);
}

// The range a report covers: whole minutes for minute buckets, whole hours (what the rollups hold) otherwise.
std::pair<QDateTime, QDateTime> alignedRange(const RecordFilter &filter, UsageBucket bucket)
{
    if (bucket == UsageBucket::Minute)
        return { minuteFloor(filter.from), minuteCeil(filter.to) };
    return { hourFloor(filter.from), hourCeil(filter.to) };
}

QString dimensionColumn(UsageDimension dimension)
{
    switch (dimension) {
    case UsageDimension::None:
        return u"''"_s;
    case UsageDimension::Model:
        return u"used_model"_s;
    case UsageDimension::Provider:
        return u"used_provider"_s;
    case UsageDimension::ApiKey:
        return u"CAST(api_key_id AS TEXT)"_s;
    case UsageDimension::Member:
        return u"member"_s;
    }
    return u"''"_s;
}

// The slice that answers a report: the one of its dimension, or of its only filter when it has no dimension;
// the full rows when it filters by a dimension it does not group by, or by two.
UsageRollups::Slice sliceFor(const RecordFilter &filter, UsageDimension dimension)
{
    UsageDimension wanted = dimension;
    const std::pair<bool, UsageDimension> filters[] = {
        { !filter.model.isEmpty(), UsageDimension::Model },
        { !filter.provider.isEmpty(), UsageDimension::Provider },
        { filter.apiKeyId.has_value(), UsageDimension::ApiKey },
        { !filter.member.isEmpty(), UsageDimension::Member },
    };
    for (const auto &[filtered, by] : filters) {
        if (!filtered)
            continue;
        if (wanted != UsageDimension::None && wanted != by)
            return UsageRollups::Slice::Full;
        wanted = by;
    }
    switch (wanted) {
    case UsageDimension::None:
        return UsageRollups::Slice::Total;
    case UsageDimension::Model:
        return UsageRollups::Slice::Model;
    case UsageDimension::Provider:
        return UsageRollups::Slice::Provider;
    case UsageDimension::ApiKey:
        return UsageRollups::Slice::ApiKey;
    case UsageDimension::Member:
        return UsageRollups::Slice::Member;
    }
    return UsageRollups::Slice::Full;
}

} // namespace

namespace UsageBuckets {

namespace {
const WireName<UsageBucket> kBucketNames[] = {
    { UsageBucket::Minute, "minute"_L1 },
    { UsageBucket::Hour, "hour"_L1 },
    { UsageBucket::Day, "day"_L1 },
    { UsageBucket::Week, "week"_L1 },
    { UsageBucket::Month, "month"_L1 },
};
} // namespace

std::optional<UsageBucket> fromName(const QString &name)
{
    return WireNames::value(kBucketNames, name);
}

QString name(UsageBucket bucket)
{
    return WireNames::name(kBucketNames, bucket);
}

QDateTime startOf(const QDateTime &at, UsageBucket bucket)
{
    const QDateTime utc = at.toUTC();
    const QDate day = utc.date();
    switch (bucket) {
    case UsageBucket::Minute:
        return minuteFloor(utc);
    case UsageBucket::Hour:
        return hourFloor(utc);
    case UsageBucket::Day:
        return QDateTime(day, QTime(0, 0), Qt::UTC);
    case UsageBucket::Week:
        return QDateTime(day.addDays(1 - day.dayOfWeek()), QTime(0, 0), Qt::UTC);
    case UsageBucket::Month:
        return QDateTime(QDate(day.year(), day.month(), 1), QTime(0, 0), Qt::UTC);
    }
    return utc;
}

QDateTime next(const QDateTime &start, UsageBucket bucket)
{
    switch (bucket) {
    case UsageBucket::Minute:
        return start.addSecs(60);
    case UsageBucket::Hour:
        return start.addSecs(3600);
    case UsageBucket::Day:
        return start.addDays(1);
    case UsageBucket::Week:
        return start.addDays(7);
    case UsageBucket::Month:
        return start.addMonths(1);
    }
    return start.addDays(1);
}

} // namespace UsageBuckets

QString UsageReport::rangeProblem(const RecordFilter &filter, UsageBucket bucket)
{
    const auto [from, to] = alignedRange(filter, bucket);
    if (!from.isValid() || !to.isValid() || to <= from)
        return u"the time range is empty: 'from' must be before 'to'"_s;
    qint64 points = 0;
    for (QDateTime start = UsageBuckets::startOf(from, bucket); start < to && points <= kMaxPoints;
         start = UsageBuckets::next(start, bucket))
        ++points;
    if (points > kMaxPoints)
        return u"the range holds more than %1 %2 buckets; choose a larger bucket or a shorter range"_s
            .arg(kMaxPoints)
            .arg(UsageBuckets::name(bucket));
    return {};
}

std::optional<UsageReport> UsageReport::query(QSqlDatabase &db, const RecordFilter &filter,
    UsageBucket bucket, UsageDimension dimension, QString *error, Rows rows)
{
    if (const QString problem = rangeProblem(filter, bucket); !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    UsageReport report;
    std::tie(report.from, report.to) = alignedRange(filter, bucket);

    // Every bucket of the report, and its start in ms since the epoch, to find a row's point by.
    std::vector<UsagePoint> noPoints;
    std::vector<qint64> startsMs;
    for (QDateTime start = UsageBuckets::startOf(report.from, bucket); start < report.to;
         start = UsageBuckets::next(start, bucket)) {
        noPoints.push_back({ start, {} });
        startsMs.push_back(start.toMSecsSinceEpoch());
    }
    // group → its dense series, filled in place; one group, "", without a dimension.
    std::map<QString, std::vector<UsagePoint>> perGroup;
    const UsageRollups::Slice slice
        = rows == Rows::Full ? UsageRollups::Slice::Full : sliceFor(filter, dimension);
    // The rows are added up here, in the order of the rollups' primary key: on SQLite faster than its own
    // GROUP BY, which sorts the rows (the dimension is not a prefix of the key) and steps an aggregate per
    // column; on PostgreSQL a row is a few values since the histograms are packed, and the server's
    // llmgw_bins_sum, in PL/pgSQL, would cost more than sending them. A slice has one row per bucket and
    // group already.
    const auto read = [&](UsageRollups::Table table, const QDateTime &from, const QDateTime &to) {
        if (from >= to)
            return true;
        const QString fromKey = UsageRollups::bucketOf(from, table);
        const QString toKey = UsageRollups::bucketOf(to, table);
        // Weeks and months have no dialect-neutral SQL spelling: rows come per hour or day, merged here.
        QString sql = u"SELECT bucket, %1, %2 FROM %3 WHERE bucket >= ? AND bucket < ?"_s.arg(
            dimensionColumn(dimension), UsageRollups::storedColumns(), UsageRollups::table(table, slice));
        QStringList texts { fromKey, toKey };
        if (!filter.model.isEmpty()) {
            sql += u" AND used_model = ?"_s;
            texts.append(filter.model);
        }
        if (!filter.provider.isEmpty()) {
            sql += u" AND used_provider = ?"_s;
            texts.append(filter.provider);
        }
        if (!filter.member.isEmpty()) {
            sql += u" AND member = ?"_s;
            texts.append(filter.member);
        }
        if (filter.apiKeyId)
            sql += u" AND api_key_id = ?"_s;
        FastQuery query(db);
        if (!query.prepare(sql)) {
            *error = query.lastError();
            return false;
        }
        int i = 0;
        for (const QString &text : std::as_const(texts))
            query.bind(i++, text);
        if (filter.apiKeyId)
            query.bind(i++, *filter.apiKeyId);
        if (!query.exec()) {
            *error = query.lastError();
            return false;
        }
        QString lastStamp;
        QString lastGroup;
        size_t point = 0;
        UsageTotals *cell = nullptr;
        while (query.next()) {
            // Consecutive rows mostly share their bucket, and often their group too.
            if (const QString stamp = query.text(0); stamp != lastStamp || !cell) {
                const qint64 start
                    = UsageBuckets::startOf(UsageRollups::startOf(stamp, table), bucket).toMSecsSinceEpoch();
                point = size_t(std::lower_bound(startsMs.begin(), startsMs.end(), start) - startsMs.begin());
                if (point == startsMs.size() || startsMs[point] != start) {
                    *error = u"a usage row of bucket %1 lies outside the report's range"_s.arg(stamp);
                    return false;
                }
                lastStamp = stamp;
                cell = nullptr;
            }
            if (QString group = dimension == UsageDimension::None ? QString() : query.text(1);
                group != lastGroup || !cell) {
                auto series = perGroup.try_emplace(group);
                if (series.second)
                    series.first->second = noPoints;
                cell = &series.first->second[point].totals;
                lastGroup = std::move(group);
            }
            UsageRollups::addMeasures(query, 2, *cell);
        }
        return true;
    };
    // Whole days from the daily rows, the ragged hours at either end from the hourly ones.
    bool ok = true;
    using UsageRollups::Table;
    if (bucket == UsageBucket::Minute) {
        ok = read(Table::Minutely, report.from, report.to);
    } else if (bucket == UsageBucket::Hour) {
        ok = read(Table::Hourly, report.from, report.to);
    } else {
        const QDateTime firstMidnight
            = UsageBuckets::startOf(report.from.addSecs(86'400 - 3600), UsageBucket::Day);
        const QDateTime lastMidnight = UsageBuckets::startOf(report.to, UsageBucket::Day);
        if (firstMidnight >= lastMidnight) {
            ok = read(Table::Hourly, report.from, report.to);
        } else {
            ok = read(Table::Hourly, report.from, firstMidnight)
                && read(Table::Daily, firstMidnight, lastMidnight)
                && read(Table::Hourly, lastMidnight, report.to);
        }
    }
    if (!ok)
        return std::nullopt;
    report.series = noPoints;
    for (auto &[key, series] : perGroup) {
        UsageGroup group { key, {}, {} };
        for (size_t point = 0; point < series.size(); ++point) {
            group.totals.merge(series[point].totals);
            report.series[point].totals.merge(series[point].totals);
        }
        report.totals.merge(group.totals);
        if (dimension != UsageDimension::None) {
            group.series = std::move(series);
            report.groups.push_back(std::move(group));
        }
    }
    std::stable_sort(
        report.groups.begin(), report.groups.end(), [](const UsageGroup &a, const UsageGroup &b) {
            return a.totals.cost != b.totals.cost ? a.totals.cost > b.totals.cost
                                                  : a.totals.requests > b.totals.requests;
        });
    return report;
}
