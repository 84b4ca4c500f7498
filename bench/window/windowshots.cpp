// The README's screenshots: the real window over a seeded store, each page (and the Usage page's views) in a
// light and a dark palette, written as PNG. scripts/screenshots.sh runs it under Xvfb.
// Usage: window_screenshots --data-dir DIR --empty-data-dir DIR2 --out docs/screenshots
#include "clock.h"
#include "darkpalette.h"
#include "dashboard/dashboardfeed.h"
#include "dashboard/dashboardpage.h"
#include "dashboardwindow.h"
#include "gatewayhost.h"
#include "mainwindow.h"
#include "usage/usagefeed.h"
#include "usage/usagepage.h"
#include "windowdriver.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QEventLoop>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>
#include <QTemporaryDir>
#include <QTimer>
#include <cstdio>

using namespace Qt::StringLiterals;

using namespace WindowDriver;

namespace {

// Lets queued repaints and layout passes run.
void settle()
{
    QEventLoop loop;
    QTimer::singleShot(300, &loop, &QEventLoop::quit);
    loop.exec();
}

bool save(MainWindow &window, const QString &dir, const QString &name)
{
    settle();
    const QString path = QDir(dir).filePath(name + u".png"_s);
    if (!window.grab().save(path)) {
        std::fprintf(stderr, "window_screenshots: cannot write %s\n", qPrintable(path));
        return false;
    }
    std::printf("%s\n", qPrintable(path));
    return true;
}

std::optional<GatewayConfig> configFor(const QString &dataDir)
{
    QString error;
    auto config = GatewayConfig::load(dataDir, QString(), QProcessEnvironment::systemEnvironment(), &error);
    if (!config)
        std::fprintf(stderr, "window_screenshots: %s\n", qPrintable(error));
    else
        config->port = 4747; // the documented default, as a user's window shows it
    return config;
}

bool shoot(const QString &dataDir, const QString &emptyDataDir, const QString &out, const QString &theme)
{
    const Clock &clock = *new SystemClock; // lives as long as the process
    QTemporaryDir settingsDir;
    {
        auto config = configFor(dataDir);
        if (!config)
            return false;
        DashboardWindow dashboard(std::move(*config), clock, settingsDir.filePath(u"window.conf"_s));
        MainWindow &window = dashboard.window();
        window.resize(1280, 800);
        auto *dashboardPage = pageOf<DashboardPage>(window);
        auto *usagePage = pageOf<UsagePage>(window);
        window.setCurrentPage(dashboardPage);
        dashboard.open();
        if (!waitFor(&dashboardPage->feed(), &DashboardFeed::costArrived))
            return false;
        if (!save(window, out, u"dashboard-"_s + theme))
            return false;
        window.setCurrentPage(usagePage);
        waitFor(&usagePage->feed(), &UsageFeed::loaded);
        UsageQuery query = usagePage->feed().query();
        query.setGroupBy(UsageQuery::GroupBy::Model);
        usagePage->feed().setQuery(query);
        waitFor(&usagePage->feed(), &UsageFeed::loaded);
        for (const auto &[metric, name] : { std::pair { UsagePage::Metric::Cost, u"usage-cost-"_s },
                 { UsagePage::Metric::Latency, u"usage-latency-"_s },
                 { UsagePage::Metric::Tokens, u"usage-tokens-"_s } }) {
            usagePage->setCurrentView(metric);
            if (!save(window, out, name + theme))
                return false;
        }
    }
    // A store with no records yet: the Dashboard shows how to start.
    auto config = configFor(emptyDataDir);
    if (!config)
        return false;
    DashboardWindow dashboard(std::move(*config), clock, settingsDir.filePath(u"empty.conf"_s));
    dashboard.window().resize(1280, 800);
    auto *dashboardPage = pageOf<DashboardPage>(dashboard.window());
    dashboard.window().setCurrentPage(dashboardPage);
    dashboard.open();
    waitFor(&dashboardPage->feed(), &DashboardFeed::recordsKnown);
    return save(dashboard.window(), out, u"getting-started-"_s + theme);
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_NO_THREADED_GLIB", "1");
    QApplication app(argc, argv);
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions({
        { u"data-dir"_s, u"A seeded store."_s, u"dir"_s },
        { u"empty-data-dir"_s, u"A store without records."_s, u"dir"_s },
        { u"out"_s, u"Where the PNG files go."_s, u"dir"_s },
    });
    parser.process(app);
    const QString out = parser.value(u"out"_s);
    QDir().mkpath(out);
    const QPalette light = QApplication::style()->standardPalette();
    for (const auto &[palette, theme] : { std::pair { light, u"light"_s }, { darkPalette(), u"dark"_s } }) {
        QApplication::setPalette(palette);
        if (!shoot(parser.value(u"data-dir"_s), parser.value(u"empty-data-dir"_s), out, theme))
            return 1;
    }
    return 0;
}
