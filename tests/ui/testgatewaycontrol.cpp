#include "testgatewaycontrol.h"

#include "apiclient.h"
#include "gateway.h"

#include <QTimer>

TestGatewayControl::TestGatewayControl(Gateway &gateway, ApiClient &api, QObject *parent)
    : GatewayControl(parent)
    , m_gateway(gateway)
    , m_api(api)
{
}

QUrl TestGatewayControl::url() const
{
    return m_state == State::Running ? QUrl(m_gateway.url()) : QUrl();
}

void TestGatewayControl::start()
{
    if (m_state != State::Stopped && m_state != State::Failed)
        return;
    setState(State::Starting);
    QTimer::singleShot(0, this, [this] {
        QString error;
        if (!m_gateway.start(&error)) {
            m_failure = error;
            setState(State::Failed);
            return;
        }
        m_api.setBaseUrl(QUrl(m_gateway.url()));
        m_accepting = true;
        setState(State::Running);
    });
}

void TestGatewayControl::stop()
{
    if (m_state != State::Running && m_state != State::Starting)
        return;
    setState(State::Stopping);
    QTimer::singleShot(0, this, [this] {
        m_gateway.stop();
        setState(State::Stopped);
    });
}

void TestGatewayControl::setAccepting(bool accepting)
{
    if (m_accepting == accepting)
        return;
    m_accepting = accepting;
    emit stateChanged();
}

void TestGatewayControl::setState(State state)
{
    m_state = state;
    m_history.append(state);
    emit stateChanged();
}
