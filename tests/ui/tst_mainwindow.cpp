// The main window as a user meets it: every page shows data, the sidebar and Ctrl+N switch pages and only the
// page on screen follows live data, the window comes back where it was, the gateway stops and starts from the
// status bar, and every control has a name a screen reader can say.
#include "charts/chartview.h"
#include "dashboard/dashboardfeed.h"
#include "dashboard/dashboardpage.h"
#include "formatting.h"
#include "gatewaycontrol.h"
#include "livefollower.h"
#include "shell/busyindicator.h"
#include "shell/gatewayactions.h"
#include "shell/gatewaystatusbar.h"
#include "shell/mainwindow.h"
#include "shell/trayicon.h"
#include "uiharness.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QAccessible>
#include <QApplication>
#include <QChartView>
#include <QClipboard>
#include <QComboBox>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace Qt::StringLiterals;

class TstMainWindow final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void everyPageRendersWithData();
    void sidebarSelectionSwitchesPages();
    void ctrlNumberSwitchesPages();
    void hiddenWindowHasNoActivePage();
    void geometryAndLastPageRestored();
    void stopAndStartFromStatusBar();
    void copyBaseUrl();
    void remoteGatewayHasNoControls();
    void busyShowsAfterAMoment();
    void pauseAndResumeAccepting();
    void trayMenuSaysTodaysSpend();
    void keyboardShortcuts();
    void everyControlHasAnAccessibleName();
    void cleanupTestCase();

private:
    QListWidget *sidebar() const { return m_ui->window().findChild<QListWidget *>(u"sidebar"_s); }
    void selectRow(int row);
    static bool showsData(Page *page);

    std::unique_ptr<UiHarness> m_ui;
};

void TstMainWindow::initTestCase()
{
    m_ui = std::make_unique<UiHarness>();
    QString error;
    QVERIFY2(m_ui->start(&error), qPrintable(error)); // the window shown at 1280×800, its gateway running
}

void TstMainWindow::cleanupTestCase()
{
    m_ui.reset();
}

void TstMainWindow::selectRow(int row)
{
    // As a screen reader does: select the item (its only action) without moving the current row first.
    QListWidget *list = sidebar();
    list->selectionModel()->select(list->model()->index(row, 0), QItemSelectionModel::ClearAndSelect);
}

bool TstMainWindow::showsData(Page *page)
{
    if (auto *dashboard = qobject_cast<DashboardPage *>(page); dashboard && dashboard->isEmptyStateShown())
        return false;
    const QList<ChartView *> charts = page->findChildren<ChartView *>();
    if (charts.isEmpty())
        return false;
    for (ChartView *chart : charts) {
        if (!chart->isVisibleTo(page))
            continue;
        if (chart->isEmptyStateShown() || chart->drawnSeriesCount() == 0 || chart->drawnPoints(0).isEmpty())
            return false;
    }
    return true;
}

void TstMainWindow::everyPageRendersWithData()
{
    MainWindow &window = m_ui->window();
    QVERIFY(!window.pages().isEmpty());
    for (int row = 0; row < window.pages().size(); ++row) {
        Page *page = window.pages().at(row);
        sidebar()->setCurrentRow(row);
        QCOMPARE(window.currentPage(), page);
        QTRY_VERIFY2_WITH_TIMEOUT(showsData(page), qPrintable(page->title() + u" shows no data"_s), 15000);
    }
    // The dashboard's cards show the seeded traffic, not placeholders.
    DashboardPage *dashboard = m_ui->dashboard();
    QVERIFY(dashboard);
    auto *requests = dashboard->findChild<QWidget *>(u"cardRequests"_s);
    QVERIFY(requests);
    QTRY_VERIFY(requests->accessibleName().startsWith(u"Requests: "_s));
    QVERIFY(!requests->accessibleName().startsWith(u"Requests: –"_s));
    sidebar()->setCurrentRow(0);
}

