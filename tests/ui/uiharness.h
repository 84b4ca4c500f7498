#pragma once

#include "apiclient.h"
#include "apiteam.h"
#include "testclock.h"

#include <QSettings>
#include <QTemporaryDir>
#include <memory>

class DashboardPage;
class DashboardWindow;
class GatewayControl;
class MainWindow;
class Page;

// What the UI suites drive: the window exactly as `llm-gateway` opens it (DashboardWindow: the gateway hosted
// on its own thread by GatewayHost, the API client on the local owner's token, the MainWindow with its
// pages), over a store with records made through the proxy and spread over the last days, with its QSettings
// in a temporary file. The team (ApiTeam: a member of each role with a token, and a gateway API key) is made
// and the records are seeded by an in-process Gateway on the same data dir first, which then hands the store
// and its port over to the hosted one.
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
        // More records written straight into the store by RecordSeeder (a team's realistic traffic: many
        // models and providers, working hours, incidents, latency per model), before the window opens.
        qint64 seededRecords = 0;
        int seededDays = 30;
    };

    UiHarness();
    ~UiHarness();

    // Also opens the window (shown, at 1280×800) and waits until its gateway runs.
    bool start(QString *error) { return start(Options(), error); }
    bool start(const Options &options, QString *error);

    ApiTeam &team() { return m_team; }
    ApiClient &api();
    GatewayControl &control();
    QSettings &settings();
    MainWindow &window();
    DashboardWindow &dashboardWindow() { return *m_window; }
    // The application closed and opened again on the same data dir and settings: the window is built anew and
    // its gateway started again. Waits until it runs.
    MainWindow &reopenWindow();

    DashboardPage *dashboard();
    Page *page(const QString &objectName);

    int seededRequests() const { return m_seeded; }
    // `count` more chat completions now, with the team's gateway API key (the records of a live user).
    bool chat(const QString &model, int count = 1);
    bool waitForRecords(qsizetype count);
    qsizetype recordCount();

    // The models the seeding uses, all priced in the built-in catalog.
    static QStringList seededModels();

private:
    bool seed(const Options &options, QString *error);
    bool open(QString *error);

    TestClock m_clock;
    SystemClock m_systemClock;
    ApiTeam m_team;
    QTemporaryDir m_settingsDir;
    std::unique_ptr<DashboardWindow> m_window;
    int m_seeded = 0;
    bool m_opened = false;
};
