#pragma once

#include "apiclient.h"
#include "apiteam.h"
#include "testclock.h"

#include <QSettings>
#include <QTemporaryDir>

#include <memory>

class DashboardPage;
class GatewayControl;
class MainWindow;
class Page;
class TestGatewayControl;

// What the UI suites drive: a real Gateway in process (ApiTeam) with records made through its proxy and
// spread over the last days, an ApiClient on the owner's token, a GatewayControl, and the MainWindow built as
// the composition root builds it (Dashboard and Usage pages), with its QSettings in a temporary file.
class UiHarness final
{
    Q_DISABLE_COPY_MOVE(UiHarness)
public:
    struct Options
    {
        // Chat completions made through the proxy before the window opens, spread over `days` days up to now
        // (several models and providers, a few upstream errors). 0: an empty store.
        int requests = 72;
        int days = 6;
    };

    UiHarness();
    ~UiHarness();

    bool start(QString *error) { return start(Options(), error); }
    bool start(const Options &options, QString *error);

    ApiTeam &team() { return m_team; }
    ApiClient &api() { return *m_api; }
    GatewayControl &control();
    TestGatewayControl &testControl() { return *m_control; }
    QSettings &settings() { return *m_settings; }
    MainWindow &window() { return *m_window; }
    // A new window over the same gateway and settings, built the same way (the old one is destroyed first,
    // as when the application is restarted).
    MainWindow &reopenWindow();

    DashboardPage *dashboard() const;
    Page *page(const QString &objectName) const;

    // What the seeding made: the requests the proxy answered, and the store's record count.
    int seededRequests() const { return m_seeded; }
    // `count` more chat completions now (the records of a live user).
    bool chat(const QString &model, int count = 1);
    // Waits until the store holds `count` records.
    bool waitForRecords(qsizetype count);
    qsizetype recordCount();

    // The models the seeding uses, all priced in the built-in catalog.
    static QStringList seededModels();

private:
    bool seed(const Options &options, QString *error);
    void buildWindow();

    QTemporaryDir m_dir;
    TestClock m_clock;
    ApiTeam m_team;
    std::unique_ptr<ApiClient> m_api;
    std::unique_ptr<TestGatewayControl> m_control;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
    int m_seeded = 0;
};