void TstMainWindow::sidebarSelectionSwitchesPages()
{
    MainWindow &window = m_ui->window();
    DashboardPage *dashboard = m_ui->dashboard();
    sidebar()->setCurrentRow(0);
    QCOMPARE(window.activePage(), dashboard);
    QVERIFY(dashboard->isActive());
    QVERIFY(dashboard->live().isActive());
    if (window.pages().size() < 2)
        QSKIP("only one page in this build");

    selectRow(1);
    QCOMPARE(window.currentPage(), window.pages().at(1));
    QCOMPARE(window.findChild<QStackedWidget *>(u"pages"_s)->currentWidget(), window.pages().at(1));
    QCOMPARE(window.activePage(), window.pages().at(1));
    QVERIFY(!dashboard->isActive());
    QVERIFY(!dashboard->live().isActive()); // a hidden page does not poll
    QVERIFY(window.windowTitle().startsWith(window.pages().at(1)->title()));

    selectRow(0);
    QCOMPARE(window.currentPage(), dashboard);
    QCOMPARE(window.activePage(), dashboard);
    QVERIFY(dashboard->isActive());
}

void TstMainWindow::ctrlNumberSwitchesPages()
{
    MainWindow &window = m_ui->window();
    window.activateWindow();
    for (int i = window.pages().size() - 1; i >= 0; --i) {
        QTest::keyClick(&window, Qt::Key(Qt::Key_1 + i), Qt::ControlModifier);
        QCOMPARE(window.currentPage(), window.pages().at(i));
        QCOMPARE(sidebar()->currentRow(), i);
        QCOMPARE(window.activePage(), window.pages().at(i));
        for (Page *other : window.pages()) {
            if (auto *dashboard = qobject_cast<DashboardPage *>(other))
                QCOMPARE(dashboard->isActive(), other == window.pages().at(i));
        }
    }
}

void TstMainWindow::hiddenWindowHasNoActivePage()
{
    MainWindow &window = m_ui->window();
    window.setCurrentPage(m_ui->dashboard());
    QVERIFY(m_ui->dashboard()->isActive());
    window.hide();
    QCOMPARE(window.activePage(), nullptr);
    QVERIFY(!m_ui->dashboard()->isActive());
    QVERIFY(!m_ui->dashboard()->live().isActive());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.activePage(), m_ui->dashboard());
    QVERIFY(m_ui->dashboard()->live().isActive());
}

void TstMainWindow::geometryAndLastPageRestored()
{
    MainWindow &before = m_ui->window();
    const int lastRow = int(before.pages().size()) - 1;
    before.resize(1100, 720);
    before.move(40, 30);
    QTRY_COMPARE(before.size(), QSize(1100, 720));
    sidebar()->setCurrentRow(lastRow);
    const QString lastPage = before.currentPage()->objectName();
    before.close(); // as the user quits; the settings are written on close

    MainWindow &after = m_ui->reopenWindow();
    after.show();
    QVERIFY(QTest::qWaitForWindowExposed(&after));
    QCOMPARE(after.size(), QSize(1100, 720));
    QVERIFY(after.currentPage());
    QCOMPARE(after.currentPage()->objectName(), lastPage);
    QCOMPARE(after.activePage(), after.currentPage());

    // Back to the dashboard and the designed size for the suites that follow.
    after.setCurrentPage(m_ui->dashboard());
    after.resize(1280, 800);
}

