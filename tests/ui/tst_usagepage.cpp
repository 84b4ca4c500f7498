// The Usage page against the API it reads (tests/ui's harness: a real gateway with seeded records): its
// series are exactly what /api/v1/usage says for the range and grouping chosen, a drag narrows the range
// and Back returns, a developer cannot group by member, the choices survive a restart, and new records
// arrive in place. GATEWAY_UI_SHOTS=dir also saves pictures of the page in light and dark.
#include "apiclient.h"
#include "charts/chartview.h"
#include "darkpalette.h"
#include "livefollower.h"
#include "uiharness.h"
#include "usage/usagefeed.h"
#include "usage/usagepage.h"
#include "usage/usagetoolbar.h"
#include "usage/usageview.h"
#include "usagegroupsmodel.h"
#include "usageseriesmodel.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStyle>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTableView>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace Qt::StringLiterals;

namespace {

using Metric = UsageSeriesModel::Metric;

std::optional<UsageData> fetchUsage(ApiClient &api, const UsageQuery &query)
{
    std::optional<ApiResult<UsageData>> result;
    QObject context;
    api.usage(u"test"_s, query, &context, [&result](const ApiResult<UsageData> &answer) { result = answer; });
    if (!QTest::qWaitFor([&result] { return result.has_value(); }, 10000) || !result->ok())
        return std::nullopt;
    return *result->value;
}

double columnSum(const QAbstractItemModel *model, int column)
{
    double sum = 0;
    for (int row = 0; row < model->rowCount(); ++row)
        sum += model->index(row, column).data(UsageSeriesModel::ValueRole).toDouble();
    return sum;
}

double allSeriesSum(const QAbstractItemModel *model)
{
    double sum = 0;
    for (int column = 1; column < model->columnCount(); ++column)
        sum += columnSum(model, column);
    return sum;
}

// What a user does: pick an entry of a combo box (activated, as a click or Enter would send).
void choose(QComboBox *combo, const QVariant &data)
{
    const int index = combo->findData(data);
    QVERIFY(index >= 0);
    combo->setCurrentIndex(index);
    emit combo->activated(index);
}

// A picture of `widget` once Qt Charts has laid out what just arrived (it does so on a posted event).
bool shot(QWidget *widget, const QString &path)
{
    QTest::qWait(30);
    return widget->grab().save(path);
}

} // namespace

class TstUsagePage final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void rangeAndGroupingChangeTheSeries();
    void dragNarrowsAndBackReturns();
    void latencyShowsModelsAndProviders();
    void developerCannotGroupByMember();
    void choicesAreRemembered();
    void newRecordsArriveInPlace();
    void filterIsDebounced();
    void customRangeFromTheTwoTimes();
    void unreachableGatewayShowsTheBanner();
    void busyOnlyWhenSlow();
    void screenshots();
    void cleanupTestCase();

private:
    bool waitLoaded(UsagePage *page, QSignalSpy &loaded);
    // Activates the page, waits for its first answer, then picks the last 7 days and waits for that one.
    bool showLastSevenDays(UsagePage *page, QSignalSpy &loaded);

    std::unique_ptr<UiHarness> m_ui;
    std::unique_ptr<QSettings> m_settings;
    QTemporaryDir m_dir;
    std::unique_ptr<UsagePage> m_page;
};

void TstUsagePage::initTestCase()
{
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
    QApplication::setPalette(QApplication::style()->standardPalette());
    m_ui = std::make_unique<UiHarness>();
    QString error;
    QVERIFY2(m_ui->start(&error), qPrintable(error));
}

void TstUsagePage::init()
{
    m_settings = std::make_unique<QSettings>(m_dir.filePath(u"usage.ini"_s), QSettings::IniFormat);
    m_settings->clear();
    m_page = std::make_unique<UsagePage>(PageContext { m_ui->api(), &m_ui->control() }, m_settings.get());
    m_page->resize(1200, 760);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
}

void TstUsagePage::cleanup()
{
    m_page.reset();
    m_settings.reset();
}

void TstUsagePage::cleanupTestCase()
{
    m_ui.reset();
}

bool TstUsagePage::waitLoaded(UsagePage *page, QSignalSpy &loaded)
{
    if (!loaded.wait(15000))
        return false;
    // Answers for the other views (the table, latency by model and provider) come on their own.
    return QTest::qWaitFor([page] { return !page->feed().isLoading(); }, 15000);
}

