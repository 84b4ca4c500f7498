#pragma once

#include "gatewaycontrol.h"
#include "gatewayhost.h"

class ApiClient;

// The window's control of the gateway this process hosts: GatewayHost's states told in the window's terms,
// and the API client pointed at each new run (its URL, and the local owner's token minted for that run)
// before the pages hear that the gateway runs.
class HostedGatewayControl final : public GatewayControl
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HostedGatewayControl)
public:
    HostedGatewayControl(GatewayHost &host, ApiClient &api, QObject *parent = nullptr);

    State state() const override;
    QUrl url() const override;
    QString failureReason() const override;
    bool accepting() const override;

    void start() override;
    void stop() override;
    void setAccepting(bool accepting) override;

private:
    void follow(GatewayHost::State state);

    GatewayHost &m_host;
    ApiClient &m_api;
};
