#include "usageseriesmodel.h"

#include "usagemath.h"

#include <algorithm>
#include <functional>

using namespace Qt::StringLiterals;
using Formatting::Unit;
using Totals = UsageData::Totals;

namespace {

struct Column
{
    QString name;
    Unit unit;
    std::function<std::optional<double>(const Totals &)> value;
};

std::optional<double> number(qint64 value)
{
    return double(value);
}

// The metric's own series, for a report without groups.
QList<Column> columnsOf(UsageSeriesModel::Metric metric)
{
    using Metric = UsageSeriesModel::Metric;
    switch (metric) {
    case Metric::Requests:
        return { { u"Requests"_s, Unit::Count, [](const Totals &t) { return number(t.requests); } },
            { u"Errors"_s, Unit::Count, [](const Totals &t) { return number(t.errors); } } };
    case Metric::Tokens:
        return { { u"Input"_s, Unit::Tokens,
                     [](const Totals &t) { return number(UsageMath::uncachedInput(t)); } },
            { u"Cached input"_s, Unit::Tokens, [](const Totals &t) { return number(t.cachedTokens); } },
            { u"Output"_s, Unit::Tokens, [](const Totals &t) { return number(t.completionTokens); } } };
    case Metric::Cost:
        return { { u"Cost"_s, Unit::Usd, [](const Totals &t) { return std::optional(t.costUsd); } } };
    case Metric::Latency:
        return { { u"Duration p50"_s, Unit::Milliseconds, [](const Totals &t) { return t.duration.p50; } },
            { u"Duration p95"_s, Unit::Milliseconds, [](const Totals &t) { return t.duration.p95; } },
            { u"Duration p99"_s, Unit::Milliseconds, [](const Totals &t) { return t.duration.p99; } },
            { u"First token p50"_s, Unit::Milliseconds, [](const Totals &t) { return t.ttft.p50; } },
            { u"First token p95"_s, Unit::Milliseconds, [](const Totals &t) { return t.ttft.p95; } },
            { u"First token p99"_s, Unit::Milliseconds, [](const Totals &t) { return t.ttft.p99; } } };
    case Metric::Errors:
        return { { u"Errors"_s, Unit::Count, [](const Totals &t) { return number(t.errors); } },
            { u"Error rate"_s, Unit::Percent, [](const Totals &t) { return t.errorRatePercent(); } } };
    case Metric::Cache:
        return { { u"Cache hits"_s, Unit::Count, [](const Totals &t) { return number(t.cacheHits); } },
            { u"Cache-hit rate"_s, Unit::Percent, [](const Totals &t) { return t.cacheHitRatePercent(); } },
            { u"Cached tokens"_s, Unit::Tokens, [](const Totals &t) { return number(t.cachedTokens); } } };
    }
    return {};
}

// The one value per group a grouped chart shows.
Column mainOf(UsageSeriesModel::Metric metric)
{
    using Metric = UsageSeriesModel::Metric;
    switch (metric) {
    case Metric::Requests:
        return columnsOf(metric).at(0);
    case Metric::Tokens:
        return { {}, Unit::Tokens, [](const Totals &t) { return number(t.totalTokens); } };
    case Metric::Cost:
        return columnsOf(metric).at(0);
    case Metric::Latency:
        return columnsOf(metric).at(1);
    case Metric::Errors:
        return columnsOf(metric).at(1);
    case Metric::Cache:
        return columnsOf(metric).at(1);
    }
    return columnsOf(Metric::Requests).at(0);
}

Totals at(const QList<UsageData::Point> &series, qsizetype row)
{
    return row < series.size() ? series.at(row).totals : Totals();
}

} // namespace

UsageSeriesModel::UsageSeriesModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

bool UsageSeriesModel::stacked(Metric metric, bool grouped)
{
    switch (metric) {
    case Metric::Tokens:
    case Metric::Cost:
        return true;
    case Metric::Requests:
        // Errors are part of the requests, not on top of them; split by group the requests add up.
        return grouped;
    case Metric::Latency:
    case Metric::Errors:
    case Metric::Cache:
        return false; // percentiles and rates do not add up, and the first series is the main one
    }
    return false;
}