bool TstUsagePage::showLastSevenDays(UsagePage *page, QSignalSpy &loaded)
{
    page->setActive(true);
    if (!waitLoaded(page, loaded))
        return false;
    choose(page->findChild<QComboBox *>(u"usageRange"_s), int(UsageQuery::Preset::Last7Days));
    return waitLoaded(page, loaded);
}

void TstUsagePage::rangeAndGroupingChangeTheSeries()
{
    UsagePage *page = m_page.get();
    QSignalSpy loaded(&page->feed(), &UsageFeed::loaded);
    page->setActive(true);
    QVERIFY(waitLoaded(page, loaded));
    QCOMPARE(page->feed().query().preset(), UsageQuery::Preset::Last24Hours);

    // Seven days: every seeded request, in daily buckets.
    auto *range = page->findChild<QComboBox *>(u"usageRange"_s);
    QVERIFY(range);
    choose(range, int(UsageQuery::Preset::Last7Days));
    QVERIFY(waitLoaded(page, loaded));
    const UsageQuery week = page->feed().query();
    QCOMPARE(week.preset(), UsageQuery::Preset::Last7Days);
    auto answer = fetchUsage(m_ui->api(), week);
    QVERIFY(answer);
    QCOMPARE(answer->totals.requests, qint64(m_ui->seededRequests()));
    const UsageSeriesModel *requests = page->feed().series(Metric::Requests);
    QCOMPARE(requests->rowCount(), int(answer->series.size()));
    QCOMPARE(columnSum(requests, 1), double(answer->totals.requests));
    QCOMPARE(columnSum(requests, 2), double(answer->totals.errors));
    ChartView *chart = page->view(Metric::Requests)->chart();
    QVERIFY(!chart->isEmptyStateShown());
    QCOMPARE(chart->drawnSeriesCount(), 2);
    QCOMPARE(chart->drawnPoints(0).size(), 4 * requests->rowCount());

    // The last hour: fewer buckets than the week.
    choose(range, int(UsageQuery::Preset::LastHour));
    QVERIFY(waitLoaded(page, loaded));
    answer = fetchUsage(m_ui->api(), page->feed().query());
    QVERIFY(answer);
    QCOMPARE(requests->rowCount(), int(answer->series.size()));
    QCOMPARE(columnSum(requests, 1), double(answer->totals.requests));

    // Grouped by model over the week: one series per model, adding up to the same total.
    choose(range, int(UsageQuery::Preset::Last7Days));
    QVERIFY(waitLoaded(page, loaded));
    auto *groupBy = page->findChild<QComboBox *>(u"usageGroupBy"_s);
    QVERIFY(groupBy);
    choose(groupBy, int(UsageQuery::GroupBy::Model));
    QVERIFY(waitLoaded(page, loaded));
    QCOMPARE(page->feed().query().groupBy(), UsageQuery::GroupBy::Model);
    answer = fetchUsage(m_ui->api(), page->feed().query());
    QVERIFY(answer);
    QCOMPARE(requests->columnCount() - 1,
        int(std::min<qsizetype>(answer->groups.size(), UsageSeriesModel::kTopGroups + 1)));
    QCOMPARE(allSeriesSum(requests), double(answer->totals.requests));
    QCOMPARE(chart->effectiveStyle(), ChartStyle::StackedBars);
    QCOMPARE(chart->drawnSeriesCount(), requests->columnCount() - 1);
    // The table below lists the same groups.
    QTableView *table = page->view(Metric::Requests)->table();
    QCOMPARE(table->model()->rowCount(), int(answer->groups.size()));
    QVERIFY(!table->tabKeyNavigation());
    QVERIFY(table->isSortingEnabled());
}

