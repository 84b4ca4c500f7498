#pragma once

#include "apitypes.h"
#include "usagequery.h"
#include "usageseriesmodel.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <optional>

class ApiClient;
class UsageGroupsModel;

// What the Usage page shows, fetched through the API: the report of the current query (one series model
// per view, all from the same answer), the groups table (by the chosen grouping, or by model when the
// chart is not grouped), and for the Latency view the same range by model and by provider. Keeps the
// ranges the user narrowed from (Back). Each kind of answer has its own API view name, so a newer query
// replaces an older one in flight and a slow answer can never overwrite a newer one.
class UsageFeed final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsageFeed)
public:
    using Metric = UsageSeriesModel::Metric;
    static constexpr int kBusyDelayMs = 200;

    explicit UsageFeed(ApiClient &api, QObject *parent = nullptr);
    ~UsageFeed() override;

    const UsageQuery &query() const { return m_query; }
    // A new range, grouping or filter: asks again (the Back stack is left as it is).
    void setQuery(const UsageQuery &query);
    // The same without asking yet (a page restoring its settings before it is first shown).
    void restoreQuery(const UsageQuery &query);
    // Narrows to [from, to) keeping grouping and filters; Back returns to the range before.
    void narrow(const QDateTime &from, const QDateTime &to);
    bool canGoBack() const { return !m_history.isEmpty(); }
    void back();
    void clearHistory();
    // Asks again for everything shown. `live`: new records arrived; a preset range moves to end now.
    void refresh(bool live = false);

    // Whether the Latency view is shown: only then are the by-model and by-provider answers asked for.
    void setLatencyWanted(bool wanted);
    // Who is looking: grouping by key or member needs "usage.group_by_key" / "usage.group_by_member".
    void setSelf(const MemberSelf &self);
    const std::optional<MemberSelf> &self() const { return m_self; }
    bool mayGroupBy(UsageQuery::GroupBy groupBy) const;

    UsageSeriesModel *series(Metric metric) const { return m_series.value(metric); }
    UsageGroupsModel *groups() const { return m_groups; }
    UsageGroupsModel *latencyByModel() const { return m_byModel; }
    UsageGroupsModel *latencyByProvider() const { return m_byProvider; }
    UsageQuery::GroupBy tableGroupBy() const;
    const std::optional<UsageData> &report() const { return m_report; }
    bool isBusy() const { return m_busy; }
    bool isLoading() const { return !m_inFlight.isEmpty(); }

signals:
    void queryChanged();
    // The main report arrived and is in the series models.
    void loaded();
    void busyChanged(bool busy);
    // A call failed (message for the user), or the next one succeeded (the banner goes).
    void failed(const QString &message);
    void recovered();
    // Names seen in answers, for the filters' suggestions.
    void modelsSeen(const QStringList &models);
    void providersSeen(const QStringList &providers);

private:
    void fetch();
    void fetchOne(const QString &view, const UsageQuery &query, UsageGroupsModel *table, bool main);
    void started(const QString &view);
    void finished(const QString &view);
    void answered(const ApiResult<UsageData> &result, UsageGroupsModel *table, bool main);
    void setBusy(bool busy);

    ApiClient &m_api;
    UsageQuery m_query;
    QList<UsageQuery> m_history;
    std::optional<MemberSelf> m_self;
    std::optional<UsageData> m_report;
    QHash<Metric, UsageSeriesModel *> m_series;
    UsageGroupsModel *m_groups;
    UsageGroupsModel *m_byModel;
    UsageGroupsModel *m_byProvider;
    bool m_latencyWanted = false;
    bool m_failed = false;
    QSet<QString> m_inFlight; // API views with a call running
    QTimer m_busyDelay;
    bool m_busy = false;
};
