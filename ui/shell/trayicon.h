#pragma once

#include <QObject>

class ApiClient;
class GatewayActions;
class QAction;
class QMenu;
class QSystemTrayIcon;

// The gateway's presence in the system tray, where one exists (check isSystemTrayAvailable() first: plain
// GNOME shows none): Open, Pause/Resume accepting, Copy base URL, today's spend (asked of /usage each time
// the menu opens, so it is never stale) and Quit.
class TrayIcon final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrayIcon)
public:
    TrayIcon(ApiClient &api, GatewayActions &actions, QObject *parent);
    ~TrayIcon() override;

    static bool isAvailable();
    void show();
    bool isVisible() const;
    // A balloon / notification, e.g. the one-time "still running in the tray" notice.
    void notify(const QString &title, const QString &text);
    QMenu *menu() const { return m_menu; }
    QAction *spendAction() const { return m_spend; }

    // Asks /usage for today's cost (local midnight until now) and puts it in the menu.
    void refreshSpend();

signals:
    void openRequested();
    void quitRequested();

private:
    ApiClient &m_api;
    QMenu *m_menu;
    QSystemTrayIcon *m_tray;
    QAction *m_spend;
};