void TstUsagePage::dragNarrowsAndBackReturns()
{
    UsagePage *page = m_page.get();
    QSignalSpy loaded(&page->feed(), &UsageFeed::loaded);
    QVERIFY(showLastSevenDays(page, loaded));
    const UsageQuery before = page->feed().query();
    auto *back = page->findChild<QToolButton *>(u"usageBack"_s);
    QVERIFY(back && !back->isEnabled());

    ChartView *chart = page->view(Metric::Requests)->chart();
    QTRY_VERIFY(chart->chartData().bucketCount() >= 5);
    const ChartData data = chart->chartData();
    QTest::mousePress(chart->viewport(), Qt::LeftButton, {}, chart->bucketPosition(1));
    QTest::mouseMove(chart->viewport(), chart->bucketPosition(2));
    QTest::mouseMove(chart->viewport(), chart->bucketPosition(3));
    QTest::mouseRelease(chart->viewport(), Qt::LeftButton, {}, chart->bucketPosition(3));
    QVERIFY(waitLoaded(page, loaded));
    const UsageQuery narrowed = page->feed().query();
    QCOMPARE(narrowed.preset(), UsageQuery::Preset::Custom);
    QCOMPARE(narrowed.from(), data.starts[1]);
    QCOMPARE(narrowed.to(), data.ends[3]);
    QVERIFY(back->isEnabled());
    // The page shows the narrowed range in its controls and its chart.
    QCOMPARE(page->findChild<QComboBox *>(u"usageRange"_s)->currentData().toInt(),
        int(UsageQuery::Preset::Custom));
    QCOMPARE(chart->chartData().starts.first(), data.starts[1]);
    const auto answer = fetchUsage(m_ui->api(), narrowed);
    QVERIFY(answer);
    QCOMPARE(columnSum(page->feed().series(Metric::Requests), 1), double(answer->totals.requests));

    back->click();
    QVERIFY(waitLoaded(page, loaded));
    QCOMPARE(page->feed().query().preset(), UsageQuery::Preset::Last7Days);
    QVERIFY(std::abs(page->feed().query().from().secsTo(before.from())) < 120);
    QVERIFY(!back->isEnabled());
    QCOMPARE(chart->chartData().bucketCount(), data.bucketCount());
}

void TstUsagePage::latencyShowsModelsAndProviders()
{
    UsagePage *page = m_page.get();
    QSignalSpy loaded(&page->feed(), &UsageFeed::loaded);
    page->setCurrentView(Metric::Latency);
    QVERIFY(showLastSevenDays(page, loaded));
    UsageView *view = page->view(Metric::Latency);
    QVERIFY(view->table() && view->providerTable());
    UsageQuery byModel = page->feed().query();
    byModel.setGroupBy(UsageQuery::GroupBy::Model);
    UsageQuery byProvider = page->feed().query();
    byProvider.setGroupBy(UsageQuery::GroupBy::Provider);
    const auto models = fetchUsage(m_ui->api(), byModel);
    const auto providers = fetchUsage(m_ui->api(), byProvider);
    QVERIFY(models && providers);
    QTRY_COMPARE(view->table()->model()->rowCount(), int(models->groups.size()));
    QTRY_COMPARE(view->providerTable()->model()->rowCount(), int(providers->groups.size()));
    QVERIFY(providers->groups.size() >= 2);
    // Only the latency columns and the volume: time to first token and duration p50/p95, speed.
    QVERIFY(!view->table()->isColumnHidden(UsageGroupsModel::TtftP95));
    QVERIFY(!view->table()->isColumnHidden(UsageGroupsModel::DurationP50));
    QVERIFY(!view->table()->isColumnHidden(UsageGroupsModel::OutputTokensPerSecond));
    QVERIFY(view->table()->isColumnHidden(UsageGroupsModel::Cost));
    QCOMPARE(view->chart()->effectiveStyle(), ChartStyle::Lines);
}

