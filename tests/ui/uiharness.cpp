#include "uiharness.h"

#include "dashboard/dashboardpage.h"
#include "shell/mainwindow.h"
#include "testgatewaycontrol.h"
#if __has_include("usage/usagepage.h")
#include "usage/usagepage.h"
#define UIHARNESS_HAS_USAGE_PAGE 1
#endif

#include <QTest>

using namespace Qt::StringLiterals;

UiHarness::UiHarness() = default;

UiHarness::~UiHarness()
{
    m_window.reset(); // pages first: they hold on to the client and the control
    m_control.reset();
    m_api.reset();
}

QStringList UiHarness::seededModels()
{
    // Four models of three providers, most traffic on the small one, as a team's usage tends to look.
    return {u"openai/gpt-4o-mini"_s, u"openai/gpt-4o-mini"_s, u"openai/gpt-4o"_s, u"anthropic/claude-3-5-haiku-20241022"_s,
            u"openai/gpt-4o-mini"_s, u"google/gemini-2.0-flash"_s};
}

bool UiHarness::start(const Options &options, QString *error)
{
    if (!m_dir.isValid()) {
        *error = u"cannot create a temporary dir"_s;
        return false;
    }
    // The gateway stamps records with this clock: seeding steps it through the past days, then leaves it at
    // the real now (records made later in the test are stamped with that moment, which stays in range).
    m_clock.setNow(QDateTime::currentDateTimeUtc().addDays(-options.days));
    ProxyHarness::Options proxy;
    proxy.clock = &m_clock;
    proxy.translatingProviders = true;
    if (!m_team.start(proxy, error))
        return false;
    if (!seed(options, error))
        return false;
    m_clock.setNow(QDateTime::currentDateTimeUtc());

    m_api = std::make_unique<ApiClient>();
    m_api->setBaseUrl(QUrl(m_team.gateway().url()));
    m_api->setToken(m_team.owner.token);
    m_control = std::make_unique<TestGatewayControl>(m_team.gateway(), *m_api);
    m_settings = std::make_unique<QSettings>(m_dir.filePath(u"window.conf"_s), QSettings::IniFormat);
    buildWindow();
    return true;
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
        // Uneven steps (busier afternoons) so that the charts have a shape; deterministic.
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

void UiHarness::buildWindow()
{
    // As app/window/dashboardwindow.cpp assembles it.
    const PageContext context{*m_api, m_control.get()};
    m_window = std::make_unique<MainWindow>(context, m_settings.get());
    m_window->addPage(new DashboardPage(context));
#ifdef UIHARNESS_HAS_USAGE_PAGE
    m_window->addPage(new UsagePage(context));
#endif
}

MainWindow &UiHarness::reopenWindow()
{
    m_window.reset();
    buildWindow();
    return *m_window;
}

GatewayControl &UiHarness::control()
{
    return *m_control;
}

DashboardPage *UiHarness::dashboard() const
{
    return m_window->findChild<DashboardPage *>();
}

Page *UiHarness::page(const QString &objectName) const
{
    for (Page *page : m_window->pages()) {
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
