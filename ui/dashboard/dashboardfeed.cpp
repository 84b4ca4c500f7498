#include "dashboardfeed.h"

#include "apiclient.h"
#include "dashboardcardsmodel.h"
#include "formatting.h"
#include "shell/windowlog.h"
#include "usageseriesmodel.h"

DashboardFeed::Views::Views(const QObject *owner)
{
    // Views are per feed: two dashboards on one client (a second window) must not replace each other's calls,
    // whose callbacks would then never come and leave the other one busy for ever.
    const QString prefix = QStringLiteral("dashboard.%1.").arg(quintptr(owner), 0, 16);
    status = prefix + QStringLiteral("status");
    current = prefix + QStringLiteral("current");
    previous = prefix + QStringLiteral("previous");
    byModel = prefix + QStringLiteral("bymodel");
    byProvider = prefix + QStringLiteral("byprovider");
    anyRecords = prefix + QStringLiteral("anyrecords");
}

DashboardFeed::DashboardFeed(ApiClient &api, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_views(this)
    , m_cards(new DashboardCardsModel(this))
    , m_tokens(new UsageSeriesModel(this))
    , m_cost(new UsageSeriesModel(this))
    , m_latency(new UsageSeriesModel(this))
    , m_requests(new UsageSeriesModel(this))
    , m_query(UsageQuery::last(m_period))
{
    m_tokens->setMetric(UsageSeriesModel::Metric::Tokens);
    m_cost->setMetric(UsageSeriesModel::Metric::Cost);
    m_latency->setMetric(UsageSeriesModel::Metric::Latency);
    m_requests->setMetric(UsageSeriesModel::Metric::Requests);
}

DashboardFeed::~DashboardFeed()
{
    cancel();
}

void DashboardFeed::setPeriod(UsageQuery::Preset period)
{
    m_period = period;
    m_history.clear();
    m_query = UsageQuery::last(period);
    emit rangeChanged();
    load();
}

void DashboardFeed::narrow(const QDateTime &from, const QDateTime &to)
{
    if (!from.isValid() || !to.isValid() || from >= to)
        return;
    m_history.append(m_query);
    m_query = UsageQuery::between(from, to);
    emit rangeChanged();
    load();
}

void DashboardFeed::back()
{
    if (m_history.isEmpty())
        return;
    m_query = m_history.takeLast();
    if (m_query.preset() != UsageQuery::Preset::Custom)
        m_query = m_query.followed(); // a period that follows the clock ends now, not when it was left
    emit rangeChanged();
    load();
}

void DashboardFeed::setCostSplit(CostSplit split)
{
    if (split == m_costSplit)
        return;
    m_costSplit = split;
    loadCost();
}

void DashboardFeed::load(bool quiet)
{
    if (quiet && m_query.preset() != UsageQuery::Preset::Custom)
        m_query = m_query.followed();
    if (!quiet) {
        // Another range: old numbers must not pass for the new range while it loads.
        m_cards->clear();
    }
    loadStatus();
    loadUsage(quiet);
}

void DashboardFeed::cancel()
{
    for (const QString &view : std::as_const(m_pending))
        m_api.cancel(view);
    const bool wasBusy = isBusy();
    m_pending.clear();
    if (wasBusy)
        emit busyChanged(false);
}

void DashboardFeed::loadStatus()
{
    started(m_views.status);
    m_api.status(m_views.status, this, [this](const ApiResult<StatusInfo> &result) {
        finished(m_views.status);
        if (!result) {
            if (result.error.httpStatus == 404)
                loadAnyRecords(); // a gateway from before /status
            else
                fail(tr("the gateway's status"), result.error);
            return;
        }
        setHasRecords(result->latestRecordId.has_value());
    });
}

void DashboardFeed::loadAnyRecords()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    UsageQuery ever = UsageQuery::between(now.addYears(-10), now.addDays(1));
    ever.setBucket(UsageQuery::Bucket::Month);
    started(m_views.anyRecords);
    m_api.usage(m_views.anyRecords, ever, this, [this](const ApiResult<UsageData> &result) {
        finished(m_views.anyRecords);
        if (!result) {
            fail(tr("whether any request was recorded"), result.error);
            return;
        }
        setHasRecords(result->totals.requests > 0);
    });
}

void DashboardFeed::setHasRecords(bool has)
{
    if (m_hasRecords == has)
        return;
    m_hasRecords = has;
    emit recordsKnown(has);
}