void TstMainWindow::stopAndStartFromStatusBar()
{
    MainWindow &window = m_ui->window();
    auto *state = window.findChild<QLabel *>(u"gatewayState"_s);
    auto *button = window.findChild<QToolButton *>(u"startStopButton"_s);
    QVERIFY(state && button);
    QTRY_VERIFY(state->text().startsWith(u"Running at http://127.0.0.1:"_s));
    QCOMPARE(button->text(), u"Stop"_s);
    QVERIFY(button->isEnabled());

    // What the status bar said at each step the gateway reported (a step may be reported more than once, e.g.
    // when the accepting flag follows the state: only changes count).
    QStringList said;
    QList<bool> buttonEnabled;
    connect(&m_ui->control(), &GatewayControl::stateChanged, this, [&] {
        if (!said.isEmpty() && said.last() == state->text())
            return;
        said.append(state->text());
        buttonEnabled.append(button->isEnabled());
    });

    QTest::mouseClick(button, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_ui->control().state(), GatewayControl::State::Stopped, 15000);
    QCOMPARE(said, (QStringList { u"Stopping…"_s, u"Stopped"_s }));
    QCOMPARE(buttonEnabled, (QList<bool> { false, true })); // no second click while it stops
    QCOMPARE(button->text(), u"Start"_s);
    QCOMPARE(window.findChild<QLabel *>(u"requestsPerMinute"_s)->text(), u"– requests/min"_s);
    auto *startAction = window.findChild<QAction *>(u"actionGatewayStart"_s);
    QVERIFY(startAction && startAction->isEnabled());
    // The dashboard says why nothing new arrives, and where to start the gateway, rather than a network
    // error.
    auto *notice = m_ui->dashboard()->findChild<QLabel *>(u"dashboardError"_s);
    QVERIFY(notice);
    QVERIFY2(notice->text().startsWith(u"The gateway is stopped"_s), qPrintable(notice->text()));

    said.clear();
    buttonEnabled.clear();
    QTest::mouseClick(button, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_ui->control().state(), GatewayControl::State::Running, 15000);
    QTRY_VERIFY(state->text().startsWith(u"Running at http://127.0.0.1:"_s));
    QVERIFY2(said.size() >= 2, qPrintable(said.join(u" | "_s)));
    QCOMPARE(said.first(), u"Starting…"_s);
    QCOMPARE(buttonEnabled.first(), false);
    QVERIFY2(said.last().startsWith(u"Running at http://127.0.0.1:"_s), qPrintable(said.join(u" | "_s)));
    QCOMPARE(buttonEnabled.last(), true);
    QCOMPARE(button->text(), u"Stop"_s);

    // The restarted gateway answers the window again: the status bar's rate comes back from /status, or the
    // dashboard reloads its numbers.
    DashboardPage *dashboard = m_ui->dashboard();
    window.setCurrentPage(dashboard);
    QSignalSpy cards(&dashboard->feed(), &DashboardFeed::cardsArrived);
    window.refreshCurrentPage();
    QVERIFY(cards.wait(10000));
    QVERIFY(!notice->isVisible());
    disconnect(&m_ui->control(), &GatewayControl::stateChanged, this, nullptr);
}

void TstMainWindow::remoteGatewayHasNoControls()
{
    // A window on a team's gateway (no GatewayControl): the address and the rate, no Start/Stop.
    QTemporaryDir dir;
    QSettings settings(dir.filePath(u"remote.conf"_s), QSettings::IniFormat);
    MainWindow remote(PageContext { m_ui->api(), nullptr }, &settings);
    remote.addPage(new DashboardPage(PageContext { m_ui->api(), nullptr }));
    remote.show();
    QVERIFY(QTest::qWaitForWindowExposed(&remote));
    auto *state = remote.findChild<QLabel *>(u"gatewayState"_s);
    auto *rate = remote.findChild<QLabel *>(u"requestsPerMinute"_s);
    QVERIFY(state && rate);
    QCOMPARE(state->text(), u"Gateway at "_s + m_ui->api().baseUrl().toString());
    QVERIFY(!remote.findChild<QToolButton *>(u"startStopButton"_s)->isVisible());
    QVERIFY(!remote.findChild<QAction *>(u"actionGatewayStart"_s)->isEnabled());
    QVERIFY(!remote.findChild<QAction *>(u"actionGatewayStop"_s)->isEnabled());
    QVERIFY(!remote.findChild<QAction *>(u"actionGatewayPause"_s)->isEnabled());
    QVERIFY(remote.findChild<QAction *>(u"actionCopyBaseUrl"_s)->isEnabled());
    QTRY_VERIFY2(rate->text().endsWith(u" requests/min"_s) && !rate->text().startsWith(u"–"_s),
        qPrintable(rate->text()));
    remote.close();
    m_ui->window().activateWindow();
}

