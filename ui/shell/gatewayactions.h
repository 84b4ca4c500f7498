#pragma once

#include <QObject>
#include <QUrl>

class ApiClient;
class GatewayControl;
class QAction;

// The gateway's commands as actions, shared by the Gateway menu, the status bar and the tray so that all
// three enable, check and word them alike: Start, Stop, Pause accepting, Copy base URL. Without a
// GatewayControl (a remote gateway) only Copy base URL does anything; the others stay disabled.
class GatewayActions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GatewayActions)
public:
    GatewayActions(ApiClient &api, GatewayControl *gateway, QObject *parent);

    QAction *start() const { return m_start; }
    QAction *stop() const { return m_stop; }
    QAction *pause() const { return m_pause; } // checkable: checked while the gateway does not accept
    QAction *copyUrl() const { return m_copyUrl; }

    // What clients put in their OpenAI/Anthropic SDK: the gateway's root with /v1.
    QUrl clientBaseUrl() const;
    // The gateway's root (http://host:port): the control's while it runs, else the API client's.
    QUrl rootUrl() const;

signals:
    // A line for the status bar (e.g. "Copied http://127.0.0.1:4747/v1").
    void message(const QString &text);

private:
    void update();

    ApiClient &m_api;
    GatewayControl *m_gateway;
    QAction *m_start;
    QAction *m_stop;
    QAction *m_pause;
    QAction *m_copyUrl;
};