bool UsageSeriesModel::stacked() const
{
    return stacked(m_metric, !m_report.groups.isEmpty());
}

Formatting::Unit UsageSeriesModel::unit(int column) const
{
    return column >= 1 && column <= m_series.size() ? m_series.at(column - 1).unit : Unit::Count;
}

void UsageSeriesModel::setMetric(Metric metric)
{
    if (metric == m_metric)
        return;
    m_metric = metric;
    apply(m_starts, build(m_report, m_starts.size()));
}

void UsageSeriesModel::setReport(const UsageData &report)
{
    m_report = report;
    QList<QDateTime> starts;
    const QList<UsageData::Point> &points = !report.series.isEmpty() || report.groups.isEmpty()
        ? report.series
        : report.groups.constFirst().series;
    starts.reserve(points.size());
    for (const UsageData::Point &point : points)
        starts.append(point.start);
    QList<Series> series = build(report, starts.size());
    apply(std::move(starts), std::move(series));
}

void UsageSeriesModel::clear()
{
    m_report = {};
    apply({}, {});
}

QList<UsageData::Group> UsageSeriesModel::ranked(const QList<UsageData::Group> &groups) const
{
    // The groups that weigh most in what the chart shows keep a series of their own: the most tokens on a
    // tokens chart (the cheapest model may use the most), the dearest on a cost chart; rates and percentiles
    // do not add up, so there the busiest groups, whose figures speak for the most requests.
    const auto weight = [this](const UsageData::Group &group) {
        switch (m_metric) {
        case Metric::Tokens:
            return double(group.totals.totalTokens);
        case Metric::Cost:
            return group.totals.costUsd;
        case Metric::Requests:
        case Metric::Latency:
        case Metric::Errors:
        case Metric::Cache:
            break;
        }
        return double(group.totals.requests);
    };
    QList<UsageData::Group> sorted = UsageMath::byCost(groups); // ties stay in the server's order
    std::stable_sort(sorted.begin(), sorted.end(),
        [&weight](const UsageData::Group &a, const UsageData::Group &b) { return weight(a) > weight(b); });
    return sorted;
}

QList<UsageSeriesModel::Series> UsageSeriesModel::build(const UsageData &report, qsizetype rows) const
{
    QList<Series> result;
    if (report.groups.isEmpty()) {
        for (const Column &column : columnsOf(m_metric)) {
            Series series { column.name, column.unit, {} };
            series.values.reserve(rows);
            for (qsizetype row = 0; row < rows; ++row)
                series.values.append(column.value(at(report.series, row)));
            result.append(series);
        }
        return result;
    }

    const Column main = mainOf(m_metric);
    const QList<UsageData::Group> groups = ranked(report.groups);
    for (qsizetype i = 0; i < groups.size() && i < kTopGroups; ++i) {
        Series series { groups.at(i).label(), main.unit, {} };
        series.values.reserve(rows);
        for (qsizetype row = 0; row < rows; ++row)
            series.values.append(main.value(at(groups.at(i).series, row)));
        result.append(series);
    }
    if (groups.size() > kTopGroups) {
        // The rest in one series, so the stack still adds up to the whole. Its percentiles are unknown (the
        // histograms stay on the server), so a latency chart shows the top groups alone.
        Series other { u"Other"_s, main.unit, {} };
        bool measured = false;
        for (qsizetype row = 0; row < rows; ++row) {
            Totals rest;
            for (qsizetype i = kTopGroups; i < groups.size(); ++i)
                rest = UsageMath::sum(rest, at(groups.at(i).series, row));
            other.values.append(main.value(rest));
            measured = measured || other.values.constLast().has_value();
        }
        if (measured || m_metric != Metric::Latency)
            result.append(other);
    }
    return result;
}

