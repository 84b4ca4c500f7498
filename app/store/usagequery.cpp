#include "usagequery.h"

#include "usagerollups.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <map>

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

// A dense series over [from, to): one point per bucket, filled from `points` (bucket start → totals).
std::vector<UsagePoint> dense(const QDateTime &from, const QDateTime &to, UsageBucket bucket,
                              const std::map<QDateTime, UsageTotals> &points)
{
    std::vector<UsagePoint> series;
    for (QDateTime start = UsageBuckets::startOf(from, bucket); start < to; start = UsageBuckets::next(start, bucket)) {
        const auto it = points.find(start);
        series.push_back({start, it == points.end() ? UsageTotals() : it->second});
    }
    return series;
}

} // namespace

namespace UsageBuckets {

std::optional<UsageBucket> fromName(const QString &name)
{
    if (name == "hour"_L1)
        return UsageBucket::Hour;
    if (name == "day"_L1)
        return UsageBucket::Day;
    if (name == "week"_L1)
        return UsageBucket::Week;
    if (name == "month"_L1)
        return UsageBucket::Month;
    return std::nullopt;
}

QString name(UsageBucket bucket)
{
    switch (bucket) {
    case UsageBucket::Hour:
        return u"hour"_s;
    case UsageBucket::Day:
        return u"day"_s;
    case UsageBucket::Week:
        return u"week"_s;
    case UsageBucket::Month:
        return u"month"_s;
    }
    return {};
}

QDateTime startOf(const QDateTime &at, UsageBucket bucket)
{
    const QDateTime utc = at.toUTC();
    const QDate day = utc.date();
    switch (bucket) {
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
    const QDateTime from = hourFloor(filter.from);
    const QDateTime to = hourCeil(filter.to);
    if (!from.isValid() || !to.isValid() || to <= from)
        return u"the time range is empty: 'from' must be before 'to'"_s;
    qint64 points = 0;
    for (QDateTime start = UsageBuckets::startOf(from, bucket); start < to && points <= kMaxPoints;
         start = UsageBuckets::next(start, bucket))
        ++points;
    if (points > kMaxPoints)
        return u"the range holds more than %1 %2 buckets; choose a larger bucket or a shorter range"_s
            .arg(kMaxPoints).arg(UsageBuckets::name(bucket));
    return {};
}

std::optional<UsageReport> UsageReport::query(QSqlDatabase &db, const RecordFilter &filter, UsageBucket bucket,
                                              UsageDimension dimension, QString *error)
{
    if (const QString problem = rangeProblem(filter, bucket); !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    UsageReport report;
    report.from = hourFloor(filter.from);
    report.to = hourCeil(filter.to);

    // Hours stay hours; everything coarser is read per day and merged here (weeks and months have no
    // dialect-neutral SQL spelling, and a day's rows are few).
    const int prefix = bucket == UsageBucket::Hour ? 13 : 10;
    QString sql = u"SELECT substr(bucket_hour, 1, %1), %2, %3 FROM usage_rollups WHERE bucket_hour >= ? AND bucket_hour < ?"_s
                      .arg(prefix).arg(dimensionColumn(dimension), UsageRollups::summedColumns());
    QVariantList values{UsageRollups::hourOf(report.from), UsageRollups::hourOf(report.to)};
    const auto where = [&](const QString &clause, const QVariant &value) {
        sql += u" AND "_s + clause;
        values.append(value);
    };
    if (!filter.model.isEmpty())
        where(u"used_model = ?"_s, filter.model);
    if (!filter.provider.isEmpty())
        where(u"used_provider = ?"_s, filter.provider);
    if (filter.apiKeyId)
        where(u"api_key_id = ?"_s, *filter.apiKeyId);
    if (!filter.member.isEmpty())
        where(u"member = ?"_s, filter.member);
    sql += u" GROUP BY 1, 2"_s;

    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.prepare(sql)) {
        *error = query.lastError().text();
        return std::nullopt;
    }
    for (const QVariant &value : std::as_const(values))
        query.addBindValue(value);
    if (!query.exec()) {
        *error = query.lastError().text();
        return std::nullopt;
    }

    std::map<QDateTime, UsageTotals> overall;
    std::map<QString, std::map<QDateTime, UsageTotals>> perGroup;
    while (query.next()) {
        const QString stamp = query.value(0).toString();
        const QDateTime at = prefix == 13 ? QDateTime::fromString(stamp + u":00:00Z"_s, Qt::ISODate)
                                          : QDateTime(QDate::fromString(stamp, Qt::ISODate), QTime(0, 0), Qt::UTC);
        const QDateTime start = UsageBuckets::startOf(at, bucket);
        const UsageTotals totals = UsageRollups::readSummed(query, 2);
        report.totals.merge(totals);
        overall[start].merge(totals);
        if (dimension != UsageDimension::None)
            perGroup[query.value(1).toString()][start].merge(totals);
    }
    report.series = dense(report.from, report.to, bucket, overall);
    for (const auto &[key, points] : perGroup) {
        UsageGroup group{key, {}, dense(report.from, report.to, bucket, points)};
        for (const auto &[start, totals] : points)
            group.totals.merge(totals);
        report.groups.push_back(std::move(group));
    }
    std::stable_sort(report.groups.begin(), report.groups.end(), [](const UsageGroup &a, const UsageGroup &b) {
        return a.totals.cost != b.totals.cost ? a.totals.cost > b.totals.cost : a.totals.requests > b.totals.requests;
    });
    return report;
}
