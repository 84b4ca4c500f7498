#include "tinyupstream.h"

TinyUpstream::TinyUpstream(Script script)
    : m_script(std::move(script))
{
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            ++m_connections;
            socket->setParent(this);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
            connect(socket, &QTcpSocket::disconnected, this, [this] { ++m_closedByClient; });
        }
    });
    m_server.listen(QHostAddress::LocalHost, 0);
}

void TinyUpstream::onReadyRead(QTcpSocket *socket)
{
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    while (true) {
        const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return;
        const QByteArray head = buffer.first(headEnd).toLower();
        qsizetype length = 0;
        if (const qsizetype at = head.indexOf("\r\ncontent-length:"); at >= 0) {
            const qsizetype end = head.indexOf('\r', at + 2);
            length = head.sliced(at + 17, (end < 0 ? head.size() : end) - at - 17).trimmed().toLongLong();
        }
        if (buffer.size() < headEnd + 4 + length)
            return;
        m_requests.append(buffer.first(headEnd + 4 + length));
        buffer.remove(0, headEnd + 4 + length);
        m_last = socket;
        m_script(socket, int(m_requests.size()) - 1);
    }
}
