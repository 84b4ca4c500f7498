// The README's screenshots: the real window over a seeded store, each page (and the Usage page's views) in a
// light and a dark palette, written as PNG. scripts/screenshots.sh runs it under Xvfb.
// Usage: window_screenshots --data-dir DIR --empty-data-dir DIR2 --out docs/screenshots
#include "clock.h"
#include "dashboard/dashboardfeed.h"
#include "dashboard/dashboardpage.h"
#include "dashboardwindow.h"
#include "gatewayhost.h"
#include "mainwindow.h"
#include "usage/usagefeed.h"
#include "usage/usagepage.h"

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

namespace {

template <class Sender, class Signal> bool waitFor(Sender *sender, Signal signal, int timeoutMs = 60'000)
{
    QEventLoop loop;
    bool fired = false;
    QObject::connect(sender, signal, &loop, [&] {
        fired = true;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    return fired;
}

// Lets queued repaints and layout passes run.
void settle()
{
    QEventLoop loop;
    QTimer::singleShot(300, &loop, &QEventLoop::quit);
    loop.exec();
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x1f, 0x22, 0x27), base(0x17, 0x19, 0x1d), text(0xe6, 0xe8, 0xeb);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x2a, 0x2e, 0x34));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8b, 0x92, 0x9a));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x7e, 0xd9));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xa8, 0xff));
    p.setColor(QPalette::Mid, QColor(0x3a, 0x3f, 0x46));
    p.setColor(QPalette::Dark, QColor(0x12, 0x14, 0x17));
    p.setColor(QPalette::Light, QColor(0x44, 0x4a, 0x52));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6b, 0x72, 0x7a));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6b, 0x72, 0x7a));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6b, 0x72, 0x7a));
    return p;
}

template <class T> T *pageOf(MainWindow &window)
{
    for (Page *page : window.pages()) {
        if (auto *typed = qobject_cast<T *>(page))
            return typed;
    }
    return nullptr;
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
        config->port = 0;
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
        for (const auto &[metric, name] : {std::pair{UsagePage::Metric::Cost, u"usage-cost-"_s},
                                           {UsagePage::Metric::Latency, u"usage-latency-"_s},
                                           {UsagePage::Metric::Tokens, u"usage-tokens-"_s}}) {
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
        {u"data-dir"_s, u"A seeded store."_s, u"dir"_s},
        {u"empty-data-dir"_s, u"A store without records."_s, u"dir"_s},
        {u"out"_s, u"Where the PNG files go."_s, u"dir"_s},
    });
    parser.process(app);
    const QString out = parser.value(u"out"_s);
    QDir().mkpath(out);
    const QPalette light = QApplication::style()->standardPalette();
    for (const auto &[palette, theme] : {std::pair{light, u"light"_s}, {darkPalette(), u"dark"_s}}) {
        QApplication::setPalette(palette);
        if (!shoot(parser.value(u"data-dir"_s), parser.value(u"empty-data-dir"_s), out, theme))
            return 1;
    }
    return 0;
}
