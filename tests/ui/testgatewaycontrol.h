#pragma once

#include "gatewaycontrol.h"

class ApiClient;
class Gateway;

// GatewayControl over the in-process Gateway of the UI tests (ApiTeam's), standing in for the composition
// root's adapter around GatewayHost until that is in this branch. Like the real one it reports every step
// (Stopping → Stopped, Starting → Running) and never completes a step inside the call that asked for it; the
// work itself runs on the GUI thread, which is fine for a test. It also points the API client at the
// gateway's address after each start.
//
// Pausing is recorded but not enforced: the test Gateway has no way to refuse connections.
class TestGatewayControl final : public GatewayControl
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TestGatewayControl)
public:
    TestGatewayControl(Gateway &gateway, ApiClient &api, QObject *parent = nullptr);

    State state() const override { return m_state; }
    QUrl url() const override;
    QString failureReason() const override { return m_failure; }
    bool accepting() const override { return m_accepting; }

    void start() override;
    void stop() override;
    void setAccepting(bool accepting) override;

    // Every state it passed through, oldest first (the tests check the order).
    QList<State> history() const { return m_history; }

private:
    void setState(State state);

    Gateway &m_gateway;
    ApiClient &m_api;
    State m_state = State::Running;
    QString m_failure;
    bool m_accepting = true;
    QList<State> m_history;
};
