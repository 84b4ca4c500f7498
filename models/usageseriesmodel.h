#pragma once

#include "apitypes.h"
#include "formatting.h"

#include <QAbstractTableModel>

// The time series a usage chart draws, as a table: one row per bucket, column 0 the bucket's start, one
// column per series. The ui's chart seam reads it; no chart code here.
//
// Roles (every column): Qt::DisplayRole formatted text with unit ("1.2k", "$0.31", "850 ms"; column 0 the
// bucket's time); BucketStartRole the bucket's start (QDateTime, UTC); ValueRole the number as double, or
// an invalid QVariant where there is nothing to measure (no request in the bucket: a gap, not zero);
// UnitRole the unit word ("requests", "tokens", "USD", "ms", "%"); in column 0 ValueRole is the bucket's
// start in milliseconds since the epoch (a chart's x). headerData(Horizontal, DisplayRole) is the series
// name, UnitRole its unit.
//
// setReport() resets the model when the rows or columns change (another query, another metric); when only
// the numbers of the same buckets and series change (a live refresh) it emits dataChanged, so views keep
// their selection and scroll position; when a range that follows the clock moved forward, the buckets that
// left are removed and the new ones inserted at the end (rowsRemoved/rowsInserted, no reset).
class UsageSeriesModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsageSeriesModel)

public:
    // What the chart shows. Ungrouped reports give the metric's own series; grouped ones (group_by) one
    // series per group of the metric's main value (marked *), the top kTopGroups (by the metric's
    // total where it adds up — tokens, cost, requests — else by requests) and "Other".
    enum class Metric {
        Requests, // requests*, errors
        Tokens, // uncached input, cached input, output (stacked: they add up to all tokens); total tokens*
        Cost, // cost* (USD)
        Latency, // p50, p95, p99 of duration and of time to first token (ms); p95 duration*
        Errors, // errors, error rate (%); error rate*
        Cache, // cache hits, cache-hit rate (%), cached tokens; cache-hit rate*
    };
    Q_ENUM(Metric)

    enum Role { BucketStartRole = Qt::UserRole + 1, ValueRole, UnitRole };
    static constexpr int kTopGroups = 8;

    explicit UsageSeriesModel(QObject *parent = nullptr);

    Metric metric() const { return m_metric; }
    void setMetric(Metric metric); // rebuilt from the last report
    void setReport(const UsageData &report);
    void clear();
    const UsageData &report() const { return m_report; }

    // Whether the series add up to a whole and should be drawn stacked (tokens; cost; any additive
    // metric split by group). Rates, percentiles and "errors within requests" are not.
    bool stacked() const;
    static bool stacked(Metric metric, bool grouped);
    // The unit of series column `column` (1 …).
    Formatting::Unit unit(int column) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    struct Series
    {
        QString name;
        Formatting::Unit unit = Formatting::Unit::Count;
        QList<std::optional<double>> values; // one per bucket
    };
    QList<Series> build(const UsageData &report, qsizetype rows) const;
    QList<UsageData::Group> ranked(const QList<UsageData::Group> &groups) const;
    void apply(QList<QDateTime> starts, QList<Series> series);
    bool moveWindow(const QList<QDateTime> &starts, const QList<Series> &series);

    Metric m_metric = Metric::Requests;
    UsageData m_report;
    QList<QDateTime> m_starts;
    QList<Series> m_series;
};
