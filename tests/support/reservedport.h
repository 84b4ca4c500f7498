#pragma once

#include <QString>
#include <QtGlobal>

// A port on 127.0.0.1 that nobody listens on and nobody else can take while this object lives: a TCP socket
// bound to it but not listening, so that connections to it are refused. A port found free by binding and then
// releasing it can be taken meanwhile by a suite running in parallel; this one cannot. A server that is to
// listen there later takes the socket over with takeListening().
class ReservedPort final
{
    Q_DISABLE_COPY_MOVE(ReservedPort)

public:
    ReservedPort();
    ~ReservedPort();

    // False (and errorString() says why) when no socket could be bound; port() is then 0.
    bool isValid() const { return m_descriptor >= 0; }
    QString errorString() const { return m_errorString; }
    quint16 port() const { return m_port; }

    // Starts listening on the reserved socket and hands it over (for QTcpServer::setSocketDescriptor), the
    // port staying taken throughout; -1 (and errorString()) on failure. The reservation ends either way.
    qintptr takeListening();

private:
    void fail(const char *what);

    qintptr m_descriptor = -1;
    quint16 m_port = 0;
    QString m_errorString;
};
