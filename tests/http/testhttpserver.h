#pragma once

// Shared by the HTTP server suites: a handler with a few behaviours, a server running it on 127.0.0.1, and
// helpers for raw requests.

#include "httpserver.h"
#include "rawhttpclient.h"

#include <QMutex>
#include <QObject>
#include <atomic>
#include <memory>

// What the handlers of all worker threads report to the test.
struct Shared
{
    std::atomic<int> nextHandlerId { 0 };
    std::atomic<int> aborts { 0 };
    std::atomic<int> handled { 0 };
    QMutex mutex;
    QByteArrayList abortedTargets; // under mutex

    QByteArrayList aborted()
    {
        QMutexLocker lock(&mutex);
        return abortedTargets;
    }
};

// Serves:
//   /echo          "<method> <target>\n<body>" at once, with x-handler naming the worker's handler;
//   /later?ms=N    "later <target>" after N ms;
//   /stream        three chunks "data: i\n\n", 20 ms apart;
//   /hold          one chunk, then nothing: the response never ends (counts client aborts).
class TestHandler final : public HttpHandler
{
public:
    explicit TestHandler(Shared *shared);
    void handle(HttpRequest &&request, HttpResponder responder) override;

private:
    Shared *m_shared;
    QByteArray m_id;
    QObject m_context; // lives in the worker thread, like the handler: timers fire there
};

// An HttpServer with TestHandlers (one worker unless asked otherwise), listening on 127.0.0.1.
class TestServer
{
public:
    // Starts a new server (stopping the previous one); returns its port.
    quint16 start(HttpServer::Options options = {}, quint16 port = 0);
    void stop();
    quint16 port() const;
    std::unique_ptr<RawHttpClient> connectClient();

    Shared shared;

private:
    std::unique_ptr<HttpServer> m_server;
};

QByteArray get(const QByteArray &target, const QByteArray &extraLines = {});
QByteArray post(const QByteArray &target, const QByteArray &body);
// A port nobody listens on right now.
quint16 freePort();