void TstMainWindow::copyBaseUrl()
{
    MainWindow &window = m_ui->window();
    auto *copy = window.findChild<QToolButton *>(u"copyBaseUrlButton"_s);
    QVERIFY(copy);
    QTest::mouseClick(copy, Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), m_ui->team().gateway().url() + u"/v1"_s);
}

void TstMainWindow::busyShowsAfterAMoment()
{
    // The window's busy bar sits in its status bar; its timing is checked on one of its own, since the real
    // pages go busy on their own schedule (a live update may already have started the delay).
    MainWindow &window = m_ui->window();
    auto *inWindow = window.findChild<BusyIndicator *>(u"busyIndicator"_s);
    QVERIFY(inWindow);
    QCOMPARE(inWindow->parentWidget(), window.statusBar());

    // Not shown: another top-level window would take the activation (and the shortcuts) from the main window.
    QWidget host;
    auto *busy = new BusyIndicator(&host);
    QObject source;
    QElapsedTimer clock;
    clock.start();
    busy->setBusy(&source, true);
    QVERIFY(busy->isHidden()); // a quick answer must not flash a progress bar
    QTRY_VERIFY(!busy->isHidden());
    QVERIFY(clock.elapsed() >= BusyIndicator::kDelayMs - 10);
    busy->setBusy(&source, false);
    QVERIFY(busy->isHidden());

    // Busy for less than the delay: never shown.
    busy->setBusy(&source, true);
    busy->setBusy(&source, false);
    QTest::qWait(BusyIndicator::kDelayMs + 50);
    QVERIFY(busy->isHidden());
}

void TstMainWindow::pauseAndResumeAccepting()
{
    MainWindow &window = m_ui->window();
    auto *pause = window.findChild<QAction *>(u"actionGatewayPause"_s);
    auto *state = window.findChild<QLabel *>(u"gatewayState"_s);
    QVERIFY(pause && state);
    QTRY_VERIFY(pause->isEnabled());
    QVERIFY(!pause->isChecked());
    pause->trigger();
    QTRY_VERIFY(!m_ui->control().accepting());
    QTRY_VERIFY2(state->text().startsWith(u"Paused at http://127.0.0.1:"_s), qPrintable(state->text()));
    QVERIFY(pause->isChecked());
    QCOMPARE(pause->text(), u"&Resume accepting requests"_s);
    pause->trigger();
    QTRY_VERIFY(m_ui->control().accepting());
    QTRY_VERIFY2(state->text().startsWith(u"Running at http://127.0.0.1:"_s), qPrintable(state->text()));
    QVERIFY(!pause->isChecked());
}

void TstMainWindow::trayMenuSaysTodaysSpend()
{
    // Offscreen there is no system tray, so the window has no TrayIcon; its menu is checked on one of its
    // own.
    MainWindow &window = m_ui->window();
    QCOMPARE(window.trayIcon() == nullptr, !TrayIcon::isAvailable());
    QVERIFY(!window.closesToTray() || TrayIcon::isAvailable());
    TrayIcon tray(m_ui->api(), window.gatewayActions(), nullptr);
    const QList<QAction *> actions = tray.menu()->actions();
    QVERIFY(actions.contains(window.gatewayActions().pause()));
    QVERIFY(actions.contains(window.gatewayActions().copyUrl()));
    tray.refreshSpend();
    QTRY_VERIFY2(
        tray.spendAction()->text().startsWith(u"Today's spend: $"_s), qPrintable(tray.spendAction()->text()));

    const QDateTime now = QDateTime::currentDateTime();
    std::optional<ApiResult<UsageData>> today;
    QObject context;
    m_ui->api().usage(u"test-today"_s, UsageQuery::between(now.date().startOfDay(), now), &context,
        [&today](const ApiResult<UsageData> &answer) { today = answer; });
    QTRY_VERIFY(today.has_value());
    QVERIFY(today->ok());
    QVERIFY2(tray.spendAction()->text().startsWith(
                 u"Today's spend: "_s + Formatting::usd((*today)->totals.costUsd)),
        qPrintable(tray.spendAction()->text()));
}

