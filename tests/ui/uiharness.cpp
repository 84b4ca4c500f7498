#include "uiharness.h"

#include "dashboard/dashboardpage.h"
#include "dashboardwindow.h"
#include "gatewayhost.h"
#include "hostedgatewaycontrol.h"
#include "recordseeder.h"
#include "shell/mainwindow.h"

#include <QTest>

using namespace Qt::StringLiterals;

UiHarness::UiHarness() = default;

UiHarness::~UiHarness()
{
    m_window.reset(); // the window and its hosted gateway before the team's harness and the fake upstream
}

QStringList UiHarness::seededModels()
{
    // Four models of three providers, most traffic on the small one, as a team's usage tends to look.
    return { u"openai/gpt-4o-mini"_s, u"openai/gpt-4o-mini"_s, u"openai/gpt-4o"_s,
        u"anthropic/claude-3-5-haiku-20241022"_s, u"openai/gpt-4o-mini"_s, u"google/gemini-2.0-flash"_s };
}

bool UiHarness::start(const Options &options, QString *error)
{
    if (!m_settingsDir.isValid()) {
        *error = u"cannot create a temporary dir"_s;
        return false;
    }
    // The seeding gateway stamps records with this clock, stepped through the past days.
    m_clock.setNow(QDateTime::currentDateTimeUtc().addDays(-options.days));
    ProxyHarness::Options proxy;
    proxy.clock = &m_clock;
    proxy.translatingProviders = true;
    if (!m_team.start(proxy, error))
        return false;
    if (!seed(options, error))
        return false;
    // The store and the port go to the hosted gateway: one process serves a data dir at a time.
    m_team.gateway().stop();
    if (options.seededRecords > 0) {
        const auto location = Gateway::databaseLocation(m_team.gateway().config(), error);
        if (!location)
            return false;
        RecordSeeder::Options seeding;
        seeding.records = options.seededRecords;
        seeding.days = options.seededDays;
        seeding.seed = 7;
        if (!RecordSeeder::seed(*location, m_systemClock, seeding, error))
            return false;
    }
    return open(error);
}

bool UiHarness::seed(const Options &options, QString *error)
{
    if (options.requests <= 0)
        return true;
    const QStringList models = seededModels();
    const QDateTime end = QDateTime::currentDateTimeUtc().addSecs(-60);
    const QDateTime begin = end.addDays(-options.days);
    const qint64 span = begin.secsTo(end);
    for (int i = 0; i < options.requests; ++i) {
        // Uneven steps so that the charts have a shape; deterministic.
        const double t = double(i) / options.requests;
        const qint64 offset = qint64(double(span) * (t + 0.4 * t * (1 - t) * ((i * 7) % 5 - 2) / 5.0));
        m_clock.setNow(begin.addSecs(std::clamp<qint64>(offset, 0, span)));
        // Every eleventh request fails upstream, so that errors have something to show.
        const QString model = i % 11 == 5 ? u"openai/fake-error-500"_s : models.at(i % models.size());
        const int status = m_team.chat(m_team.harness().apiKey(), model).status;
        const int expected = model.contains(u"fake-error-"_s) ? 500 : 200;
        if (status != expected) {
            *error = u"seeding: %1 answered %2, not %3"_s.arg(model).arg(status).arg(expected);
            return false;
        }
        ++m_seeded;
    }
    if (!waitForRecords(m_seeded)) {
        *error = u"seeding: the store did not get %1 records"_s.arg(m_seeded);
        return false;
    }
    return true;
}

bool UiHarness::open(QString *error)
{
    // As `llm-gateway` opens it, on the seeding gateway's settings (data dir, providers, port).
    m_window = std::make_unique<DashboardWindow>(
        m_team.gateway().config(), m_systemClock, m_settingsDir.filePath(u"window.conf"_s));
    if (!m_opened)
        m_window->window().resize(1280, 800); // the designed size; a reopened window restores its own
    m_opened = true;
    m_window->open();
    GatewayHost &host = m_window->host();
    if (!QTest::qWaitFor(
            [&host] {
                return host.state() == GatewayHost::State::Running
                    || host.state() == GatewayHost::State::Failed;
            },
            20000)
        || host.state() != GatewayHost::State::Running) {
        *error = u"the hosted gateway did not start: %1"_s.arg(host.failureReason());
        return false;
    }
    if (!QTest::qWaitForWindowExposed(&m_window->window())) {
        *error = u"the window was not shown"_s;
        return false;
    }
    return true;
}

MainWindow &UiHarness::reopenWindow()
{
    m_window.reset();
    QString error;
    if (!open(&error))
        qWarning("%s", qPrintable(error));
    return m_window->window();
}

ApiClient &UiHarness::api()
{
    return m_window->api();
}

GatewayControl &UiHarness::control()
{
    return m_window->control();
}

QSettings &UiHarness::settings()
{
    return m_window->settings();
}

MainWindow &UiHarness::window()
{
    return m_window->window();
}

DashboardPage *UiHarness::dashboard()
{
    return window().findChild<DashboardPage *>();
}

Page *UiHarness::page(const QString &objectName)
{
    for (Page *page : window().pages()) {
        if (page->objectName() == objectName)
            return page;
    }
    return nullptr;
}

bool UiHarness::chat(const QString &model, int count)
{
    for (int i = 0; i < count; ++i) {
        if (m_team.chat(m_team.harness().apiKey(), model).status != 200)
            return false;
    }
    return true;
}

bool UiHarness::waitForRecords(qsizetype count)
{
    return m_team.harness().waitForRecords(count).size() >= count;
}

qsizetype UiHarness::recordCount()
{
    return m_team.harness().records().size();
}
