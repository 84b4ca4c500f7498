#pragma once

#include <QObject>
#include <atomic>

// Where the fake upstream holds the events of a gated stream ("fake-stream-gated"): each event after the
// first waits here until the test releases it. A test waits until its client has read event N, then releases
// N+1, and so proves that the gateway relayed N without buffering, with no clock involved.
//
// release() and heldCount() may be called from any thread; the gate lives in the fake upstream's thread, and
// the held streams go on there.
class FakeStreamGate final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FakeStreamGate)

public:
    explicit FakeStreamGate(QObject *parent = nullptr);

    // Lets every stream held now send its next event (which then holds again before the one after it).
    // Queued: the events go out once the gate's thread runs, never from inside this call.
    void release();
    // Streams waiting at the gate now. A stream enters the gate before it writes the event before the held
    // one, so by the time a client has read event N, its stream is already held before N+1.
    int heldCount() const { return m_held.load(); }

    // For the fake's connections: one stream starts or stops waiting.
    void enter() { ++m_held; }
    void leave() { --m_held; }

signals:
    // In the gate's thread: the held streams go on.
    void released();

private:
    std::atomic<int> m_held = 0;
};
