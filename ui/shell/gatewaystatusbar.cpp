#include "gatewaystatusbar.h"

#include "apiclient.h"
#include "formatting.h"
#include "gatewayactions.h"
#include "gatewaycontrol.h"
#include "theme/icons.h"
#include "windowlog.h"

#include <QAction>
#include <QLabel>
#include <QToolButton>
#include <algorithm>
#include <cmath>

GatewayStatusBar::GatewayStatusBar(
    ApiClient &api, GatewayControl *gateway, GatewayActions &actions, QWidget *parent)
    : QStatusBar(parent)
    , m_api(api)
    , m_gateway(gateway)
    , m_actions(actions)
    , m_state(new QLabel(this))
    , m_copy(new QToolButton(this))
    , m_rate(new QLabel(this))
    , m_startStop(new QToolButton(this))
    // One window per API client, so one name; a second window on the same client (tests) only replaces a poll
    // that the next tick repeats.
    , m_view(QStringLiteral("statusbar"))
{
    setObjectName(QStringLiteral("statusBar"));
    m_state->setObjectName(QStringLiteral("gatewayState"));
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_copy->setObjectName(QStringLiteral("copyBaseUrlButton"));
    m_copy->setIcon(Icons::icon(QStringLiteral("copy")));
    m_copy->setAutoRaise(true);
    connect(m_copy, &QToolButton::clicked, actions.copyUrl(), &QAction::trigger);
    m_rate->setObjectName(QStringLiteral("requestsPerMinute"));
    m_rate->setText(tr("– requests/min"));
    m_rate->setAccessibleName(tr("Requests per minute: not known yet"));
    m_startStop->setObjectName(QStringLiteral("startStopButton"));
    m_startStop->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_startStop->setAutoRaise(true);
    connect(m_startStop, &QToolButton::clicked, this, [this] {
        if (m_actions.stop()->isEnabled())
            m_actions.stop()->trigger();
        else if (m_actions.start()->isEnabled())
            m_actions.start()->trigger();
    });

    // Permanent widgets: a temporary message (Page::message) must never hide the gateway's state.
    addPermanentWidget(m_state);
    addPermanentWidget(m_copy);
    addPermanentWidget(m_rate);
    addPermanentWidget(m_startStop);
    m_startStop->setVisible(m_gateway != nullptr);

    m_poll.setInterval(kPollMs);
    connect(&m_poll, &QTimer::timeout, this, &GatewayStatusBar::poll);
    if (m_gateway)
        connect(m_gateway, &GatewayControl::stateChanged, this, &GatewayStatusBar::updateState);
    updateState();
}

QString GatewayStatusBar::describe(const GatewayControl &gateway)
{
    using State = GatewayControl::State;
    switch (gateway.state()) {
    case State::Starting:
        return tr("Starting…");
    case State::Running:
        return gateway.accepting()
            ? tr("Running at %1").arg(gateway.url().toString())
            : tr("Paused at %1: new requests are refused").arg(gateway.url().toString());
    case State::Stopping:
        return tr("Stopping…");
    case State::Stopped:
        return tr("Stopped");
    case State::Failed:
        return gateway.failureReason().isEmpty() ? tr("Failed")
                                                 : tr("Failed: %1").arg(gateway.failureReason());
    }
    return {};
}

double GatewayStatusBar::requestsPerMinute(const StatusInfo &status, const QDateTime &nowUtc)
{
    const QList<StatusInfo::Minute> &minutes = status.requestsPerMinute;
    if (minutes.isEmpty())
        return 0;
    const StatusInfo::Minute &current = minutes.last();
    const qint64 into = std::clamp<qint64>(current.start.secsTo(nowUtc), 0, 60);
    double rate = double(current.requests);
    if (minutes.size() >= 2 && minutes.at(minutes.size() - 2).start.secsTo(current.start) == 60)
        rate += double(minutes.at(minutes.size() - 2).requests) * double(60 - into) / 60.0;
    return rate;
}

void GatewayStatusBar::updateState()
{
    using State = GatewayControl::State;
    const QString copyName = tr("Copy base URL %1").arg(m_actions.clientBaseUrl().toString());
    m_copy->setAccessibleName(copyName);
    m_copy->setToolTip(copyName);
    if (!m_gateway) {
        m_state->setText(tr("Gateway at %1").arg(m_actions.rootUrl().toString()));
        m_state->setAccessibleName(m_state->text());
        return;
    }
    const State state = m_gateway->state();
    m_state->setText(describe(*m_gateway));
    m_state->setAccessibleName(tr("Gateway: %1").arg(m_state->text()));
    m_state->setToolTip(state == State::Failed ? m_gateway->failureReason() : QString());

    const bool stopping = state == State::Running || state == State::Stopping;
    m_startStop->setText(stopping ? tr("Stop") : tr("Start"));
    m_startStop->setIcon(Icons::icon(stopping ? QStringLiteral("stop") : QStringLiteral("play")));
    m_startStop->setAccessibleName(stopping ? tr("Stop the gateway") : tr("Start the gateway"));
    m_startStop->setToolTip(stopping ? m_actions.stop()->toolTip() : m_actions.start()->toolTip());
    m_startStop->setEnabled(state == State::Running || state == State::Stopped || state == State::Failed);
    m_copy->setEnabled(true);

    if (state == State::Running) {
        if (isVisible())
            poll(); // at once: the rate from before the stop is stale
    } else {
        m_api.cancel(m_view);
        m_rate->setText(tr("– requests/min"));
        m_rate->setAccessibleName(tr("Requests per minute: the gateway is not running"));
    }
}

void GatewayStatusBar::showEvent(QShowEvent *event)
{
    QStatusBar::showEvent(event);
    m_poll.start();
    poll();
}

void GatewayStatusBar::hideEvent(QHideEvent *event)
{
    QStatusBar::hideEvent(event);
    m_poll.stop();
    m_api.cancel(m_view);
}

void GatewayStatusBar::poll()
{
    if (m_gateway && m_gateway->state() != GatewayControl::State::Running)
        return; // nothing answers; the state label says why
    m_api.status(m_view, this, [this](const ApiResult<StatusInfo> &result) { received(result); });
}

void GatewayStatusBar::received(const ApiResult<StatusInfo> &result)
{
    if (!result) {
        qCDebug(lcWindow) << "status poll failed:" << result.error.message;
        m_rate->setText(tr("– requests/min"));
        m_rate->setAccessibleName(tr("Requests per minute: not known (%1)").arg(result.error.message));
        m_rate->setToolTip(result.error.message);
        if (!m_gateway) {
            m_state->setText(tr("Cannot reach %1").arg(m_actions.rootUrl().toString()));
            m_state->setAccessibleName(m_state->text());
        }
        return;
    }
    const double rate = std::round(requestsPerMinute(*result, QDateTime::currentDateTimeUtc()));
    m_rate->setText(tr("%1 requests/min").arg(Formatting::count(rate)));
    m_rate->setAccessibleName(tr("Requests per minute: %1").arg(Formatting::count(rate)));
    m_rate->setToolTip(tr("Requests in flight: %1").arg(result->inFlight));
    if (!m_gateway) {
        m_state->setText(tr("Gateway at %1").arg(m_actions.rootUrl().toString()));
        m_state->setAccessibleName(m_state->text());
    }
}
