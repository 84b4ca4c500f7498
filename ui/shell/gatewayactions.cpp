#include "gatewayactions.h"

#include "apiclient.h"
#include "baseurl.h"
#include "gatewaycontrol.h"
#include "page.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>

GatewayActions::GatewayActions(ApiClient &api, GatewayControl *gateway, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_gateway(gateway)
    , m_start(new QAction(tr("&Start"), this))
    , m_stop(new QAction(tr("S&top"), this))
    , m_pause(new QAction(tr("&Pause accepting requests"), this))
    , m_copyUrl(new QAction(tr("&Copy base URL"), this))
{
    m_start->setObjectName(QStringLiteral("actionGatewayStart"));
    m_start->setToolTip(tr("Start the gateway this window hosts"));
    m_stop->setObjectName(QStringLiteral("actionGatewayStop"));
    m_stop->setToolTip(tr("Stop the gateway: requests in flight finish, every record is written"));
    m_pause->setObjectName(QStringLiteral("actionGatewayPause"));
    m_pause->setCheckable(true);
    m_pause->setToolTip(tr("Refuse new requests for a while; requests in flight still finish"));
    m_copyUrl->setObjectName(QStringLiteral("actionCopyBaseUrl"));
    m_copyUrl->setToolTip(tr("Copy the URL that OpenAI and Anthropic clients use as their base URL"));

    connect(m_copyUrl, &QAction::triggered, this, [this] {
        const QString url = clientBaseUrl().toString();
        QGuiApplication::clipboard()->setText(url);
        emit message(tr("Copied %1").arg(url));
    });
    if (m_gateway) {
        connect(m_start, &QAction::triggered, m_gateway, &GatewayControl::start);
        connect(m_stop, &QAction::triggered, m_gateway, &GatewayControl::stop);
        connect(m_pause, &QAction::triggered, m_gateway,
            [this](bool paused) { m_gateway->setAccepting(!paused); });
        connect(m_gateway, &GatewayControl::stateChanged, this, &GatewayActions::update);
    }
    update();
}

QUrl GatewayActions::rootUrl() const
{
    return BaseUrl::root(PageContext { m_api, m_gateway });
}

QUrl GatewayActions::clientBaseUrl() const
{
    return BaseUrl::forClients(rootUrl());
}

void GatewayActions::update()
{
    using State = GatewayControl::State;
    const State state = m_gateway ? m_gateway->state() : State::Running;
    m_start->setEnabled(m_gateway && (state == State::Stopped || state == State::Failed));
    m_stop->setEnabled(m_gateway && state == State::Running);
    m_pause->setEnabled(m_gateway && state == State::Running);
    const bool paused = m_gateway && !m_gateway->accepting();
    m_pause->setChecked(paused);
    m_pause->setText(paused ? tr("&Resume accepting requests") : tr("&Pause accepting requests"));
    m_copyUrl->setEnabled(true); // the address is known even while stopped: clients can be set up first
}
