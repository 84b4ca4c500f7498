#include "testhttpserver.h"

#include <QTcpServer>
#include <QTimer>

TestHandler::TestHandler(Shared *shared)
    : m_shared(shared)
    , m_id(QByteArray::number(shared->nextHandlerId++))
{ }

void TestHandler::handle(HttpRequest &&request, HttpResponder responder)
{
    ++m_shared->handled;
    if (request.path == "/echo") {
        responder.respond(200, "text/plain",
            QByteArray(request.method + ' ' + request.target + '\n' + request.body),
            { { "x-handler", m_id } });
    } else if (request.path == "/later") {
        const int ms = request.query.sliced(3).toInt();
        QTimer::singleShot(ms, &m_context, [responder, target = request.target]() mutable {
            responder.respond(200, "text/plain", QByteArray("later " + target));
        });
    } else if (request.path == "/stream") {
        responder.beginStream(200, "text/event-stream");
        for (int i = 1; i <= 3; ++i) {
            QTimer::singleShot(20 * i, &m_context, [responder, i]() mutable {
                responder.writeStreamData(QByteArray("data: " + QByteArray::number(i) + "\n\n"));
                if (i == 3)
                    responder.endStream();
            });
        }
    } else if (request.path == "/hold") {
        responder.beginStream(200, "text/event-stream");
        responder.writeStreamData("data: first\n\n");
        responder.setAbortHandler([shared = m_shared, target = request.target] {
            ++shared->aborts;
            QMutexLocker lock(&shared->mutex);
            shared->abortedTargets.append(target);
        });
    } else {
        responder.respond(404, "text/plain", "no such path");
    }
}

quint16 TestServer::start(HttpServer::Options options, quint16 port)
{
    stop();
    if (options.workerCount == 0)
        options.workerCount = 1;
    m_server
        = std::make_unique<HttpServer>(options, [this] { return std::make_unique<TestHandler>(&shared); });
    if (!m_server->listen(QHostAddress::LocalHost, port))
        qWarning("listen failed: %s", qPrintable(m_server->errorString()));
    return m_server->serverPort();
}

void TestServer::stop()
{
    m_server.reset();
    shared.nextHandlerId = 0;
    shared.aborts = 0;
    shared.handled = 0;
    QMutexLocker lock(&shared.mutex);
    shared.abortedTargets.clear();
}

quint16 TestServer::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

std::unique_ptr<RawHttpClient> TestServer::connectClient()
{
    auto client = std::make_unique<RawHttpClient>();
    if (!client->connectToServer(port()))
        qWarning("could not connect to the test server");
    return client;
}

QByteArray get(const QByteArray &target, const QByteArray &extraLines)
{
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraLines + "\r\n";
}

QByteArray post(const QByteArray &target, const QByteArray &body)
{
    return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}
