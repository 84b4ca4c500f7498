#pragma once

#include "shell/page.h"
#include "usageseriesmodel.h"

class LiveFollower;
class QLabel;
class QSettings;
class QTabWidget;
class UsageFeed;
class UsageToolbar;
class UsageView;

// The Usage page: one range, grouping and filter for six views (Requests, Tokens, Cost, Latency, Errors,
// Cache), each a chart over time and a table of groups. Dragging across a chart narrows the range (Back
// returns); while the page is shown it follows new records in place. Range, grouping, filters, view and time
// zone are remembered under "usage/" in QSettings.
class UsagePage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsagePage)
public:
    using Metric = UsageSeriesModel::Metric;

    // Choices are kept in `settings` (not owned, not null): the window's own file. Never QSettings(): setting
    // an organization name for it would move the gateway's data directory.
    UsagePage(PageContext context, QSettings *settings, QWidget *parent = nullptr);
    ~UsagePage() override;

    QString title() const override;
    QIcon icon() const override;
    void setActive(bool active) override;
    void refresh() override;
    void focusFilter() override;

    bool isActive() const { return m_active; }
    UsageFeed &feed() const { return *m_feed; }
    LiveFollower &live() const { return *m_live; }
    UsageToolbar *toolbar() const { return m_toolbar; }
    UsageView *view(Metric metric) const;
    UsageView *currentView() const;
    void setCurrentView(Metric metric);
    bool isUtc() const { return m_utc; }
    QLabel *banner() const { return m_banner; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void styleBanner();
    void setEmptyText(const QString &text);
    void restoreSettings();
    void saveSettings();
    void queryChanged();
    void setUtc(bool utc);
    void showError(const QString &message);
    void askWhoIsLooking();

    PageContext m_context;
    QSettings *m_settings;
    UsageFeed *m_feed;
    LiveFollower *m_live;
    UsageToolbar *m_toolbar;
    QLabel *m_banner;
    QTabWidget *m_tabs;
    QList<UsageView *> m_views;
    bool m_active = false;
    bool m_loadedOnce = false;
    bool m_utc = false;
    bool m_restoring = false;
};
