#include "usagepage.h"

#include "apiclient.h"
#include "charts/chartview.h"
#include "livefollower.h"
#include "theme/icons.h"
#include "theme/theme.h"
#include "usagefeed.h"
#include "usagetoolbar.h"
#include "usageview.h"

#include <QLabel>
#include <QLoggingCategory>
#include <QSettings>
#include <QTabWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

Q_LOGGING_CATEGORY(lcUsagePage, "gateway.ui")

using Preset = UsageQuery::Preset;
using GroupBy = UsageQuery::GroupBy;

constexpr std::array<std::pair<Preset, const char *>, 6> kPresets { {
    { Preset::LastHour, "1h" },
    { Preset::Last24Hours, "24h" },
    { Preset::Last7Days, "7d" },
    { Preset::Last30Days, "30d" },
    { Preset::Last90Days, "90d" },
    { Preset::Custom, "custom" },
} };

QString presetKey(Preset preset)
{
    for (const auto &[p, key] : kPresets) {
        if (p == preset)
            return QString::fromLatin1(key);
    }
    return u"24h"_s;
}

std::optional<Preset> presetOf(const QString &key)
{
    for (const auto &[p, k] : kPresets) {
        if (key == QLatin1StringView(k))
            return p;
    }
    return std::nullopt;
}

GroupBy groupByOf(const QString &name)
{
    for (const GroupBy g : { GroupBy::Model, GroupBy::Provider, GroupBy::Key, GroupBy::Member }) {
        if (UsageQuery::name(g) == name)
            return g;
    }
    return GroupBy::None;
}

} // namespace

UsagePage::UsagePage(PageContext context, QSettings *settings, QWidget *parent)
    : Page(parent)
    , m_context(context)
    , m_settings(settings)
    , m_feed(new UsageFeed(context.api, this))
    , m_live(new LiveFollower(&context.api, this))
    , m_toolbar(new UsageToolbar(this))
    , m_banner(new QLabel(this))
    , m_tabs(new QTabWidget(this))
{
    Q_ASSERT(m_settings);
    setObjectName(u"usagePage"_s);
    setAccessibleName(tr("Usage"));

    m_banner->setObjectName(u"usageBanner"_s);
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setContentsMargins(8, 6, 8, 6);
    m_banner->setAutoFillBackground(true);
    m_banner->hide();

    m_tabs->setObjectName(u"usageViews"_s);
    m_tabs->setDocumentMode(true);
    m_tabs->setAccessibleName(tr("Usage views"));
    for (const Metric metric :
        { Metric::Requests, Metric::Tokens, Metric::Cost, Metric::Latency, Metric::Errors, Metric::Cache }) {
        auto *view = new UsageView(metric, *m_feed, m_tabs);
        m_views.append(view);
        m_tabs->addTab(view, view->title());
        connect(view->chart(), &ChartView::rangeSelected, m_feed, &UsageFeed::narrow);
    }

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 8);
    layout->setSpacing(8);
    layout->addWidget(m_toolbar);
    layout->addWidget(m_banner);
    layout->addWidget(m_tabs, 1);

    connect(m_toolbar, &UsageToolbar::presetChosen, this, [this](Preset preset) {
        UsageQuery query = UsageQuery::last(preset);
        const UsageQuery &current = m_feed->query();
        query.setGroupBy(current.groupBy());
        query.setModel(current.model());
        query.setProvider(current.provider());
        // A range picked by hand starts a new path: Back no longer returns across it.
        m_feed->clearHistory();
        m_feed->setQuery(query);
    });
    connect(m_toolbar, &UsageToolbar::customRangeChosen, this,
        [this](const QDateTime &from, const QDateTime &to) {
            UsageQuery query = UsageQuery::between(from, to);
            const UsageQuery &current = m_feed->query();
            query.setGroupBy(current.groupBy());
            query.setModel(current.model());
            query.setProvider(current.provider());
            m_feed->clearHistory();
            m_feed->setQuery(query);
        });
    connect(m_toolbar, &UsageToolbar::groupByChosen, this, [this](GroupBy groupBy) {
        UsageQuery query = m_feed->query();
        query.setGroupBy(groupBy);
        m_feed->setQuery(query);
    });
    connect(m_toolbar, &UsageToolbar::filtersChanged, this,
        [this](const QString &model, const QString &provider) {
            UsageQuery query = m_feed->query();
            query.setModel(model);
            query.setProvider(provider);
            m_feed->setQuery(query);
        });
    connect(m_toolbar, &UsageToolbar::utcToggled, this, &UsagePage::setUtc);
    connect(m_toolbar, &UsageToolbar::backClicked, m_feed, &UsageFeed::back);

    connect(m_feed, &UsageFeed::queryChanged, this, &UsagePage::queryChanged);
    connect(m_feed, &UsageFeed::busyChanged, this, [this](bool busy) {
        m_toolbar->setBusy(busy);
        emit busyChanged(busy);
    });
    connect(m_feed, &UsageFeed::failed, this, &UsagePage::showError);
    // Until an answer came, an empty chart means "not known yet", not "no requests".
    setEmptyText(tr("Loading usage…"));
    connect(m_feed, &UsageFeed::loaded, this, [this] { setEmptyText(tr("No requests in this range")); });
    connect(m_feed, &UsageFeed::recovered, m_banner, &QLabel::hide);
    connect(m_feed, &UsageFeed::modelsSeen, m_toolbar, &UsageToolbar::addModels);
    connect(m_feed, &UsageFeed::providersSeen, m_toolbar, &UsageToolbar::addProviders);
    connect(m_live, &LiveFollower::changed, this, [this] { m_feed->refresh(true); });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        m_feed->setLatencyWanted(m_active && currentView()->metric() == Metric::Latency);
        saveSettings();
    });

    restoreSettings();
}

