#include "hostedgatewaycontrol.h"

#include "apiclient.h"
#include "gateway.h"
#include "servercertificate.h"

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
    // Over HTTPS the window trusts exactly the certificate its gateway serves now (a reload changes it),
    // whoever issued it and whatever host it names; only while the gateway runs, since the certificate goes
    // with it.
    const ServerCertificate *certificate = state == GatewayHost::State::Running && m_host.gateway()
        ? m_host.gateway()->serverCertificate()
        : nullptr;
    if (certificate)
        m_api.setCertificateTrust(
            [certificate](const QSslCertificate &peer) { return peer == certificate->certificate(); });
    else
        m_api.setCertificateTrust(nullptr);
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
