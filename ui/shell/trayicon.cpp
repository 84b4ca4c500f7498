#include "trayicon.h"

#include "apiclient.h"
#include "formatting.h"
#include "gatewayactions.h"
#include "theme/icons.h"

#include <QAction>
#include <QGuiApplication>
#include <QMenu>
#include <QSystemTrayIcon>

TrayIcon::TrayIcon(ApiClient &api, GatewayActions &actions, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_menu(new QMenu)
    , m_tray(new QSystemTrayIcon(this))
    , m_spend(new QAction(tr("Today's spend: …"), this))
{
    m_menu->setObjectName(QStringLiteral("trayMenu"));
    QAction *open = m_menu->addAction(tr("&Open LLM Gateway"));
    connect(open, &QAction::triggered, this, &TrayIcon::openRequested);
    m_menu->addSeparator();
    m_menu->addAction(actions.pause());
    m_menu->addAction(actions.copyUrl());
    m_menu->addSeparator();
    m_spend->setObjectName(QStringLiteral("actionTodaysSpend"));
    m_spend->setEnabled(false); // information, not a command
    m_menu->addAction(m_spend);
    m_menu->addSeparator();
    QAction *quit = m_menu->addAction(tr("&Quit"));
    connect(quit, &QAction::triggered, this, &TrayIcon::quitRequested);
    connect(m_menu, &QMenu::aboutToShow, this, &TrayIcon::refreshSpend);

    QIcon icon = QGuiApplication::windowIcon();
    if (icon.isNull())
        icon = Icons::icon(QStringLiteral("dashboard"));
    m_tray->setIcon(icon);
    m_tray->setToolTip(tr("LLM Gateway"));
    m_tray->setContextMenu(m_menu);
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
            emit openRequested();
    });
}

TrayIcon::~TrayIcon()
{
    delete m_menu; // a QMenu cannot be a child of a QObject that is not a widget
}

bool TrayIcon::isAvailable()
{
    return QSystemTrayIcon::isSystemTrayAvailable();
}

void TrayIcon::show()
{
    m_tray->show();
}

bool TrayIcon::isVisible() const
{
    return m_tray->isVisible();
}

void TrayIcon::notify(const QString &title, const QString &text)
{
    m_tray->showMessage(title, text, QSystemTrayIcon::Information, 8000);
}

void TrayIcon::refreshSpend()
{
    const QDateTime now = QDateTime::currentDateTime();
    const UsageQuery today = UsageQuery::between(now.date().startOfDay(), now);
    m_api.usage(QStringLiteral("tray"), today, this, [this](const ApiResult<UsageData> &result) {
        if (!result) {
            m_spend->setText(tr("Today's spend: unknown (%1)").arg(result.error.message));
            return;
        }
        QString text = tr("Today's spend: %1").arg(Formatting::usd(result->totals.costUsd));
        if (result->totals.unpricedRequests > 0)
            text += tr(" (+%n unpriced)", nullptr, int(result->totals.unpricedRequests));
        m_spend->setText(text);
    });
}
