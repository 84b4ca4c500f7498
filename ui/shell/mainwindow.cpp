#include "mainwindow.h"

#include "busyindicator.h"
#include "gatewayactions.h"
#include "gatewaystatusbar.h"
#include "trayicon.h"
#include "windowlog.h"
#include "windowstate.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>

namespace {
const QString kTrayNoticeShown = QStringLiteral("tray/closeNoticeShown");
constexpr int kMaxPageShortcuts = 9;
} // namespace

MainWindow::MainWindow(PageContext context, QWidget *parent)
    : MainWindow(context, nullptr, parent)
{ }

MainWindow::MainWindow(PageContext context, QSettings *settings, QWidget *parent)
    : QMainWindow(parent)
    , m_context(context)
    , m_settings(settings)
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_sidebar(new QListWidget(m_splitter))
    , m_stack(new QStackedWidget(m_splitter))
    , m_busy(new BusyIndicator(this))
    , m_actions(new GatewayActions(context.api, context.gateway, this))
    , m_statusBar(new GatewayStatusBar(context.api, context.gateway, *m_actions, this))
    , m_pageActions(new QActionGroup(this))
{
    if (!m_settings) {
        m_ownSettings = std::make_unique<QSettings>();
        m_settings = m_ownSettings.get();
    }
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("LLM Gateway"));

    m_sidebar->setObjectName(QStringLiteral("sidebar"));
    m_sidebar->setAccessibleName(tr("Pages"));
    m_sidebar->setSelectionMode(QAbstractItemView::SingleSelection);
    m_sidebar->setIconSize(QSize(20, 20));
    m_sidebar->setSpacing(2);
    m_sidebar->setFrameShape(QFrame::NoFrame);
    m_sidebar->setMinimumWidth(120);
    m_sidebar->setMaximumWidth(260);
    m_sidebar->setTextElideMode(Qt::ElideNone);
    m_sidebar->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_stack->setObjectName(QStringLiteral("pages"));
    m_splitter->setObjectName(QStringLiteral("splitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({ 150, 1130 });
    setCentralWidget(m_splitter);

    // Screen readers select an item (its only action) instead of moving the current row, so the page follows
    // the selection; keyboard and mouse move both.
    connect(m_sidebar, &QListWidget::currentRowChanged, this, &MainWindow::currentRowChanged);
    connect(m_sidebar, &QListWidget::itemSelectionChanged, this, [this] {
        const QList<QListWidgetItem *> selected = m_sidebar->selectedItems();
        if (!selected.isEmpty() && selected.first() != m_sidebar->currentItem())
            m_sidebar->setCurrentItem(selected.first());
    });

    setStatusBar(m_statusBar);
    m_statusBar->insertPermanentWidget(0, m_busy);
    connect(m_actions, &GatewayActions::message, this,
        [this](const QString &text) { m_statusBar->showMessage(text, 5000); });
    buildMenus();

    if (TrayIcon::isAvailable()) {
        m_tray = new TrayIcon(context.api, *m_actions, this);
        connect(m_tray, &TrayIcon::openRequested, this, &MainWindow::showFromTray);
        connect(m_tray, &TrayIcon::quitRequested, this, &MainWindow::quit);
        m_tray->show();
    }

    const WindowState saved = WindowState::load(*m_settings);
    m_savedPage = saved.page;
    if (saved.geometry.isEmpty() || !restoreGeometry(saved.geometry)) {
        // The first run: the size the layout is designed for, or what the screen has room for.
        QSize size(1280, 800);
        if (const QScreen *screen = QGuiApplication::primaryScreen())
            size = size.boundedTo(screen->availableSize());
        resize(size);
    }
    if (!saved.state.isEmpty())
        restoreState(saved.state, WindowState::kLayoutVersion);
    if (!saved.splitter.isEmpty())
        m_splitter->restoreState(saved.splitter);
}

MainWindow::~MainWindow()
{
    saveSettings();
    // Pages are destroyed with the stack; none may stay active (and poll) while that happens.
    if (m_active)
        m_active->setActive(false);
    m_active = nullptr;
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *quitAction = file->addAction(tr("&Quit"), this, &MainWindow::quit);
    quitAction->setObjectName(QStringLiteral("actionQuit"));
    quitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quitAction->setShortcutContext(Qt::ApplicationShortcut);

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_pageActions->setExclusive(true);
    m_pageActionsEnd = m_viewMenu->addSeparator();
    QAction *refresh = m_viewMenu->addAction(tr("&Refresh"), this, &MainWindow::refreshCurrentPage);
    refresh->setObjectName(QStringLiteral("actionRefresh"));
    refresh->setShortcut(QKeySequence(Qt::Key_F5));
    QAction *filter = m_viewMenu->addAction(tr("&Filter"), this, [this] {
        if (Page *page = currentPage())
            page->focusFilter();
    });
    filter->setObjectName(QStringLiteral("actionFocusFilter"));
    filter->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_F));

    QMenu *gateway = menuBar()->addMenu(tr("&Gateway"));
    gateway->addAction(m_actions->start());
    gateway->addAction(m_actions->stop());
    gateway->addAction(m_actions->pause());
    gateway->addSeparator();
    gateway->addAction(m_actions->copyUrl());

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About LLM Gateway"), this, [this] {
        QMessageBox::about(this, tr("About LLM Gateway"),
            tr("<p><b>LLM Gateway</b> %1</p>"
               "<p>A local gateway for OpenAI-, Anthropic- and Gemini-compatible clients that "
               "records every request: what it cost, how long it took, and what failed.</p>"
               "<p>Charts by Qt Charts (GPL-3.0).</p>")
                .arg(QStringLiteral(APP_VERSION)));
    });
    about->setObjectName(QStringLiteral("actionAbout"));
}

