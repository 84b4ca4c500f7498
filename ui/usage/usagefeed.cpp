#include "usagefeed.h"

#include "apiclient.h"
#include "usagegroupsmodel.h"

#include <QLoggingCategory>

using namespace Qt::StringLiterals;

namespace {

Q_LOGGING_CATEGORY(lcUsage, "gateway.ui")

const QString kMainView = u"usage.main"_s;
const QString kTableView = u"usage.table"_s;
const QString kModelView = u"usage.latency.model"_s;
const QString kProviderView = u"usage.latency.provider"_s;

// `range`'s times with `base`'s grouping and filters.
UsageQuery withRange(const UsageQuery &base, UsageQuery range)
{
    range.setBucket(base.bucket());
    range.setGroupBy(base.groupBy());
    range.setModel(base.model());
    range.setProvider(base.provider());
    range.setKeyId(base.keyId());
    range.setMember(base.member());
    return range;
}

UsageQuery groupedBy(UsageQuery query, UsageQuery::GroupBy groupBy)
{
    query.setGroupBy(groupBy);
    return query;
}

} // namespace

UsageFeed::UsageFeed(ApiClient &api, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_query(UsageQuery::last(UsageQuery::Preset::Last24Hours))
    , m_groups(new UsageGroupsModel(this))
    , m_byModel(new UsageGroupsModel(this))
    , m_byProvider(new UsageGroupsModel(this))
{
    for (const Metric metric :
        { Metric::Requests, Metric::Tokens, Metric::Cost, Metric::Latency, Metric::Errors, Metric::Cache }) {
        auto *model = new UsageSeriesModel(this);
        model->setMetric(metric);
        m_series.insert(metric, model);
    }
    // Quick answers show no busy indicator at all: only one that is still running after 200 ms does.
    m_busyDelay.setSingleShot(true);
    m_busyDelay.setInterval(kBusyDelayMs);
    connect(&m_busyDelay, &QTimer::timeout, this, [this] { setBusy(!m_inFlight.isEmpty()); });
}

UsageFeed::~UsageFeed()
{
    for (const QString &view : std::as_const(m_inFlight))
        m_api.cancel(view);
}

void UsageFeed::setQuery(const UsageQuery &query)
{
    m_query = query;
    if (!mayGroupBy(m_query.groupBy()))
        m_query.setGroupBy(UsageQuery::GroupBy::None);
    emit queryChanged();
    fetch();
}

void UsageFeed::restoreQuery(const UsageQuery &query)
{
    m_query = query;
    emit queryChanged();
}

void UsageFeed::narrow(const QDateTime &from, const QDateTime &to)
{
    if (!from.isValid() || !(from < to))
        return;
    m_history.append(m_query);
    setQuery(withRange(m_query, UsageQuery::between(from, to)));
}

void UsageFeed::back()
{
    if (m_history.isEmpty())
        return;
    // The range before the narrowing, with the grouping and filters chosen since.
    UsageQuery previous = withRange(m_query, m_history.takeLast());
    if (previous.preset() != UsageQuery::Preset::Custom)
        previous = previous.followed();
    setQuery(previous);
}

void UsageFeed::clearHistory()
{
    m_history.clear();
}

void UsageFeed::refresh(bool live)
{
    if (live && m_query.preset() != UsageQuery::Preset::Custom)
        m_query = m_query.followed();
    fetch();
}

void UsageFeed::setLatencyWanted(bool wanted)
{
    if (m_latencyWanted == wanted)
        return;
    m_latencyWanted = wanted;
    if (wanted) {
        fetchOne(kModelView, groupedBy(m_query, UsageQuery::GroupBy::Model), m_byModel, false);
        fetchOne(kProviderView, groupedBy(m_query, UsageQuery::GroupBy::Provider), m_byProvider, false);
    }
}

void UsageFeed::setSelf(const MemberSelf &self)
{
    m_self = self;
    if (!mayGroupBy(m_query.groupBy()))
        setQuery(m_query);
}

bool UsageFeed::mayGroupBy(UsageQuery::GroupBy groupBy) const
{
    // Until members/me answers, allow: the server refuses (403) what the role may not do anyway.
    if (!m_self)
        return true;
    switch (groupBy) {
    case UsageQuery::GroupBy::Key:
        return m_self->may(u"usage.group_by_key"_s);
    case UsageQuery::GroupBy::Member:
        return m_self->may(u"usage.group_by_member"_s);
    default:
        return true;
    }
}

UsageQuery::GroupBy UsageFeed::tableGroupBy() const
{
    return m_query.groupBy() == UsageQuery::GroupBy::None ? UsageQuery::GroupBy::Model : m_query.groupBy();
}

void UsageFeed::fetch()
{
    fetchOne(kMainView, m_query, m_query.groupBy() == UsageQuery::GroupBy::None ? nullptr : m_groups, true);
    if (m_query.groupBy() == UsageQuery::GroupBy::None)
        fetchOne(kTableView, groupedBy(m_query, UsageQuery::GroupBy::Model), m_groups, false);
    else {
        m_api.cancel(kTableView);
        finished(kTableView);
    }
    if (m_latencyWanted) {
        fetchOne(kModelView, groupedBy(m_query, UsageQuery::GroupBy::Model), m_byModel, false);
        fetchOne(kProviderView, groupedBy(m_query, UsageQuery::GroupBy::Provider), m_byProvider, false);
    }
}

void UsageFeed::fetchOne(const QString &view, const UsageQuery &query, UsageGroupsModel *table, bool main)
{
    started(view);
    m_api.usage(view, query, this, [this, view, table, main](const ApiResult<UsageData> &result) {
        finished(view);
        answered(result, table, main);
    });
}

void UsageFeed::started(const QString &view)
{
    m_inFlight.insert(view);
    if (!m_busy && !m_busyDelay.isActive())
        m_busyDelay.start();
}

void UsageFeed::finished(const QString &view)
{
    m_inFlight.remove(view);
    if (m_inFlight.isEmpty()) {
        m_busyDelay.stop();
        setBusy(false);
    }
}

void UsageFeed::answered(const ApiResult<UsageData> &result, UsageGroupsModel *table, bool main)
{
    if (!result) {
        qCWarning(lcUsage) << "usage query failed:" << result.error.httpStatus << result.error.code
                           << result.error.message;
        m_failed = true;
        emit failed(result.error.message.isEmpty()
                ? tr("The gateway did not answer the usage query.")
                : tr("Usage could not be loaded: %1").arg(result.error.message));
        return;
    }
    if (m_failed) {
        m_failed = false;
        emit recovered();
    }
    const UsageData &report = *result;
    if (table)
        table->setReport(report);
    QStringList keys;
    for (const UsageData::Group &group : report.groups)
        keys.append(group.key);
    if (report.groupBy == "model"_L1)
        emit modelsSeen(keys);
    else if (report.groupBy == "provider"_L1)
        emit providersSeen(keys);
    if (!main)
        return;
    m_report = report;
    // Every view from the same answer: same buckets, so a live refresh changes numbers in place.
    for (UsageSeriesModel *model : std::as_const(m_series))
        model->setReport(report);
    emit loaded();
}

void UsageFeed::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    emit busyChanged(busy);
}