void TstUsagePage::developerCannotGroupByMember()
{
    ApiClient developer;
    developer.setBaseUrl(m_ui->api().baseUrl());
    developer.setToken(m_ui->team().developer.token);
    UsagePage page(PageContext { developer, nullptr }, m_settings.get());
    QSignalSpy loaded(&page.feed(), &UsageFeed::loaded);
    page.setActive(true);
    QVERIFY(waitLoaded(&page, loaded));
    auto *groupBy = page.findChild<QComboBox *>(u"usageGroupBy"_s);
    auto *items = qobject_cast<QStandardItemModel *>(groupBy->model());
    QVERIFY(items);
    const auto item = [&](UsageQuery::GroupBy g) { return items->item(groupBy->findData(int(g))); };
    QTRY_VERIFY(page.feed().self().has_value());
    QCOMPARE(page.feed().self()->role, u"developer"_s);
    QVERIFY(!item(UsageQuery::GroupBy::Member)->isEnabled());
    QVERIFY(!item(UsageQuery::GroupBy::Member)->toolTip().isEmpty());
    // Whatever the API says about keys, the combo says the same.
    QCOMPARE(item(UsageQuery::GroupBy::Key)->isEnabled(), page.feed().self()->may(u"usage.group_by_key"_s));
    QVERIFY(item(UsageQuery::GroupBy::Model)->isEnabled());
    // A remembered grouping the role may not use falls back to none instead of a refusal.
    UsageQuery query = page.feed().query();
    query.setGroupBy(UsageQuery::GroupBy::Member);
    page.feed().setQuery(query);
    QCOMPARE(page.feed().query().groupBy(), UsageQuery::GroupBy::None);
    QVERIFY(waitLoaded(&page, loaded));
    QVERIFY(page.banner()->isHidden());
}

void TstUsagePage::choicesAreRemembered()
{
    UsagePage *page = m_page.get();
    QSignalSpy loaded(&page->feed(), &UsageFeed::loaded);
    page->setActive(true);
    QVERIFY(waitLoaded(page, loaded));
    choose(page->findChild<QComboBox *>(u"usageRange"_s), int(UsageQuery::Preset::Last30Days));
    choose(page->findChild<QComboBox *>(u"usageGroupBy"_s), int(UsageQuery::GroupBy::Provider));
    page->findChild<QCheckBox *>(u"usageUtc"_s)->setChecked(true);
    page->setCurrentView(Metric::Cost);
    QVERIFY(waitLoaded(page, loaded));
    QVERIFY(page->view(Metric::Cost)->chart()->isUtc());
    m_page.reset();

    UsagePage again(PageContext { m_ui->api(), nullptr }, m_settings.get());
    QCOMPARE(again.feed().query().preset(), UsageQuery::Preset::Last30Days);
    QCOMPARE(again.feed().query().groupBy(), UsageQuery::GroupBy::Provider);
    QVERIFY(again.isUtc());
    QVERIFY(again.view(Metric::Requests)->chart()->isUtc());
    QCOMPARE(again.currentView()->metric(), Metric::Cost);
    // Restoring asks nothing: the page loads when it is first shown.
    QVERIFY(!again.feed().isLoading());
}

void TstUsagePage::newRecordsArriveInPlace()
{
    UsagePage *page = m_page.get();
    page->live().setIntervalMs(200);
    QSignalSpy loaded(&page->feed(), &UsageFeed::loaded);
    page->setActive(true);
    QVERIFY(page->live().isActive());
    QVERIFY(waitLoaded(page, loaded));
    UsageSeriesModel *requests = page->feed().series(Metric::Requests);
    const double before = columnSum(requests, 1);
    ChartView *chart = page->view(Metric::Requests)->chart();
    chart->setHoveredBucket(chart->chartData().bucketCount() - 1);
    const QList<QDateTime> starts = chart->chartData().starts;
    QAbstractSeries *series = chart->drawnSeriesCount() ? chart->drawnSeries(0) : nullptr;

    QVERIFY(m_ui->chat(UiHarness::seededModels().first(), 3));
    QTRY_COMPARE_WITH_TIMEOUT(columnSum(requests, 1), before + 3, 15000);
    // The same buckets (unless an hour began meanwhile): the same series object, the hover kept.
    if (chart->chartData().starts == starts && series) {
        QCOMPARE(chart->drawnSeries(0), series);
        QCOMPARE(chart->hoveredBucket(), starts.size() - 1);
    }
    page->setActive(false);
    QVERIFY(!page->live().isActive());
}

