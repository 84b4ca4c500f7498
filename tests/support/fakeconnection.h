#pragma once

#include "fakereply.h"
#include "fakerequestreader.h"

#include <QObject>
#include <functional>

class QTcpSocket;

// One client connection of the fake upstream: reads requests one after the other (keep-alive, pipelining)
// and plays back each reply's steps with their pauses before it reads the next request.
class FakeConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FakeConnection)

public:
    using Handler = std::function<FakeReply(const FakeHttpRequest &)>;

    // Takes ownership of the socket.
    FakeConnection(QTcpSocket *socket, quint64 id, Handler handler, QObject *parent);

    quint64 id() const { return m_id; }

private:
    void readRequests();
    void playStep();
    void finish(bool close);

    QTcpSocket *m_socket;
    quint64 m_id;
    Handler m_handler;
    FakeRequestReader m_reader;
    FakeReply m_reply;
    qsizetype m_step = 0;
    bool m_busy = false;
    bool m_keepAlive = true;
};
