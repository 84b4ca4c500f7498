#pragma once

#include "apitypes.h"

#include <QObject>
#include <QTimer>
#include <optional>

class ApiClient;

// Tells a page that new records arrived, so it reloads what it shows: while active it polls
// GET /api/v1/status (every 2 s by default) and emits changed() when the newest record id or the
// per-minute counts moved. Inactive (page hidden): no timer runs and no request is made.
//
// The first answer after construction only sets the baseline. The baseline survives setActive(false),
// so records logged while the page was hidden trigger changed() on the first poll after it shows again.
class LiveFollower final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LiveFollower)

public:
    explicit LiveFollower(ApiClient *client, QObject *parent = nullptr);

    bool isActive() const { return m_active; }
    // Activating polls at once, then every intervalMs(); deactivating stops the timer and drops a poll in
    // flight.
    void setActive(bool active);
    int intervalMs() const { return m_timer.interval(); }
    void setIntervalMs(int intervalMs) { m_timer.setInterval(intervalMs); }
    // The last status received, for the status bar (version, in flight, log writer backlog …).
    const std::optional<StatusInfo> &lastStatus() const { return m_last; }

signals:
    void changed();
    void statusReceived(const StatusInfo &status);
    // A poll failed; polling goes on (the gateway may come back).
    void failed(const ApiError &error);

private:
    void poll();
    void received(const ApiResult<StatusInfo> &result);

    ApiClient *m_client;
    QString m_view;
    QTimer m_timer;
    bool m_active = false;
    std::optional<StatusInfo> m_last;
};
