#include "gatewayhost.h"

#include "gateway.h"

#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcHost, "gateway.host")

GatewayHost::GatewayHost(GatewayConfig config, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_clock(clock)
{
    m_thread.setObjectName(u"gateway"_s);
    m_threadContext = new QObject;
    m_threadContext->moveToThread(&m_thread);
    m_thread.start();
}

GatewayHost::~GatewayHost()
{
    stopAndWait();
    m_thread.quit();
    m_thread.wait();
    delete m_threadContext; // its thread has ended: nothing runs on it any more
}

void GatewayHost::start()
{
    if (m_state != State::Stopped && m_state != State::Failed)
        return;
    m_failure.clear();
    setState(State::Starting);
    QMetaObject::invokeMethod(m_threadContext, [this, config = m_config] {
        auto gateway = std::make_unique<Gateway>(config, m_clock);
        QString error;
        bool started = gateway->start(&error);
        QByteArray token;
        if (started) {
            token = gateway->localOwnerToken(&error);
            started = !token.isEmpty();
        }
        QString url;
        if (started) {
            url = gateway->url();
            m_gateway.storeRelease(gateway.release());
        } else {
            gateway->stop();
        }
        QMetaObject::invokeMethod(this, [this, started, url, token, error] {
            if (m_state != State::Starting)
                return; // stop() came first: its own answer follows
            if (!started) {
                m_failure = error;
                qCWarning(lcHost).noquote() << "the gateway did not start:" << error;
                setState(State::Failed);
                return;
            }
            m_url = url;
            m_token = token;
            m_accepting = true;
            setState(State::Running);
        });
    });
}

void GatewayHost::stop()
{
    if (m_state != State::Starting && m_state != State::Running)
        return;
    setState(State::Stopping);
    // Queued behind a start still running on the host thread, so it stops what that start made.
    QMetaObject::invokeMethod(m_threadContext, [this] {
        stopOnHostThread();
        QMetaObject::invokeMethod(this, [this] {
            if (m_state == State::Stopping)
                setState(State::Stopped);
        });
    });
}

void GatewayHost::stopAndWait()
{
    if (m_state == State::Stopped || m_state == State::Failed)
        return;
    setState(State::Stopping);
    QMetaObject::invokeMethod(
        m_threadContext, [this] { stopOnHostThread(); }, Qt::BlockingQueuedConnection);
    setState(State::Stopped);
}

void GatewayHost::stopOnHostThread()
{
    Gateway *gateway = m_gateway.fetchAndStoreAcquire(nullptr);
    if (!gateway)
        return;
    gateway->stop();
    delete gateway;
}

void GatewayHost::setAccepting(bool accepting)
{
    if (m_state != State::Running || accepting == m_accepting)
        return;
    QMetaObject::invokeMethod(m_threadContext, [this, accepting] {
        if (Gateway *gateway = m_gateway.loadAcquire())
            gateway->setAccepting(accepting);
        QMetaObject::invokeMethod(this, [this, accepting] {
            if (m_state != State::Running || m_accepting == accepting)
                return;
            m_accepting = accepting;
            emit acceptingChanged(accepting);
        });
    });
}

void GatewayHost::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    if (state != State::Running) {
        m_url.clear();
        m_token.clear();
        m_accepting = false;
    }
    qCDebug(lcHost) << "state" << state;
    emit stateChanged(state);
}
