#pragma once

#include "fakereply.h"
#include "fakerequestreader.h"

#include <QObject>
#include <functional>

class FakeStreamGate;
class QTcpSocket;

// One client connection of the fake upstream: reads requests one after the other (keep-alive, pipelining)
// and plays back each reply's steps with their pauses, or held at the gate until a test releases them, before
// it reads the next request.
class FakeConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FakeConnection)

public:
    using Handler = std::function<FakeReply(const FakeHttpRequest &)>;

    // Takes ownership of the socket. The gate must outlive the connection.
    FakeConnection(QTcpSocket *socket, quint64 id, Handler handler, FakeStreamGate &gate, QObject *parent);
    ~FakeConnection() override;

    quint64 id() const { return m_id; }

private:
    void readRequests();
    void playStep();
    void hold(); // waits at the gate for the current step
    void writeStep();
    void finish(bool close);

    QTcpSocket *m_socket;
    quint64 m_id;
    Handler m_handler;
    FakeStreamGate &m_gate;
    QMetaObject::Connection m_held; // waiting at the gate for the current step
    FakeRequestReader m_reader;
    FakeReply m_reply;
    qsizetype m_step = 0;
    bool m_busy = false;
    bool m_keepAlive = true;
};
