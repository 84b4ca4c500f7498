#pragma once

#include "page.h"

#include <QList>
#include <QMainWindow>
#include <memory>

class BusyIndicator;
class GatewayActions;
class GatewayStatusBar;
class QActionGroup;
class QListWidget;
class QMenu;
class QSettings;
class QSplitter;
class QStackedWidget;
class TrayIcon;

// The dashboard window: a sidebar of pages (one Page per entry, in a QStackedWidget), the menus, the
// gateway's status bar and, where the desktop has one, a tray icon. Only the current page of a shown window
// is active (polls and follows live data); the others, and all of them while the window is hidden, are not.
// Geometry, layout and the last page are remembered in QSettings.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)
public:
    // `settings` null: the application's QSettings (organization and application name set by main).
    explicit MainWindow(PageContext context, QWidget *parent = nullptr);
    MainWindow(PageContext context, QSettings *settings, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Adds a page behind the sidebar; the window takes ownership. Ctrl+N selects the N-th page added.
    // The page saved as the last one is selected as soon as it is added.
    void addPage(Page *page);
    QList<Page *> pages() const { return m_pages; }
    Page *currentPage() const;
    void setCurrentPage(Page *page);
    // The page that was last told setActive(true) and not yet setActive(false); null while hidden.
    Page *activePage() const { return m_active; }

    GatewayActions &gatewayActions() const { return *m_actions; }
    GatewayStatusBar *gatewayStatusBar() const { return m_statusBar; }
    TrayIcon *trayIcon() const { return m_tray; } // null without a system tray
    // Closing hides the window into the tray instead of quitting (only where a tray is shown).
    bool closesToTray() const;

    // Writes geometry, layout and the current page now (also done on close and destruction).
    void saveSettings();
    // The current page asked to load again (F5).
    void refreshCurrentPage();
    // Quits the application for real, past close-to-tray.
    void quit();

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void buildMenus();
    void currentRowChanged(int row);
    void updateActivePage();
    void showFromTray();
    static QString keyOf(const Page *page);

    PageContext m_context;
    QSettings *m_settings;
    std::unique_ptr<QSettings> m_ownSettings;
    QString m_savedPage; // restored when a page of that key is added
    QSplitter *m_splitter;
    QListWidget *m_sidebar;
    QStackedWidget *m_stack;
    BusyIndicator *m_busy;
    GatewayActions *m_actions;
    GatewayStatusBar *m_statusBar;
    TrayIcon *m_tray = nullptr;
    QMenu *m_viewMenu = nullptr;
    QAction *m_pageActionsEnd = nullptr; // page actions are inserted before it in the View menu
    QActionGroup *m_pageActions;
    QList<Page *> m_pages;
    Page *m_active = nullptr;
    bool m_quitting = false;
};
