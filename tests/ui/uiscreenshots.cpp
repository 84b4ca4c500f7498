// Renders the window offscreen with realistic data, in light and dark and at two sizes, into PNGs to look at:
//   QT_QPA_PLATFORM=offscreen ui_screenshots /tmp/shots
// Not a test: cut labels, overlapping text and unreadable colours are for a person to see.
#include "dashboard/dashboardfeed.h"
#include "dashboard/dashboardpage.h"
#include "gatewaycontrol.h"
#include "shell/mainwindow.h"
#include "uiharness.h"

#include <QApplication>
#include <QDir>
#include <QLineEdit>
#include <QPalette>
#include <QPushButton>
#include <QStyle>
#include <QStyleFactory>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31);
    const QColor base(0x1f, 0x21, 0x24);
    const QColor text(0xe6, 0xe6, 0xe6);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9d, 0xa3));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x7e, 0xdb));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xa8, 0xff));
    p.setColor(QPalette::Mid, QColor(0x44, 0x47, 0x4d));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Light, QColor(0x4a, 0x4d, 0x52));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x80, 0x80, 0x80));
    return p;
}

bool settle(MainWindow &window, DashboardPage *dashboard)
{
    const bool ok = QTest::qWaitFor([dashboard] { return dashboard->feed().isComplete(); }, 15000);
    QTest::qWait(300); // let the charts lay out after the last answer
    window.repaint();
    return ok;
}

void shoot(MainWindow &window, const QString &path)
{
    if (!window.grab().save(path))
        qWarning("cannot write %s", qPrintable(path));
    else
        qInfo("wrote %s", qPrintable(path));
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
    const QString dir = argc > 1 ? QString::fromLocal8Bit(argv[1]) : u"/tmp/ui-shots"_s;
    QDir().mkpath(dir);
    const qint64 records = argc > 2 ? QString::fromLocal8Bit(argv[2]).toLongLong() : 50'000;

    UiHarness ui;
    QString error;
    if (!ui.start(UiHarness::Options { 24, 6, records, 30 }, &error)) {
        qCritical("%s", qPrintable(error));
        return 1;
    }
    MainWindow &window = ui.window();
    DashboardPage *dashboard = ui.dashboard();
    window.resize(1280, 800);
    window.show();
    window.setCurrentPage(dashboard);
    settle(window, dashboard);
    shoot(window, dir + u"/dashboard-light-1280.png"_s);

    for (Page *page : window.pages()) {
        if (page == dashboard)
            continue;
        window.setCurrentPage(page);
        QTest::qWait(1500);
        shoot(window, dir + u"/%1-light-1280.png"_s.arg(page->objectName()));
    }
    window.setCurrentPage(dashboard);

    window.resize(1024, 700);
    settle(window, dashboard);
    shoot(window, dir + u"/dashboard-light-1024.png"_s);

    QApplication::setPalette(darkPalette());
    window.resize(1280, 800);
    settle(window, dashboard);
    shoot(window, dir + u"/dashboard-dark-1280.png"_s);
    for (Page *page : window.pages()) {
        if (page == dashboard)
            continue;
        window.setCurrentPage(page);
        QTest::qWait(1500);
        shoot(window, dir + u"/%1-dark-1280.png"_s.arg(page->objectName()));
    }
    window.setCurrentPage(dashboard);
    window.resize(1024, 700);
    settle(window, dashboard);
    shoot(window, dir + u"/dashboard-dark-1024.png"_s);

    // Narrowed by a drag: the Back button and the range.
    window.resize(1280, 800);
    const QDateTime to = QDateTime::currentDateTimeUtc();
    dashboard->feed().narrow(to.addDays(-2), to);
    settle(window, dashboard);
    shoot(window, dir + u"/dashboard-dark-narrowed.png"_s);

    // The gateway stopped from the window: the status bar and the dashboard's notice.
    dashboard->feed().back();
    settle(window, dashboard);
    ui.control().stop();
    if (!QTest::qWaitFor([&ui] { return ui.control().state() == GatewayControl::State::Stopped; }, 15000))
        qWarning("the gateway did not stop");
    QTest::qWait(300);
    shoot(window, dir + u"/dashboard-dark-stopped.png"_s);

    // An empty store: getting started.
    QApplication::setPalette(QApplication::style()->standardPalette());
    UiHarness empty;
    if (!empty.start(UiHarness::Options { 0, 0, 0, 0 }, &error)) {
        qCritical("%s", qPrintable(error));
        return 1;
    }
    empty.window().resize(1280, 800);
    empty.window().show();
    if (!QTest::qWaitFor([&empty] { return empty.dashboard()->isEmptyStateShown(); }, 10000))
        qWarning("the empty state did not show");
    QTest::qWait(300);
    shoot(empty.window(), dir + u"/empty-light-1280.png"_s);
    if (auto *create = empty.dashboard()->findChild<QPushButton *>(u"createKeyButton"_s)) {
        create->click();
        auto *key = empty.dashboard()->findChild<QLineEdit *>(u"createdKeyField"_s);
        if (!QTest::qWaitFor([key] { return key->isVisible(); }, 10000))
            qWarning("no key was created");
        QTest::qWait(200);
        shoot(empty.window(), dir + u"/empty-key-light-1280.png"_s);
    }
    return 0;
}
