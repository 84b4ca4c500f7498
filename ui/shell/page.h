#pragma once

#include <QIcon>
#include <QKeySequence>
#include <QWidget>

class ApiClient;
class GatewayControl;

// What every page of the window is given: the management API it reads and writes through (the only way to
// the gateway, even in process), and the control of the gateway this window hosts (null for a team's remote
// gateway, which the window does not run).
struct PageContext
{
    ApiClient &api;
    GatewayControl *gateway = nullptr;
};

// One page behind the sidebar. A page loads when it is shown and follows live data only while visible
// (MainWindow calls setActive); it never blocks the GUI thread: everything it shows arrives by the API
// client.
class Page : public QWidget
{
    Q_OBJECT
public:
    using QWidget::QWidget;

    virtual QString title() const = 0;
    virtual QIcon icon() const = 0;
    // Shown in the sidebar's tooltip and the View menu; MainWindow binds Ctrl+1, Ctrl+2, … in sidebar order.
    virtual void setActive(bool active) = 0;
    // F5: ask the API again for everything on the page.
    virtual void refresh() = 0;
    // Ctrl+F: put the keyboard focus in the page's filter, if it has one.
    virtual void focusFilter() { }

signals:
    // A request of the page has been running for a while (MainWindow shows progress), or ended.
    void busyChanged(bool busy);
    // A line for the status bar, e.g. an error a user can act on.
    void message(const QString &text);
};