void TstUsagePage::filterIsDebounced()
{
    UsagePage *page = m_page.get();
    QSignalSpy loaded(&page->feed(), &UsageFeed::loaded);
    QVERIFY(showLastSevenDays(page, loaded));
    page->focusFilter();
    auto *model = page->findChild<QComboBox *>(u"usageModelFilter"_s);
    QTRY_VERIFY(model->hasFocus() || model->lineEdit()->hasFocus());
    QSignalSpy queries(&page->feed(), &UsageFeed::queryChanged);
    const qsizetype answers = loaded.size();
    const QString name = UiHarness::seededModels().first();
    QTest::keyClicks(model->lineEdit(), name);
    // One query for the whole word, not one per keystroke.
    QVERIFY(queries.wait(2000));
    QTest::qWait(UsageToolbar::kFilterDelayMs + 100);
    QCOMPARE(queries.size(), 1);
    QCOMPARE(page->feed().query().model(), name);
    QTRY_VERIFY_WITH_TIMEOUT(loaded.size() > answers, 15000);
    QTRY_VERIFY(!page->feed().isLoading());
    const auto answer = fetchUsage(m_ui->api(), page->feed().query());
    QVERIFY(answer);
    QVERIFY(answer->totals.requests < m_ui->seededRequests());
    QCOMPARE(columnSum(page->feed().series(Metric::Requests), 1), double(answer->totals.requests));
}

void TstUsagePage::customRangeFromTheTwoTimes()
{
    UsagePage *page = m_page.get();
    QSignalSpy loaded(&page->feed(), &UsageFeed::loaded);
    page->setActive(true);
    QVERIFY(waitLoaded(page, loaded));
    auto *from = page->findChild<QDateTimeEdit *>(u"usageFrom"_s);
    auto *to = page->findChild<QDateTimeEdit *>(u"usageTo"_s);
    QVERIFY(from && to && from->isHidden());
    choose(page->findChild<QComboBox *>(u"usageRange"_s), int(UsageQuery::Preset::Custom));
    QVERIFY(from->isVisible() && to->isVisible());
    QCOMPARE(from->accessibleName(), u"Range start"_s);

    // Two days ending at this hour, typed in UTC.
    page->findChild<QCheckBox *>(u"usageUtc"_s)->setChecked(true);
    QVERIFY(page->view(Metric::Requests)->chart()->isUtc());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QDateTime end(now.date(), QTime(now.time().hour(), 0), Qt::UTC);
    from->setDateTime(end.addDays(-2));
    to->setDateTime(end);
    emit to->editingFinished();
    QVERIFY(waitLoaded(page, loaded));
    QCOMPARE(page->feed().query().preset(), UsageQuery::Preset::Custom);
    QCOMPARE(page->feed().query().from(), end.addDays(-2));
    QCOMPARE(page->feed().query().to(), end);
    const auto answer = fetchUsage(m_ui->api(), page->feed().query());
    QVERIFY(answer);
    // (Picking Custom asked for the range shown until then; the typed range's answer comes after it.)
    QTRY_COMPARE(page->feed().report()->from, answer->from);
    QCOMPARE(page->feed().series(Metric::Requests)->rowCount(), int(answer->series.size()));
    QCOMPARE(columnSum(page->feed().series(Metric::Requests), 1), double(answer->totals.requests));

    // Back to local time: the same instants, shown in the local zone.
    page->findChild<QCheckBox *>(u"usageUtc"_s)->setChecked(false);
    QCOMPARE(from->dateTime().toUTC(), end.addDays(-2));
    QVERIFY(!page->view(Metric::Requests)->chart()->isUtc());
}

void TstUsagePage::unreachableGatewayShowsTheBanner()
{
    ApiClient nowhere;
    nowhere.setBaseUrl(QUrl(u"http://127.0.0.1:9"_s));
    UsagePage broken(PageContext { nowhere, nullptr }, m_settings.get());
    broken.resize(1000, 600);
    broken.show();
    QVERIFY(QTest::qWaitForWindowExposed(&broken));
    QSignalSpy failed(&broken.feed(), &UsageFeed::failed);
    QSignalSpy message(&broken, &Page::message);
    broken.setActive(true);
    QVERIFY(failed.wait(10000));
    QVERIFY(broken.banner()->isVisible());
    QVERIFY(broken.banner()->text().contains(u"cannot reach the gateway"_s));
    QVERIFY(!message.isEmpty());
    // Not "no requests": nothing is known.
    QCOMPARE(broken.findChild<QLabel *>(u"chartEmptyState"_s)->text(), u"Usage could not be loaded"_s);
    const QString dir = qEnvironmentVariable("GATEWAY_UI_SHOTS");
    if (!dir.isEmpty())
        QVERIFY(shot(&broken, u"%1/usage-error.png"_s.arg(dir)));
}

