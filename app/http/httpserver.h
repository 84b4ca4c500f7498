#pragma once

#include "httpconnection.h"

#include <QTcpServer>

#include <functional>
#include <memory>
#include <vector>

class HttpWorker;
class ServerCertificate;

// The HTTP/1.1 server: accepts on the thread that owns it and spreads connections over worker threads,
// each with its own event loop and its own handler. With a certificate it serves HTTPS: the workers, not the
// accepting thread, do the handshakes (QSslServer would do them on the accepting thread), and the connection
// code is the same.
class HttpServer final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpServer)
public:
    struct Options
    {
        int workerCount = 0; // 0: one per core this process may run on
        HttpConnectionSettings connection;
        qint64 idleTimeoutMs = 120'000; // keep-alive connections with no request
        qint64 headerTimeoutMs = 30'000; // a request head, TLS handshake or stalled body that does not arrive
        // HTTPS with its current certificate (not owned; outlives the server); null: plain HTTP.
        const ServerCertificate *tls = nullptr;
    };
    // Called once in each worker thread to make that thread's handler.
    using HandlerFactory = std::function<std::unique_ptr<HttpHandler>()>;

    HttpServer(Options options, HandlerFactory factory, QObject *parent = nullptr);
    ~HttpServer() override;

    // Requests being answered right now, over all workers.
    int activeRequests() const;
    // Stops accepting, lets in-flight responses finish for up to `graceMs`, then closes every connection
    // and ends the worker threads. Blocks, running none of this thread's events.
    void shutdown(int graceMs);

    // Cores this process may run on (its CPU affinity), at least 1.
    static int usableCores();

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void startWorkers();

    Options m_options;
    HandlerFactory m_factory;
    std::vector<std::unique_ptr<HttpWorker>> m_workers;
    size_t m_next = 0;
};
