#pragma once

#include "apitypes.h"

#include <QStatusBar>
#include <QTimer>

class ApiClient;
class GatewayActions;
class GatewayControl;
class QLabel;
class QToolButton;

// The window's status bar: the hosted gateway's state (Starting…, Running at URL, Stopping…, Stopped,
// Failed: reason), a button copying the base URL clients use, requests per minute from /status, and
// Start/Stop. For a remote gateway (no GatewayControl) only the address and requests per minute.
// /status is polled only while the status bar is visible, i.e. while the window is shown.
class GatewayStatusBar final : public QStatusBar
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GatewayStatusBar)
public:
    GatewayStatusBar(ApiClient &api, GatewayControl *gateway, GatewayActions &actions, QWidget *parent);

    static constexpr int kPollMs = 2000;
    // The state in words, e.g. "Running at http://127.0.0.1:4747" or "Failed: port 4747 is in use …".
    static QString describe(const GatewayControl &gateway);
    // Requests in the last 60 s from the per-minute counts (the current minute so far plus the share of the
    // previous minute that still lies within the last 60 s).
    static double requestsPerMinute(const StatusInfo &status, const QDateTime &nowUtc);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void updateState();
    void poll();
    void received(const ApiResult<StatusInfo> &result);

    ApiClient &m_api;
    GatewayControl *m_gateway;
    GatewayActions &m_actions;
    QLabel *m_state;
    QToolButton *m_copy;
    QLabel *m_rate;
    QToolButton *m_startStop;
    const QString m_view; // the API client's view name of the /status polls
    QTimer m_poll;
};