void TstUsagePage::busyOnlyWhenSlow()
{
    // A server that accepts and never answers: the query stays in flight.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    ApiClient slow;
    slow.setBaseUrl(QUrl(u"http://127.0.0.1:%1"_s.arg(silent.serverPort())));
    UsagePage page(PageContext { slow, nullptr }, m_settings.get());
    QSignalSpy busy(&page, &Page::busyChanged);
    QElapsedTimer clock;
    clock.start();
    page.setActive(true);
    QVERIFY(busy.wait(5000));
    QVERIFY(busy.first().first().toBool());
    QVERIFY2(clock.elapsed() >= UsageFeed::kBusyDelayMs - 10, qPrintable(QString::number(clock.elapsed())));
    QVERIFY(page.findChild<QLabel *>(u"usageBusy"_s)->isVisibleTo(&page));
}

void TstUsagePage::screenshots()
{
    const QString dir = qEnvironmentVariable("GATEWAY_UI_SHOTS");
    if (dir.isEmpty())
        QSKIP("set GATEWAY_UI_SHOTS to a directory to save pictures");
    for (const bool dark : { false, true }) {
        QApplication::setPalette(dark ? darkPalette() : QApplication::style()->standardPalette());
        UsagePage *page = m_page.get();
        QSignalSpy loaded(&page->feed(), &UsageFeed::loaded);
        page->setActive(true);
        if (!dark)
            QVERIFY(waitLoaded(page, loaded));
        choose(page->findChild<QComboBox *>(u"usageRange"_s), int(UsageQuery::Preset::Last7Days));
        QVERIFY(waitLoaded(page, loaded));
        for (const Metric metric : { Metric::Requests, Metric::Tokens, Metric::Cost, Metric::Latency }) {
            page->setCurrentView(metric);
            QTest::qWait(50);
            QTRY_VERIFY(!page->feed().isLoading());
            QVERIFY(shot(page,
                u"%1/usage-%2-%3.png"_s.arg(dir, UsageView::key(metric), dark ? u"dark"_s : u"light"_s)));
        }
        choose(page->findChild<QComboBox *>(u"usageGroupBy"_s), int(UsageQuery::GroupBy::Model));
        QVERIFY(waitLoaded(page, loaded));
        page->setCurrentView(Metric::Cost);
        QVERIFY(shot(page, u"%1/usage-cost-by-model-%2.png"_s.arg(dir, dark ? u"dark"_s : u"light"_s)));
        choose(page->findChild<QComboBox *>(u"usageGroupBy"_s), int(UsageQuery::GroupBy::None));
        QVERIFY(waitLoaded(page, loaded));
        const QString theme = dark ? u"dark"_s : u"light"_s;
        // Hovering with the keyboard, then narrowed by a drag (Custom range and Back in the toolbar).
        page->setCurrentView(Metric::Tokens);
        ChartView *chart = page->view(Metric::Tokens)->chart();
        chart->setFocus();
        QTest::keyClick(chart, Qt::Key_End);
        QTest::keyClick(chart, Qt::Key_Left);
        QVERIFY(shot(page, u"%1/usage-hover-%2.png"_s.arg(dir, theme)));
        QTest::mousePress(chart->viewport(), Qt::LeftButton, {}, chart->bucketPosition(3));
        QTest::mouseMove(chart->viewport(), chart->bucketPosition(4));
        QTest::mouseMove(chart->viewport(), chart->bucketPosition(5));
        QVERIFY(shot(page, u"%1/usage-dragging-%2.png"_s.arg(dir, theme)));
        QTest::mouseRelease(chart->viewport(), Qt::LeftButton, {}, chart->bucketPosition(5));
        QVERIFY(waitLoaded(page, loaded));
        QVERIFY(shot(page, u"%1/usage-narrowed-%2.png"_s.arg(dir, theme)));
        choose(page->findChild<QComboBox *>(u"usageRange"_s), int(UsageQuery::Preset::LastHour));
        QVERIFY(waitLoaded(page, loaded));
        page->setCurrentView(Metric::Requests);
        QVERIFY(shot(page, u"%1/usage-hour-%2.png"_s.arg(dir, theme)));
        page->setActive(false);
    }

    QApplication::setPalette(QApplication::style()->standardPalette());
}

QTEST_MAIN(TstUsagePage)
#include "tst_usagepage.moc"