void UsageSeriesModel::apply(QList<QDateTime> starts, QList<Series> series)
{
    const bool sameColumns = series.size() == m_series.size()
        && std::equal(series.cbegin(), series.cend(), m_series.cbegin(),
            [](const Series &a, const Series &b) { return a.name == b.name && a.unit == b.unit; });
    if (sameColumns && starts == m_starts) {
        // Same buckets, same series: a live refresh. Views keep their place; only the numbers move.
        const bool changed = !std::equal(series.cbegin(), series.cend(), m_series.cbegin(),
            [](const Series &a, const Series &b) { return a.values == b.values; });
        m_series = std::move(series);
        if (changed && !m_starts.isEmpty() && !m_series.isEmpty())
            emit dataChanged(index(0, 1), index(rowCount() - 1, columnCount() - 1),
                { Qt::DisplayRole, Qt::ToolTipRole, ValueRole });
        return;
    }
    if (sameColumns && moveWindow(starts, series))
        return;
    beginResetModel();
    m_starts = std::move(starts);
    m_series = std::move(series);
    endResetModel();
}

// A range that follows the clock moves forward by whole buckets: the oldest rows leave, the ones that stay
// may get new numbers, and new buckets arrive at the end. Done as such, a chart or table keeps its place
// instead of starting over every minute.
bool UsageSeriesModel::moveWindow(const QList<QDateTime> &starts, const QList<Series> &series)
{
    if (m_starts.isEmpty() || starts.isEmpty())
        return false;
    const qsizetype drop = m_starts.indexOf(starts.constFirst());
    if (drop < 0)
        return false;
    const qsizetype kept = m_starts.size() - drop;
    if (kept > starts.size() || !std::equal(m_starts.cbegin() + drop, m_starts.cend(), starts.cbegin()))
        return false;

    if (drop > 0) {
        beginRemoveRows({}, 0, int(drop - 1));
        m_starts.remove(0, drop);
        for (Series &column : m_series)
            column.values.remove(0, qMin(drop, column.values.size()));
        endRemoveRows();
    }
    bool changed = false;
    for (qsizetype i = 0; i < m_series.size(); ++i) {
        const QList<std::optional<double>> head = series.at(i).values.mid(0, kept);
        changed = changed || head != m_series.at(i).values;
        m_series[i].values = head;
    }
    if (changed && kept > 0 && !m_series.isEmpty())
        emit dataChanged(index(0, 1), index(int(kept - 1), columnCount() - 1),
            { Qt::DisplayRole, Qt::ToolTipRole, ValueRole });
    if (starts.size() > kept) {
        beginInsertRows({}, int(kept), int(starts.size() - 1));
        m_starts = starts;
        m_series = series;
        endInsertRows();
    }
    return true;
}

int UsageSeriesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_starts.size());
}

int UsageSeriesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_series.size()) + 1;
}

QVariant UsageSeriesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QDateTime start = m_starts.at(index.row());
    if (role == BucketStartRole)
        return start;
    if (index.column() == 0) {
        switch (role) {
        case Qt::DisplayRole:
        case Qt::ToolTipRole:
            return Formatting::bucketStart(start, m_report.bucket);
        case ValueRole:
            return double(start.toMSecsSinceEpoch()); // the x of a chart
        default:
            return {};
        }
    }
    const Series &series = m_series.at(index.column() - 1);
    const std::optional<double> value = series.values.value(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return Formatting::format(value, series.unit);
    case Qt::ToolTipRole:
        return u"%1, %2: %3"_s.arg(series.name, Formatting::bucketStart(start, m_report.bucket),
            Formatting::format(value, series.unit));
    case ValueRole:
        return value ? QVariant(*value) : QVariant();
    case UnitRole:
        return Formatting::unitName(series.unit);
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant UsageSeriesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return QAbstractTableModel::headerData(section, orientation, role);
    if (section == 0)
        return role == Qt::DisplayRole ? QVariant(u"Time (UTC)"_s) : QVariant();
    const Series &series = m_series.at(section - 1);
    if (role == Qt::DisplayRole)
        return series.name;
    if (role == UnitRole)
        return Formatting::unitName(series.unit);
    return {};
}

QHash<int, QByteArray> UsageSeriesModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(BucketStartRole, "bucketStart");
    names.insert(ValueRole, "value");
    names.insert(UnitRole, "unit");
    return names;
}
