#include "dashboardwindow.h"

#include "apiclient.h"
#include "dashboardpage.h"
#include "gatewayhost.h"
#include "hostedgatewaycontrol.h"
#include "mainwindow.h"
#include "usage/usagepage.h"

#include <QSettings>

using namespace Qt::StringLiterals;

DashboardWindow::DashboardWindow(GatewayConfig config, const Clock &clock, const QString &settingsFile)
    : m_host(std::make_unique<GatewayHost>(std::move(config), clock))
    , m_api(std::make_unique<ApiClient>())
    , m_control(std::make_unique<HostedGatewayControl>(*m_host, *m_api))
    // Not QSettings(): setting an organization name would move QStandardPaths' data dir, the gateway's home.
    , m_settings(settingsFile.isEmpty() ? std::make_unique<QSettings>(
                     QSettings::IniFormat, QSettings::UserScope, u"llm-gateway"_s, u"window"_s)
                                        : std::make_unique<QSettings>(settingsFile, QSettings::IniFormat))
{
    const PageContext context { *m_api, m_control.get() };
    m_window = std::make_unique<MainWindow>(context, m_settings.get());
    m_window->addPage(new DashboardPage(context));
    m_window->addPage(new UsagePage(context, m_settings.get()));
}

DashboardWindow::~DashboardWindow()
{
    m_window.reset();
    m_host->stopAndWait();
}

void DashboardWindow::open()
{
    m_window->show();
    m_host->start();
}