UsagePage::~UsagePage() = default;

QString UsagePage::title() const
{
    return tr("Usage");
}

QIcon UsagePage::icon() const
{
    return Icons::icon(u"usage"_s);
}

void UsagePage::setActive(bool active)
{
    if (m_active == active)
        return;
    m_active = active;
    m_live->setActive(active);
    m_feed->setLatencyWanted(active && currentView()->metric() == Metric::Latency);
    if (!active)
        return;
    if (!m_loadedOnce) {
        m_loadedOnce = true;
        askWhoIsLooking();
    }
    // Coming back: the same range moved to now (a preset), numbers replaced in place.
    m_feed->refresh(true);
}

void UsagePage::refresh()
{
    askWhoIsLooking();
    m_feed->refresh(true);
}

void UsagePage::focusFilter()
{
    m_toolbar->focusFilter();
}

UsageView *UsagePage::view(Metric metric) const
{
    for (UsageView *view : m_views) {
        if (view->metric() == metric)
            return view;
    }
    return nullptr;
}

UsageView *UsagePage::currentView() const
{
    return qobject_cast<UsageView *>(m_tabs->currentWidget());
}

void UsagePage::setCurrentView(Metric metric)
{
    if (UsageView *v = view(metric))
        m_tabs->setCurrentWidget(v);
}

void UsagePage::askWhoIsLooking()
{
    m_context.api.me(u"usage.me"_s, this, [this](const ApiResult<MemberSelf> &result) {
        if (!result) {
            qCWarning(lcUsagePage) << "members/me failed:" << result.error.message;
            return;
        }
        m_feed->setSelf(*result);
        for (const GroupBy g : { GroupBy::Key, GroupBy::Member })
            m_toolbar->setGroupByAllowed(g, m_feed->mayGroupBy(g));
    });
}

void UsagePage::queryChanged()
{
    m_toolbar->showQuery(m_feed->query());
    m_toolbar->setBackEnabled(m_feed->canGoBack());
    saveSettings();
}

void UsagePage::setUtc(bool utc)
{
    m_utc = utc;
    m_toolbar->setUtc(utc);
    for (UsageView *view : std::as_const(m_views))
        view->chart()->setUtc(utc);
    saveSettings();
}

void UsagePage::setEmptyText(const QString &text)
{
    for (UsageView *view : std::as_const(m_views))
        view->chart()->setEmptyText(text);
}

void UsagePage::showError(const QString &message)
{
    if (!m_feed->report())
        setEmptyText(tr("Usage could not be loaded"));
    styleBanner();
    m_banner->setText(message);
    m_banner->show();
    emit this->message(message);
}

void UsagePage::styleBanner()
{
    // The error tint is derived from the palette, so it is recomputed when light and dark switch.
    const Theme::Semantic colors = Theme::semantic(palette());
    QPalette p = m_banner->palette();
    p.setColor(QPalette::Window, colors.errorBackground);
    p.setColor(QPalette::WindowText, palette().color(QPalette::WindowText));
    m_banner->setPalette(p);
}

void UsagePage::changeEvent(QEvent *event)
{
    Page::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        styleBanner();
}

void UsagePage::restoreSettings()
{
    m_restoring = true;
    QSettings &s = *m_settings;
    const QString range = s.value(u"usage/range"_s, u"24h"_s).toString();
    const Preset preset = presetOf(range).value_or(Preset::Last24Hours);
    UsageQuery query = UsageQuery::last(preset == Preset::Custom ? Preset::Last24Hours : preset);
    if (preset == Preset::Custom) {
        const QDateTime from = QDateTime::fromString(s.value(u"usage/from"_s).toString(), Qt::ISODate);
        const QDateTime to = QDateTime::fromString(s.value(u"usage/to"_s).toString(), Qt::ISODate);
        if (from.isValid() && to.isValid() && from < to)
            query = UsageQuery::between(from, to);
    }
    query.setGroupBy(groupByOf(s.value(u"usage/groupBy"_s).toString()));
    query.setModel(s.value(u"usage/model"_s).toString());
    query.setProvider(s.value(u"usage/provider"_s).toString());
    setUtc(s.value(u"usage/utc"_s, false).toBool());
    const QString viewKey = s.value(u"usage/view"_s, u"requests"_s).toString();
    for (UsageView *view : std::as_const(m_views)) {
        if (UsageView::key(view->metric()) == viewKey)
            m_tabs->setCurrentWidget(view);
    }
    // Shown now, asked for when the page is first shown.
    m_feed->restoreQuery(query);
    m_restoring = false;
}

void UsagePage::saveSettings()
{
    if (m_restoring)
        return;
    QSettings &s = *m_settings;
    const UsageQuery &query = m_feed->query();
    s.setValue(u"usage/range"_s, presetKey(query.preset()));
    if (query.preset() == Preset::Custom) {
        s.setValue(u"usage/from"_s, query.from().toUTC().toString(Qt::ISODate));
        s.setValue(u"usage/to"_s, query.to().toUTC().toString(Qt::ISODate));
    }
    s.setValue(
        u"usage/groupBy"_s, query.groupBy() == GroupBy::None ? u"none"_s : UsageQuery::name(query.groupBy()));
    s.setValue(u"usage/model"_s, query.model());
    s.setValue(u"usage/provider"_s, query.provider());
    s.setValue(u"usage/utc"_s, m_utc);
    if (UsageView *view = currentView())
        s.setValue(u"usage/view"_s, UsageView::key(view->metric()));
}
