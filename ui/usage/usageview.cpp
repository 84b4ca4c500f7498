#include "usageview.h"

#include "charts/chartview.h"
#include "usagefeed.h"
#include "usagegroupsmodel.h"

#include <QAbstractButton>
#include <QGroupBox>
#include <QHeaderView>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

using Column = UsageGroupsModel::Column;

// The table's columns per view: the metric's own numbers and the volume that puts them in proportion.
QList<int> columnsFor(UsageSeriesModel::Metric metric)
{
    using Metric = UsageSeriesModel::Metric;
    switch (metric) {
    case Metric::Requests:
        return { Column::Name, Column::Requests, Column::Errors, Column::ErrorRate, Column::Cost };
    case Metric::Tokens:
        return { Column::Name, Column::Requests, Column::InputTokens, Column::CachedTokens,
            Column::OutputTokens, Column::Cost };
    case Metric::Cost:
        return { Column::Name, Column::Cost, Column::Requests, Column::InputTokens, Column::OutputTokens };
    case Metric::Latency:
        return { Column::Name, Column::Requests, Column::TtftP50, Column::TtftP95, Column::DurationP50,
            Column::DurationP95, Column::OutputTokensPerSecond };
    case Metric::Errors:
        return { Column::Name, Column::Requests, Column::Errors, Column::ErrorRate };
    case Metric::Cache:
        return { Column::Name, Column::Requests, Column::CacheHitRate, Column::CachedTokens,
            Column::InputTokens };
    }
    return { Column::Name, Column::Requests };
}

// The column a view's table is sorted by at first, largest first.
int sortColumnFor(UsageSeriesModel::Metric metric)
{
    using Metric = UsageSeriesModel::Metric;
    switch (metric) {
    case Metric::Requests:
        return Column::Requests;
    case Metric::Tokens:
        return Column::OutputTokens;
    case Metric::Latency:
        return Column::DurationP95;
    case Metric::Errors:
        return Column::Errors;
    case Metric::Cache:
        return Column::CacheHitRate;
    case Metric::Cost:
        break;
    }
    return Column::Cost;
}

} // namespace

UsageView::UsageView(Metric metric, UsageFeed &feed, QWidget *parent)
    : QWidget(parent)
    , m_metric(metric)
    , m_chart(new ChartView(this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
{
    setObjectName(u"usageView"_s + objectKey(metric));
    m_chart->setObjectName(u"usageChart"_s + objectKey(metric));
    m_chart->setTitle(tr("%1 over time").arg(name(metric)));
    m_chart->setModel(feed.series(metric));
    m_splitter->setObjectName(u"usageSplitter"_s + objectKey(metric));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_chart);

    if (metric == Metric::Latency) {
        auto *side = new QSplitter(Qt::Horizontal, m_splitter);
        side->setChildrenCollapsible(false);
        const auto box = [&](const QString &title, QAbstractItemModel *model, const QString &objectName) {
            auto *group = new QGroupBox(title, side);
            auto *layout = new QVBoxLayout(group);
            layout->setContentsMargins(4, 4, 4, 4);
            QTableView *table = makeTable(model, objectName, tr("Latency %1").arg(title.toLower()));
            layout->addWidget(table);
            return table;
        };
        m_table = box(tr("By model"), feed.latencyByModel(), u"usageTableLatencyModels"_s);
        m_providerTable = box(tr("By provider"), feed.latencyByProvider(), u"usageTableLatencyProviders"_s);
        m_splitter->addWidget(side);
    } else {
        m_table = makeTable(
            feed.groups(), u"usageTable"_s + objectKey(metric), tr("%1 by group").arg(name(metric)));
        m_splitter->addWidget(m_table);
    }
    // The chart is what the view is about: most of the height, the table scrolls.
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setSizes({ 460, 240 });
    m_chart->setMinimumHeight(260);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_splitter);
}

QTableView *UsageView::makeTable(
    QAbstractItemModel *source, const QString &objectName, const QString &accessibleName)
{
    auto *proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(source);
    proxy->setSortRole(UsageGroupsModel::SortRole);
    auto *table = new QTableView(this);
    table->setObjectName(objectName);
    table->setAccessibleName(accessibleName);
    table->setModel(proxy);
    // Tab leaves the table (arrow keys move between cells); Qt's default would trap keyboard users in it.
    table->setTabKeyNavigation(false);
    table->setSortingEnabled(true);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    // The table's parts are controls of their own to assistive tools: say what they are.
    table->horizontalHeader()->setAccessibleName(tr("%1 columns").arg(accessibleName));
    table->verticalHeader()->setAccessibleName(tr("%1 rows").arg(accessibleName));
    if (auto *corner = table->findChild<QAbstractButton *>())
        corner->setAccessibleName(tr("Select all rows"));
    // One row height for all rows, no measuring of contents: constant cost however many groups come.
    table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    QHeaderView *header = table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setHighlightSections(false);
    const QList<int> shown = columnsFor(m_metric);
    for (int column = 0; column < UsageGroupsModel::ColumnCount; ++column) {
        table->setColumnHidden(column, !shown.contains(column));
        // Numbers as wide as their heading (measured once, never the contents: a big table stays cheap).
        const QString heading = source->headerData(column, Qt::Horizontal).toString();
        header->resizeSection(column, std::max(72, table->fontMetrics().horizontalAdvance(heading) + 30));
    }
    // Side by side (Latency) the name gets a fixed share; alone it takes the room the numbers leave.
    if (m_metric == Metric::Latency)
        header->resizeSection(UsageGroupsModel::Name, 170);
    else
        header->setSectionResizeMode(UsageGroupsModel::Name, QHeaderView::Stretch);
    table->sortByColumn(sortColumnFor(m_metric), Qt::DescendingOrder);
    return table;
}

QString UsageView::title() const
{
    return name(m_metric);
}

QString UsageView::name(Metric metric)
{
    switch (metric) {
    case Metric::Requests:
        return tr("Requests");
    case Metric::Tokens:
        return tr("Tokens");
    case Metric::Cost:
        return tr("Cost");
    case Metric::Latency:
        return tr("Latency");
    case Metric::Errors:
        return tr("Errors");
    case Metric::Cache:
        return tr("Cache");
    }
    return {};
}

QString UsageView::key(Metric metric)
{
    // Not translated: settings keys and object names.
    switch (metric) {
    case Metric::Requests:
        return u"requests"_s;
    case Metric::Tokens:
        return u"tokens"_s;
    case Metric::Cost:
        return u"cost"_s;
    case Metric::Latency:
        return u"latency"_s;
    case Metric::Errors:
        return u"errors"_s;
    case Metric::Cache:
        return u"cache"_s;
    }
    return {};
}

QString UsageView::objectKey(Metric metric)
{
    const QString k = key(metric);
    return k.left(1).toUpper() + k.mid(1);
}
