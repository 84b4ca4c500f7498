#include "fakeupstreamthread.h"

#include "fakeupstream.h"

FakeUpstreamThread::FakeUpstreamThread()
    : m_upstream(new FakeUpstream())
{
    m_thread.setObjectName(QStringLiteral("fake upstream"));
    m_upstream->moveToThread(&m_thread); // before it listens: its server's socket belongs to the new thread
    m_thread.start();
    QMetaObject::invokeMethod(
        m_upstream, [this] { m_listening = m_upstream->listen(); }, Qt::BlockingQueuedConnection);
}

FakeUpstreamThread::~FakeUpstreamThread()
{
    QMetaObject::invokeMethod(
        m_upstream, [this] { delete m_upstream; }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

QString FakeUpstreamThread::errorString() const
{
    return m_upstream->errorString();
}
