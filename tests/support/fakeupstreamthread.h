#pragma once

#include <QString>
#include <QThread>
#include <memory>

class FakeUpstream;

// A FakeUpstream on a thread of its own, listening on a free port of 127.0.0.1: it answers while the test's
// thread is busy or blocked (in Gateway::stop(), say, which waits for the requests in flight), as a real
// provider does, so nothing of the gateway needs to run the test's events for the fake's sake.
class FakeUpstreamThread final
{
    Q_DISABLE_COPY_MOVE(FakeUpstreamThread)

public:
    FakeUpstreamThread();
    // Deletes the fake on its thread (closing its connections), then ends the thread.
    ~FakeUpstreamThread();

    // False when the fake could not listen; errorString() says why.
    bool isListening() const { return m_listening; }
    QString errorString() const;
    // What FakeUpstream offers a test is safe to use from the test's thread once it listens.
    FakeUpstream &upstream() { return *m_upstream; }

private:
    QThread m_thread;
    FakeUpstream *m_upstream = nullptr; // lives, and is deleted, on m_thread
    bool m_listening = false;
};
