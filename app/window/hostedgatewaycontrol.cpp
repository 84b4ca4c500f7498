#include "hostedgatewaycontrol.h"

#include "apiclient.h"

HostedGatewayControl::HostedGatewayControl(GatewayHost &host, ApiClient &api, QObject *parent)
    : GatewayControl(parent)
    , m_host(host)
    , m_api(api)
{
    connect(&m_host, &GatewayHost::stateChanged, this, &HostedGatewayControl::follow);
    connect(&m_host, &GatewayHost::acceptingChanged, this, &GatewayControl::stateChanged);
    follow(m_host.state());
}

void HostedGatewayControl::follow(GatewayHost::State state)
{
    if (state == GatewayHost::State::Running) {
        m_api.setBaseUrl(QUrl(m_host.url()));
        m_api.setToken(m_host.localOwnerToken());
    }
    emit stateChanged();
}

GatewayControl::State HostedGatewayControl::state() const
{
    switch (m_host.state()) {
    case GatewayHost::State::Stopped:
        return State::Stopped;
    case GatewayHost::State::Starting:
        return State::Starting;
    case GatewayHost::State::Running:
        return State::Running;
    case GatewayHost::State::Stopping:
        return State::Stopping;
    case GatewayHost::State::Failed:
        return State::Failed;
    }
    return State::Failed;
}

QUrl HostedGatewayControl::url() const
{
    return QUrl(m_host.url());
}

QString HostedGatewayControl::failureReason() const
{
    return m_host.failureReason();
}

bool HostedGatewayControl::accepting() const
{
    return m_host.isAccepting();
}

void HostedGatewayControl::start()
{
    m_host.start();
}

void HostedGatewayControl::stop()
{
    m_host.stop();
}

void HostedGatewayControl::setAccepting(bool accepting)
{
    m_host.setAccepting(accepting);
}