void TstMainWindow::keyboardShortcuts()
{
    MainWindow &window = m_ui->window();
    DashboardPage *dashboard = m_ui->dashboard();
    window.setCurrentPage(dashboard);
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTRY_VERIFY(dashboard->feed().isComplete());

    // F5 asks the API again.
    QSignalSpy cards(&dashboard->feed(), &DashboardFeed::cardsArrived);
    QTest::keyClick(&window, Qt::Key_F5);
    QVERIFY(cards.wait(10000));

    // Ctrl+F puts the focus in the page's filter (the dashboard's period).
    auto *period = dashboard->findChild<QComboBox *>(u"dashboardPeriod"_s);
    QVERIFY(period);
    QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
    QTRY_COMPARE(QApplication::focusWidget(), period);

    // The menus hold every command, with the keys shown.
    QVERIFY(window.findChild<QAction *>(u"actionQuit"_s)->shortcut() == QKeySequence(Qt::CTRL | Qt::Key_Q));
    QVERIFY(window.findChild<QAction *>(u"actionRefresh"_s)->shortcut() == QKeySequence(Qt::Key_F5));
    QVERIFY(window.findChild<QAction *>(u"actionGatewayPause"_s));
    QVERIFY(window.findChild<QAction *>(u"actionCopyBaseUrl"_s));
}

void TstMainWindow::everyControlHasAnAccessibleName()
{
    MainWindow &window = m_ui->window();
    QStringList unnamed;
    // Every page once on screen, so that whatever it builds lazily exists.
    for (Page *page : window.pages()) {
        window.setCurrentPage(page);
        QTest::qWait(0);
    }
    const QList<QWidget *> widgets = window.findChildren<QWidget *>();
    for (QWidget *widget : widgets) {
        const bool interactive = qobject_cast<QAbstractButton *>(widget) || qobject_cast<QComboBox *>(widget)
            || qobject_cast<QLineEdit *>(widget) || qobject_cast<QAbstractItemView *>(widget)
            || qobject_cast<QChartView *>(widget) || qobject_cast<QPlainTextEdit *>(widget);
        // Qt's own parts (the menu bar's overflow button …) are named by Qt's accessibility plugin, not us.
        if (!interactive || widget->objectName().startsWith(u"qt_"_s))
            continue;
        // Parts of a composite control are named by it (a combo box's list, a line edit inside a spin box).
        bool part = false;
        for (QWidget *up = widget->parentWidget(); up && up != &window; up = up->parentWidget()) {
            if (qobject_cast<QComboBox *>(up) || qobject_cast<QAbstractSpinBox *>(up))
                part = true;
        }
        if (part)
            continue;
        QString name;
        if (qobject_cast<QComboBox *>(widget)) {
            // A combo box's accessible name would otherwise be its current text, which says nothing of what
            // it chooses.
            name = widget->accessibleName();
        } else if (QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(widget)) {
            name = iface->text(QAccessible::Name);
        }
        if (name.trimmed().isEmpty())
            unnamed.append(u"%1 %2 (in %3)"_s.arg(QString::fromLatin1(widget->metaObject()->className()),
                widget->objectName(),
                widget->parentWidget() ? widget->parentWidget()->objectName() : QString()));
    }
    QVERIFY2(unnamed.isEmpty(), qPrintable(u"without an accessible name: "_s + unnamed.join(u", "_s)));
    window.setCurrentPage(m_ui->dashboard());
}

QTEST_MAIN(TstMainWindow)
#include "tst_mainwindow.moc"