void DashboardFeed::loadUsage(bool quiet)
{
    Q_UNUSED(quiet)
    const UsageQuery query = m_query;
    started(m_views.current);
    m_api.usage(m_views.current, query, this, [this](const ApiResult<UsageData> &result) {
        finished(m_views.current);
        if (!result) {
            fail(tr("the usage of this range"), result.error);
            return;
        }
        m_cards->setCurrent(*result);
        m_tokens->setReport(*result);
        m_latency->setReport(*result);
        m_requests->setReport(*result);
        emit cardsArrived();
    });

    started(m_views.previous);
    m_api.usage(m_views.previous, query.previousPeriod(), this, [this](const ApiResult<UsageData> &result) {
        finished(m_views.previous);
        if (!result) {
            fail(tr("the usage of the previous period"), result.error);
            return;
        }
        m_cards->setPrevious(*result);
        emit previousArrived();
    });
    loadCost();
}

void DashboardFeed::loadCost()
{
    // The split by model serves both the top-model card and the cost chart; by provider is asked only when
    // the chart shows it.
    UsageQuery byModel = m_query;
    byModel.setGroupBy(UsageQuery::GroupBy::Model);
    started(m_views.byModel);
    m_api.usage(m_views.byModel, byModel, this, [this](const ApiResult<UsageData> &result) {
        finished(m_views.byModel);
        if (!result) {
            fail(tr("the usage by model"), result.error);
            return;
        }
        m_cards->setByModel(*result);
        if (m_costSplit == CostSplit::Model) {
            m_cost->setReport(*result);
            emit costArrived();
        }
    });
    if (m_costSplit != CostSplit::Provider) {
        m_api.cancel(m_views.byProvider);
        finished(m_views.byProvider);
        return;
    }
    UsageQuery byProvider = m_query;
    byProvider.setGroupBy(UsageQuery::GroupBy::Provider);
    started(m_views.byProvider);
    m_api.usage(m_views.byProvider, byProvider, this, [this](const ApiResult<UsageData> &result) {
        finished(m_views.byProvider);
        if (!result) {
            fail(tr("the usage by provider"), result.error);
            return;
        }
        m_cost->setReport(*result);
        emit costArrived();
    });
}

void DashboardFeed::started(const QString &view)
{
    const bool wasBusy = isBusy();
    m_pending.insert(view);
    if (!wasBusy)
        emit busyChanged(true);
}

void DashboardFeed::finished(const QString &view)
{
    if (!m_pending.remove(view))
        return;
    if (m_pending.isEmpty()) {
        m_loadedOnce = true;
        emit busyChanged(false);
    }
}

void DashboardFeed::fail(const QString &what, const ApiError &error)
{
    qCWarning(lcWindow) << "dashboard: cannot load" << what << error.httpStatus << error.code
                        << error.message;
    emit failed(tr("Cannot load %1: %2").arg(what, error.message));
}

QString DashboardFeed::previousPeriodWords(const UsageQuery &query)
{
    switch (query.preset()) {
    case UsageQuery::Preset::LastHour:
        return tr("the previous hour");
    case UsageQuery::Preset::Last24Hours:
        return tr("the previous 24 hours");
    case UsageQuery::Preset::Last7Days:
        return tr("the previous 7 days");
    case UsageQuery::Preset::Last30Days:
        return tr("the previous 30 days");
    case UsageQuery::Preset::Last90Days:
        return tr("the previous 90 days");
    case UsageQuery::Preset::Custom:
        break;
    }
    const qint64 secs = query.lengthSecs();
    if (secs >= 2 * 86400 && secs % 86400 == 0)
        return tr("the previous %1 days").arg(secs / 86400);
    if (secs >= 2 * 3600 && secs % 3600 == 0)
        return tr("the previous %1 hours").arg(secs / 3600);
    if (secs >= 120 && secs % 60 == 0)
        return tr("the previous %1 minutes").arg(secs / 60);
    return tr("the period just before");
}

QString DashboardFeed::rangeWords() const
{
    switch (m_query.preset()) {
    case UsageQuery::Preset::LastHour:
        return tr("Last hour");
    case UsageQuery::Preset::Last24Hours:
        return tr("Last 24 hours");
    case UsageQuery::Preset::Last7Days:
        return tr("Last 7 days");
    case UsageQuery::Preset::Last30Days:
        return tr("Last 30 days");
    case UsageQuery::Preset::Last90Days:
        return tr("Last 90 days");
    case UsageQuery::Preset::Custom:
        break;
    }
    const QDateTime from = m_query.from().toLocalTime();
    const QDateTime to = m_query.to().toLocalTime();
    const QString format = QStringLiteral("MMM d, HH:mm");
    // One date is enough when the range stays within a day.
    const QString toFormat = from.date() == to.date() ? QStringLiteral("HH:mm") : format;
    return tr("%1 – %2").arg(from.toString(format), to.toString(toFormat));
}
