#pragma once

#include "apitypes.h"
#include "usagequery.h"

#include <QList>
#include <QObject>
#include <QSet>
#include <optional>

class ApiClient;
class DashboardCardsModel;
class UsageSeriesModel;

// What the dashboard shows and how it gets it, without widgets: the range (a period that follows the clock,
// or a range narrowed by dragging on a chart, with a stack to go back), the requests to /api/v1 and the
// models they fill. Answers arrive in stages: the current period's totals and series (cards and the charts
// that need no grouping), then the previous period (the cards' changes), then the split by model or
// provider (top model card and the cost chart).
class DashboardFeed final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DashboardFeed)
public:
    enum class CostSplit { Model, Provider };
    Q_ENUM(CostSplit)

    DashboardFeed(ApiClient &api, QObject *parent);
    ~DashboardFeed() override;

    DashboardCardsModel &cards() const { return *m_cards; }
    UsageSeriesModel &tokens() const { return *m_tokens; }
    UsageSeriesModel &cost() const { return *m_cost; }
    UsageSeriesModel &latency() const { return *m_latency; }
    UsageSeriesModel &requests() const { return *m_requests; }

    UsageQuery query() const { return m_query; }
    UsageQuery::Preset period() const { return m_period; }
    // A period (24 h, 7 days, 30 days) that follows the clock; forgets any narrowed range.
    void setPeriod(UsageQuery::Preset period);
    // Narrows to [from, to) (a drag on a chart); back() returns to the range before.
    void narrow(const QDateTime &from, const QDateTime &to);
    void back();
    bool isNarrowed() const { return !m_history.isEmpty(); }
    CostSplit costSplit() const { return m_costSplit; }
    void setCostSplit(CostSplit split);

    // Everything again. `quiet`: a live update, so a range that follows the clock moves to now and the models
    // update in place (nothing is cleared first).
    void load(bool quiet = false);
    void cancel();
    bool isBusy() const { return !m_pending.isEmpty(); }
    // Whether the store holds any record (from /status); nullopt until it has answered.
    std::optional<bool> hasRecords() const { return m_hasRecords; }
    // Whether every stage of the last load has arrived.
    bool isComplete() const { return m_pending.isEmpty() && m_loadedOnce; }

    // "the previous 7 days", "the previous 6 hours": what the cards compare against, in words.
    static QString previousPeriodWords(const UsageQuery &query);
    // "Last 7 days", or the narrowed range's times.
    QString rangeWords() const;

signals:
    void rangeChanged();
    void cardsArrived(); // the current period: cards and the token, latency and request charts
    void previousArrived();
    void costArrived(); // the split for the cost chart and the top model
    void recordsKnown(bool hasRecords); // the first answer of /status, and each change after
    void busyChanged(bool busy);
    void failed(const QString &message);

private:
    void loadStatus();
    // Whether the store holds any record, from /usage over all time: for gateways without /status.
    void loadAnyRecords();
    void setHasRecords(bool has);
    void loadUsage(bool quiet);
    void loadCost();
    void started(const QString &view);
    void finished(const QString &view);
    void fail(const QString &what, const ApiError &error);

    struct Views
    {
        explicit Views(const QObject *owner);
        QString status, current, previous, byModel, byProvider, anyRecords;
    };

    ApiClient &m_api;
    const Views m_views;
    DashboardCardsModel *m_cards;
    UsageSeriesModel *m_tokens;
    UsageSeriesModel *m_cost;
    UsageSeriesModel *m_latency;
    UsageSeriesModel *m_requests;
    UsageQuery::Preset m_period = UsageQuery::Preset::Last7Days;
    UsageQuery m_query;
    QList<UsageQuery> m_history;
    CostSplit m_costSplit = CostSplit::Model;
    QSet<QString> m_pending;
    std::optional<bool> m_hasRecords;
    bool m_loadedOnce = false;
};
