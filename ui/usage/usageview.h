#pragma once

#include "usageseriesmodel.h"

#include <QWidget>

class ChartView;
class QAbstractItemModel;
class QSplitter;
class QTableView;
class UsageFeed;

// One view of the Usage page (Requests, Tokens, Cost, Latency, Errors, Cache): its chart over the feed's
// series model of that metric, and under it the groups table with the columns that matter for the metric.
// The Latency view puts models and providers side by side instead (time to first token, duration, speed).
class UsageView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsageView)
public:
    using Metric = UsageSeriesModel::Metric;

    UsageView(Metric metric, UsageFeed &feed, QWidget *parent = nullptr);

    Metric metric() const { return m_metric; }
    QString title() const;
    ChartView *chart() const { return m_chart; }
    // The groups table (Latency: by model); the second table by provider (Latency only, else null).
    QTableView *table() const { return m_table; }
    QTableView *providerTable() const { return m_providerTable; }
    QSplitter *splitter() const { return m_splitter; }

    static QString name(Metric metric); // "Requests" …
    static QString key(Metric metric); // "requests" … (settings)
    static QString objectKey(
        Metric metric); // "Requests" … (object names: usageChartRequests, usageTableRequests)

private:
    QTableView *makeTable(
        QAbstractItemModel *source, const QString &objectName, const QString &accessibleName);

    Metric m_metric;
    ChartView *m_chart;
    QSplitter *m_splitter;
    QTableView *m_table = nullptr;
    QTableView *m_providerTable = nullptr;
};
