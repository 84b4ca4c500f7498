#pragma once

#include "gatewayconfig.h"

#include <QString>
#include <memory>

class ApiClient;
class Clock;
class GatewayHost;
class HostedGatewayControl;
class MainWindow;
class QSettings;

// The window as `llm-gateway` opens it, assembled in one place for main, the UI tests and the window's
// benchmarks: the gateway hosted on its own thread, an API client on the local owner's token, and the main
// window with its pages, reaching the gateway through the management API only.
class DashboardWindow final
{
    Q_DISABLE_COPY_MOVE(DashboardWindow)
public:
    // `settingsFile` empty: the user's own (~/.config/llm-gateway/window.ini).
    DashboardWindow(GatewayConfig config, const Clock &clock, const QString &settingsFile = {});
    ~DashboardWindow(); // stops the gateway, waiting for it, after the window is gone

    GatewayHost &host() { return *m_host; }
    ApiClient &api() { return *m_api; }
    HostedGatewayControl &control() { return *m_control; }
    MainWindow &window() { return *m_window; }
    QSettings &settings() { return *m_settings; }

    // Shows the window and starts the gateway; the pages fill in as it comes up.
    void open();

private:
    std::unique_ptr<GatewayHost> m_host;
    std::unique_ptr<ApiClient> m_api;
    std::unique_ptr<HostedGatewayControl> m_control;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
};
