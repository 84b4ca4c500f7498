#include "dashboardpage.h"

#include "apiclient.h"
#include "chartpanel.h"
#include "charts/chartview.h"
#include "dashboardcards.h"
#include "dashboardfeed.h"
#include "gatewaycontrol.h"
#include "gettingstarted.h"
#include "livefollower.h"
#include "shell/baseurl.h"
#include "shell/windowlog.h"
#include "theme/icons.h"
#include "theme/theme.h"
#include "usageseriesmodel.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QStackedWidget>
#include <QTime>
#include <QToolButton>
#include <QVBoxLayout>

namespace {
struct PeriodChoice
{
    const char *text;
    UsageQuery::Preset preset;
};
constexpr PeriodChoice kPeriods[] = {
    { QT_TRANSLATE_NOOP("DashboardPage", "Last 24 hours"), UsageQuery::Preset::Last24Hours },
    { QT_TRANSLATE_NOOP("DashboardPage", "Last 7 days"), UsageQuery::Preset::Last7Days },
    { QT_TRANSLATE_NOOP("DashboardPage", "Last 30 days"), UsageQuery::Preset::Last30Days },
};
} // namespace

DashboardPage::DashboardPage(PageContext context, QWidget *parent)
    : Page(parent)
    , m_context(context)
    , m_feed(new DashboardFeed(context.api, this))
    , m_live(new LiveFollower(&context.api, this))
    , m_modes(new QStackedWidget(this))
    , m_scroll(new QScrollArea(m_modes))
    , m_period(new QComboBox)
    , m_back(new QToolButton)
    , m_range(new QLabel)
    , m_updated(new QLabel)
    , m_error(new QLabel)
    , m_cards(nullptr)
    , m_costSplit(new QButtonGroup(this))
    , m_gettingStarted(new GettingStarted(context.api, m_modes))
{
    setObjectName(QStringLiteral("dashboardPage"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_modes);

    auto *content = new QWidget;
    content->setObjectName(QStringLiteral("dashboardContent"));
    auto *column = new QVBoxLayout(content);
    column->setContentsMargins(16, 12, 16, 16);
    column->setSpacing(12);
    buildHeader(content);
    m_cards = new DashboardCards(m_feed->cards(), content);
    column->addWidget(m_cards);
    column->addWidget(buildCharts(content), 1);

    m_scroll->setObjectName(QStringLiteral("dashboardScroll"));
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_scroll->setWidget(content);
    m_modes->addWidget(m_scroll);
    m_modes->addWidget(m_gettingStarted);

    connect(m_feed, &DashboardFeed::busyChanged, this, &Page::busyChanged);
    connect(m_feed, &DashboardFeed::rangeChanged, this, &DashboardPage::rangeChanged);
    connect(m_feed, &DashboardFeed::recordsKnown, this, &DashboardPage::recordsKnown);
    connect(m_feed, &DashboardFeed::failed, this, [this](const QString &text) {
        showBanner(text, true);
        emit message(text);
    });
    connect(m_feed, &DashboardFeed::cardsArrived, this, [this] {
        m_error->setVisible(false);
        m_updated->setText(tr("Updated %1").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss"))));
    });
    // Live: new records reload in place (the range, scroll position and hover stay as they are).
    connect(m_live, &LiveFollower::changed, this, [this] { m_feed->load(true); });
    connect(m_gettingStarted, &GettingStarted::message, this, &Page::message);
    if (m_context.gateway) {
        connect(m_context.gateway, &GatewayControl::stateChanged, this, [this] {
            updateBaseUrl();
            const bool running = gatewayRunning();
            if (running == m_gatewayWasRunning)
                return;
            m_gatewayWasRunning = running;
            updateGatewayNotice();
            // Up (at launch, or back from a stop): load what could not be asked while it was down.
            if (m_active && running)
                m_feed->load(m_loaded);
            if (m_active && running)
                m_loaded = true;
            if (!running)
                m_feed->cancel();
        });
    }
    updateBaseUrl();
    m_gatewayWasRunning = gatewayRunning();
    updateGatewayNotice();
    rangeChanged();
}

DashboardPage::~DashboardPage() = default;

void DashboardPage::buildHeader(QWidget *content)
{
    auto *header = new QHBoxLayout;
    header->setSpacing(8);
    auto *heading = new QLabel(tr("Dashboard"), content);
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.4);
    headingFont.setWeight(QFont::DemiBold);
    heading->setFont(headingFont);
    header->addWidget(heading);
    header->addSpacing(12);

    m_back->setParent(content);
    m_back->setObjectName(QStringLiteral("dashboardBack"));
    m_back->setIcon(Icons::icon(QStringLiteral("back")));
    m_back->setText(tr("Back"));
    m_back->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_back->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Left));
    connect(m_back, &QToolButton::clicked, m_feed, &DashboardFeed::back);
    header->addWidget(m_back);

    m_range->setParent(content);
    m_range->setObjectName(QStringLiteral("dashboardRange"));
    m_range->setTextInteractionFlags(Qt::TextSelectableByMouse);
    header->addWidget(m_range);
    header->addStretch(1);

    m_updated->setParent(content);
    m_updated->setObjectName(QStringLiteral("dashboardUpdated"));
    m_updated->setForegroundRole(QPalette::PlaceholderText);
    header->addWidget(m_updated);
    header->addSpacing(8);

    auto *periodLabel = new QLabel(tr("&Period:"), content);
    m_period->setParent(content);
    m_period->setObjectName(QStringLiteral("dashboardPeriod"));
    m_period->setAccessibleName(tr("Period"));
    periodLabel->setBuddy(m_period);
    for (const PeriodChoice &choice : kPeriods)
        m_period->addItem(tr(choice.text), int(choice.preset));
    m_period->setCurrentIndex(m_period->findData(int(m_feed->period())));
    connect(m_period, &QComboBox::activated, this,
        [this](int index) { m_feed->setPeriod(UsageQuery::Preset(m_period->itemData(index).toInt())); });
    header->addWidget(periodLabel);
    header->addWidget(m_period);

    auto *column = qobject_cast<QVBoxLayout *>(content->layout());
    column->addLayout(header);

    m_error->setParent(content);
    m_error->setObjectName(QStringLiteral("dashboardError"));
    m_error->setWordWrap(true);
    m_error->setVisible(false);
    column->addWidget(m_error);
}

