#include "fakeconnection.h"

#include "fakeopenaiapi.h"
#include "fakestreamgate.h"

#include <QTcpSocket>
#include <QTimer>

FakeConnection::FakeConnection(
    QTcpSocket *socket, quint64 id, Handler handler, FakeStreamGate &gate, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_id(id)
    , m_handler(std::move(handler))
    , m_gate(gate)
{
    m_socket->setParent(this);
    connect(m_socket, &QTcpSocket::readyRead, this, &FakeConnection::readRequests);
    connect(m_socket, &QTcpSocket::disconnected, this, &QObject::deleteLater);
    // Bytes may have arrived before we connected to readyRead.
    QTimer::singleShot(0, this, &FakeConnection::readRequests);
}

FakeConnection::~FakeConnection()
{
    if (m_held) // the client (the gateway) left while a step waited at the gate
        m_gate.leave();
}

void FakeConnection::readRequests()
{
    m_reader.append(m_socket->readAll());
    if (m_busy || !m_keepAlive)
        return; // the next request waits until this reply is played out
    FakeHttpRequest request;
    switch (m_reader.next(request)) {
    case FakeRequestReader::Status::NeedMore:
        if (m_reader.takeContinueRequest())
            m_socket->write(FakeReply::statusLine(100) + "\r\n");
        return;
    case FakeRequestReader::Status::Bad: {
        FakeReply reply = FakeReply::json(m_reader.errorStatus(),
            FakeOpenAiApi::errorBody(m_reader.error(), "invalid_request_error", {}),
            { { "Connection", "close" } });
        reply.steps.last().closeAfter = true;
        m_reply = reply;
        break;
    }
    case FakeRequestReader::Status::Ready:
        request.connectionId = m_id;
        m_keepAlive = request.keepAlive();
        m_reply = m_handler(request);
        break;
    }
    m_busy = true;
    m_step = 0;
    playStep();
}

void FakeConnection::playStep()
{
    if (m_step >= m_reply.steps.size()) {
        finish(!m_keepAlive);
        return;
    }
    const FakeReplyStep &step = m_reply.steps.at(m_step);
    if (step.held)
        hold();
    else if (step.delayMs > 0)
        QTimer::singleShot(step.delayMs, this, &FakeConnection::writeStep);
    else
        writeStep();
}

void FakeConnection::hold()
{
    m_gate.enter();
    m_held = connect(&m_gate, &FakeStreamGate::released, this, [this] {
        disconnect(m_held);
        m_held = {};
        m_gate.leave();
        writeStep();
    });
}

void FakeConnection::writeStep()
{
    const FakeReplyStep &current = m_reply.steps.at(m_step++);
    if (m_socket->state() != QAbstractSocket::ConnectedState)
        return; // the client left; disconnected() cleans up
    if (current.closeAfter) {
        m_socket->write(current.bytes);
        finish(true);
        return;
    }
    // Held before these bytes can leave: a client that has read them finds the next step held already.
    const bool holdNext = m_step < m_reply.steps.size() && m_reply.steps.at(m_step).held;
    if (holdNext)
        hold();
    m_socket->write(current.bytes);
    if (!holdNext)
        playStep();
}

void FakeConnection::finish(bool close)
{
    m_busy = false;
    if (close) {
        m_keepAlive = false;
        m_socket->disconnectFromHost(); // writes what is pending first, then closes
        return;
    }
    // A pipelined request may already be buffered; do not wait for more bytes to look at it.
    QTimer::singleShot(0, this, &FakeConnection::readRequests);
}
