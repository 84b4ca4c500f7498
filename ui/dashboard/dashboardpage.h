#pragma once

#include "shell/page.h"

class ChartPanel;
class ChartView;
class DashboardCards;
class DashboardFeed;
class GettingStarted;
class LiveFollower;
class QButtonGroup;
class QComboBox;
class QLabel;
class QScrollArea;
class QStackedWidget;
class QToolButton;

// The Dashboard page: a period (24 h, 7 days, 30 days), nine summary cards with their change against the
// previous period, and four charts (tokens, cost by model or provider, latency percentiles, requests and
// errors). Dragging across a chart narrows the whole page to that range; Back returns. Before the first
// request it shows how to get started instead. While active it follows new records live, in place.
class DashboardPage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DashboardPage)
public:
    DashboardPage(PageContext context, QWidget *parent = nullptr);
    ~DashboardPage() override;

    QString title() const override;
    QIcon icon() const override;
    void setActive(bool active) override;
    void refresh() override;
    void focusFilter() override;

    bool isActive() const { return m_active; }
    DashboardFeed &feed() const { return *m_feed; }
    LiveFollower &live() const { return *m_live; }
    DashboardCards *cards() const { return m_cards; }
    QList<ChartView *> charts() const;
    bool isEmptyStateShown() const;
    GettingStarted *gettingStarted() const { return m_gettingStarted; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void buildHeader(QWidget *content);
    // The line under the heading: an error a user can act on, or what the gateway is doing.
    void showBanner(const QString &text, bool isError);
    void applyBannerColor();
    QWidget *buildCharts(QWidget *parent);
    void rangeChanged();
    void recordsKnown(bool hasRecords);
    void updateBaseUrl();
    // A local gateway that is not running cannot answer: the page waits instead of showing errors.
    bool gatewayRunning() const;
    void updateGatewayNotice();

    PageContext m_context;
    DashboardFeed *m_feed;
    LiveFollower *m_live;
    QStackedWidget *m_modes; // the dashboard, or getting started
    QScrollArea *m_scroll;
    QComboBox *m_period;
    QToolButton *m_back;
    QLabel *m_range;
    QLabel *m_updated;
    QLabel *m_error;
    DashboardCards *m_cards;
    ChartPanel *m_tokens;
    ChartPanel *m_cost;
    ChartPanel *m_latency;
    ChartPanel *m_requests;
    QButtonGroup *m_costSplit;
    GettingStarted *m_gettingStarted;
    bool m_active = false;
    bool m_loaded = false; // loaded at least once since it was made (a page loads when first shown)
    bool m_gatewayWasRunning = true;
    bool m_bannerIsError = false;
};