QWidget *DashboardPage::buildCharts(QWidget *parent)
{
    auto *panels = new QWidget(parent);
    panels->setObjectName(QStringLiteral("dashboardCharts"));
    auto *grid = new QGridLayout(panels);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(10);

    m_tokens = new ChartPanel(tr("Tokens"), panels);
    m_tokens->chart()->setObjectName(QStringLiteral("chartTokens"));
    m_tokens->chart()->setModel(&m_feed->tokens());
    m_cost = new ChartPanel(tr("Cost"), panels);
    m_cost->chart()->setObjectName(QStringLiteral("chartCost"));
    m_cost->chart()->setModel(&m_feed->cost());
    m_latency = new ChartPanel(tr("Latency"), panels);
    m_latency->chart()->setObjectName(QStringLiteral("chartLatency"));
    m_latency->chart()->setModel(&m_feed->latency());
    m_requests = new ChartPanel(tr("Requests and errors"), panels);
    m_requests->chart()->setObjectName(QStringLiteral("chartRequests"));
    m_requests->chart()->setModel(&m_feed->requests());

    // The cost chart's split: two small toggles rather than a combo box, since both fit and one click
    // switches.
    const auto addSplit = [this](const QString &text, DashboardFeed::CostSplit split, const QString &name) {
        auto *button = new QToolButton(m_cost);
        button->setObjectName(name);
        button->setText(text);
        button->setCheckable(true);
        button->setAutoRaise(true);
        button->setAccessibleName(tr("Cost %1").arg(text.toLower()));
        button->setChecked(m_feed->costSplit() == split);
        m_costSplit->addButton(button, int(split));
        m_cost->addHeaderWidget(button);
    };
    addSplit(tr("By model"), DashboardFeed::CostSplit::Model, QStringLiteral("costByModel"));
    addSplit(tr("By provider"), DashboardFeed::CostSplit::Provider, QStringLiteral("costByProvider"));
    m_costSplit->setExclusive(true);
    connect(m_costSplit, &QButtonGroup::idClicked, this,
        [this](int id) { m_feed->setCostSplit(DashboardFeed::CostSplit(id)); });

    // Requests and tokens have two or three series and share a row; cost (one series per model) and latency
    // (six percentiles) get the full width, so that their legends are read, not cut.
    grid->addWidget(m_requests, 0, 0);
    grid->addWidget(m_tokens, 0, 1);
    grid->addWidget(m_cost, 1, 0, 1, 2);
    grid->addWidget(m_latency, 2, 0, 1, 2);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    for (ChartView *chart : charts())
        connect(chart, &ChartView::rangeSelected, m_feed, &DashboardFeed::narrow);
    return panels;
}