void MainWindow::addPage(Page *page)
{
    Q_ASSERT(page);
    const int index = int(m_pages.size());
    m_pages.append(page);
    page->setParent(m_stack);
    m_stack->addWidget(page);

    auto *item = new QListWidgetItem(page->icon(), page->title());
    QString tip = page->title();
    if (index < kMaxPageShortcuts)
        tip = tr("%1 (Ctrl+%2)").arg(page->title()).arg(index + 1);
    item->setToolTip(tip);
    item->setSizeHint(QSize(0, 34));
    m_sidebar->addItem(item);

    auto *action = new QAction(page->icon(), page->title(), m_pageActions);
    action->setObjectName(QStringLiteral("actionPage%1").arg(index + 1));
    action->setCheckable(true);
    if (index < kMaxPageShortcuts)
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + index)));
    m_viewMenu->insertAction(m_pageActionsEnd, action);
    connect(action, &QAction::triggered, this, [this, page] { setCurrentPage(page); });

    connect(page, &Page::busyChanged, m_busy, [this, page](bool busy) { m_busy->setBusy(page, busy); });
    connect(page, &Page::message, m_statusBar,
        [this](const QString &text) { m_statusBar->showMessage(text, 10000); });

    if (index == 0 || keyOf(page) == m_savedPage)
        m_sidebar->setCurrentRow(index);
}

Page *MainWindow::currentPage() const
{
    return qobject_cast<Page *>(m_stack->currentWidget());
}

void MainWindow::setCurrentPage(Page *page)
{
    const int row = int(m_pages.indexOf(page));
    if (row >= 0)
        m_sidebar->setCurrentRow(row);
}

void MainWindow::currentRowChanged(int row)
{
    if (row < 0 || row >= m_pages.size())
        return;
    Page *page = m_pages.at(row);
    m_stack->setCurrentWidget(page);
    if (QListWidgetItem *item = m_sidebar->item(row); item && !item->isSelected())
        item->setSelected(true);
    if (QAction *action = m_pageActions->actions().value(row))
        action->setChecked(true);
    setWindowTitle(tr("%1 — LLM Gateway").arg(page->title()));
    WindowState::savePage(*m_settings, keyOf(page));
    updateActivePage();
}

void MainWindow::updateActivePage()
{
    Page *wanted = (isVisible() && !isMinimized()) ? currentPage() : nullptr;
    if (wanted == m_active)
        return;
    if (m_active)
        m_active->setActive(false);
    m_active = wanted;
    if (m_active)
        m_active->setActive(true);
    qCDebug(lcWindow) << "active page:" << (m_active ? m_active->title() : QStringLiteral("none"));
}

void MainWindow::refreshCurrentPage()
{
    if (Page *page = currentPage())
        page->refresh();
}

bool MainWindow::closesToTray() const
{
    return m_tray && m_tray->isVisible();
}

void MainWindow::saveSettings()
{
    WindowState state;
    state.geometry = saveGeometry();
    state.state = saveState(WindowState::kLayoutVersion);
    state.splitter = m_splitter->saveState();
    if (const Page *page = currentPage())
        state.page = keyOf(page);
    state.save(*m_settings);
}

void MainWindow::quit()
{
    m_quitting = true;
    saveSettings();
    close();
    QCoreApplication::quit();
}

void MainWindow::showFromTray()
{
    showNormal();
    raise();
    activateWindow();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    if (m_quitting || !closesToTray()) {
        QMainWindow::closeEvent(event);
        return;
    }
    event->ignore();
    hide();
    if (!m_settings->value(kTrayNoticeShown).toBool()) {
        m_settings->setValue(kTrayNoticeShown, true);
        m_tray->notify(tr("LLM Gateway is still running"),
            tr("The gateway keeps serving requests. Open the window again from the tray icon; "
               "choose Quit there to stop it."));
    }
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    updateActivePage();
}

void MainWindow::hideEvent(QHideEvent *event)
{
    QMainWindow::hideEvent(event);
    updateActivePage();
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::WindowStateChange)
        updateActivePage();
}

QString MainWindow::keyOf(const Page *page)
{
    return page->objectName().isEmpty() ? page->title() : page->objectName();
}
