#pragma once

#include "gatewayconfig.h"

#include <QAtomicPointer>
#include <QObject>
#include <QThread>

class Clock;
class Gateway;

// Runs a Gateway on a thread of its own, for the window and for `serve`: starts it without waiting, reports
// its state by signals, and can stop it, pause its accepting, and start it again in one process. Its methods
// are called on the thread that made it (the GUI thread), and none of them waits for the gateway but
// stopAndWait(): opening the store, reading the keychain and the catch-up jobs never hold up the caller.
//
// States: Stopped → Starting → Running (url()) → Stopping → Stopped; Starting → Failed (failureReason(), a
// sentence a user can act on, such as "port 4747 is taken by another program") → Starting on the next
// start().
class GatewayHost final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GatewayHost)
public:
    enum class State { Stopped, Starting, Running, Stopping, Failed };
    Q_ENUM(State)

    GatewayHost(GatewayConfig config, const Clock &clock, QObject *parent = nullptr);
    ~GatewayHost() override; // stops the gateway (waiting for it) and ends the thread

    State state() const { return m_state; }
    QString url() const { return m_url; } // http://host:port while Running
    QString failureReason() const { return m_failure; } // after Failed
    bool isAccepting() const { return m_accepting; }
    // A management API token of the local owner, minted at each start and held only in memory: the local
    // window's API client uses it, so the window needs no sign-in. Empty unless Running.
    QByteArray localOwnerToken() const { return m_token; }
    // The running gateway, from Running until stop(). On other threads than the host's, use only its
    // thread-safe parts (the stores, the log writer, the provider snapshot).
    Gateway *gateway() const { return m_gateway.loadAcquire(); }
    // The settings the next start() uses (a changed port, say).
    void setConfig(GatewayConfig config) { m_config = std::move(config); }

    // From Stopped or Failed; otherwise nothing happens.
    void start();
    // From Starting or Running; the gateway lets in-flight requests finish (up to its grace) and writes every
    // record first.
    void stop();
    // Pauses (false) or resumes accepting new connections while Running; open connections are served on.
    void setAccepting(bool accepting);
    // stop(), waiting for the gateway to be stopped (quitting, SIGTERM).
    void stopAndWait();

signals:
    void stateChanged(GatewayHost::State state);
    void acceptingChanged(bool accepting);

private:
    void setState(State state);
    // On the host thread: stops and deletes the gateway, if there is one.
    void stopOnHostThread();

    GatewayConfig m_config;
    const Clock &m_clock;
    QThread m_thread;
    QObject *m_threadContext = nullptr; // lives on m_thread: what runs there is invoked on it
    QAtomicPointer<Gateway> m_gateway; // owned by the host thread
    State m_state = State::Stopped;
    QString m_url;
    QString m_failure;
    QByteArray m_token;
    bool m_accepting = false;
};