QList<ChartView *> DashboardPage::charts() const
{
    return { m_requests->chart(), m_tokens->chart(), m_cost->chart(), m_latency->chart() };
}

QString DashboardPage::title() const
{
    return tr("Dashboard");
}

QIcon DashboardPage::icon() const
{
    return Icons::icon(QStringLiteral("dashboard"));
}

void DashboardPage::setActive(bool active)
{
    if (active == m_active)
        return;
    m_active = active;
    m_live->setActive(active);
    if (active) {
        updateBaseUrl();
        // A hosted gateway still starting (the window opens first) is asked once it runs, not before.
        if (!gatewayRunning())
            return;
        // Quiet after the first load: coming back to the page keeps what it showed while fresh numbers
        // arrive.
        m_feed->load(m_loaded);
        m_loaded = true;
    } else {
        m_feed->cancel();
    }
}

void DashboardPage::refresh()
{
    m_feed->load(true);
}

void DashboardPage::focusFilter()
{
    if (m_modes->currentWidget() == m_scroll)
        m_period->setFocus(Qt::ShortcutFocusReason);
}

bool DashboardPage::isEmptyStateShown() const
{
    return m_modes->currentWidget() == m_gettingStarted;
}

void DashboardPage::rangeChanged()
{
    const bool narrowed = m_feed->isNarrowed();
    m_back->setVisible(narrowed);
    m_back->setAccessibleName(tr("Back to the previous range"));
    m_back->setToolTip(tr("Back to the previous range (Alt+Left)"));
    m_range->setText(narrowed ? tr("Showing %1").arg(m_feed->rangeWords()) : QString());
    m_range->setVisible(narrowed);
    m_period->setEnabled(true);
    m_cards->setPreviousPeriod(DashboardFeed::previousPeriodWords(m_feed->query()));
}

void DashboardPage::recordsKnown(bool hasRecords)
{
    m_modes->setCurrentWidget(hasRecords ? static_cast<QWidget *>(m_scroll) : m_gettingStarted);
    if (hasRecords)
        m_feed->load(true); // the first records may have arrived after the load that found none
}

bool DashboardPage::gatewayRunning() const
{
    return !m_context.gateway || m_context.gateway->state() == GatewayControl::State::Running;
}

void DashboardPage::updateGatewayNotice()
{
    if (gatewayRunning()) {
        m_error->setVisible(false);
        return;
    }
    // Not an error of the page: say what the gateway is doing and where to start it.
    using State = GatewayControl::State;
    const State state = m_context.gateway->state();
    QString text;
    if (state == State::Starting)
        text = tr("The gateway is starting; the numbers appear as soon as it runs.");
    else if (state == State::Failed)
        text = tr("The gateway could not start: %1").arg(m_context.gateway->failureReason());
    else
        text = tr("The gateway is stopped: start it with Start in the status bar or the Gateway menu. "
                  "The numbers shown are from before it stopped.");
    showBanner(text, state == State::Failed);
}

void DashboardPage::showBanner(const QString &text, bool isError)
{
    m_bannerIsError = isError;
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
    applyBannerColor();
}

void DashboardPage::applyBannerColor()
{
    QPalette banner = palette();
    if (m_bannerIsError)
        banner.setColor(QPalette::WindowText, Theme::semantic(palette()).error);
    m_error->setPalette(banner);
}

void DashboardPage::changeEvent(QEvent *event)
{
    Page::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyBannerColor(); // the error colour of the light palette is unreadable on the dark one
}

void DashboardPage::updateBaseUrl()
{
    m_gettingStarted->setBaseUrl(BaseUrl::root(m_context));
}
