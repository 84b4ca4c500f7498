#include "httpserver.h"

#include "servercertificate.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QSslSocket>
#include <QThread>
#include <QTimer>

#include <set>

#ifdef Q_OS_LINUX
#include <sched.h>
#endif

// One worker thread: its event loop, its handler and the connections handed to it.
class HttpWorker final : public QObject
{
public:
    HttpWorker(const HttpServer::Options &options, const HttpServer::HandlerFactory &factory)
        : m_options(options)
    {
        m_thread.setObjectName(QStringLiteral("http-worker"));
        moveToThread(&m_thread);
        m_thread.start();
        QMetaObject::invokeMethod(
            this,
            [this, factory] {
                m_handler = factory();
                m_sweepTimer = new QTimer(this);
                m_sweepTimer->setTimerType(Qt::CoarseTimer);
                connect(m_sweepTimer, &QTimer::timeout, this, &HttpWorker::sweep);
                m_sweepTimer->start(1000);
            },
            Qt::BlockingQueuedConnection);
    }

    ~HttpWorker() override
    {
        QMetaObject::invokeMethod(
            this,
            [this] {
                for (HttpConnection *connection : std::set<HttpConnection *>(m_connections))
                    delete connection;
                m_connections.clear();
                m_handler.reset();
                delete m_sweepTimer;
            },
            Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    void adopt(qintptr descriptor)
    {
        QMetaObject::invokeMethod(this, [this, descriptor] {
            QTcpSocket *socket = nullptr;
            if (m_options.tls) {
                auto *tls = new QSslSocket;
                tls->setSslConfiguration(m_options.tls->configuration()); // the certificate of this moment
                socket = tls;
            } else {
                socket = new QTcpSocket;
            }
            if (!socket->setSocketDescriptor(descriptor)) {
                delete socket;
                return;
            }
            auto *connection = new HttpConnection(socket, m_options.connection, m_handler.get(), this);
            m_connections.insert(connection);
            connect(connection, &HttpConnection::closed, this,
                [this, connection] { m_connections.erase(connection); });
        });
    }

    void closeIdleConnections()
    {
        QMetaObject::invokeMethod(
            this,
            [this] {
                for (HttpConnection *connection : std::set<HttpConnection *>(m_connections))
                    connection->closeWhenIdle();
            },
            Qt::BlockingQueuedConnection);
    }

    int activeRequests()
    {
        int active = 0;
        QMetaObject::invokeMethod(
            this,
            [&] {
                for (HttpConnection *connection : m_connections)
                    active += connection->isBusy() ? 1 : 0;
            },
            Qt::BlockingQueuedConnection);
        return active;
    }

private:
    void sweep()
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (HttpConnection *connection : std::set<HttpConnection *>(m_connections))
            connection->sweep(now, m_options.idleTimeoutMs, m_options.headerTimeoutMs);
    }

    const HttpServer::Options &m_options;
    QThread m_thread;
    std::unique_ptr<HttpHandler> m_handler;
    std::set<HttpConnection *> m_connections;
    QTimer *m_sweepTimer = nullptr;
};

HttpServer::HttpServer(Options options, HandlerFactory factory, QObject *parent)
    : QTcpServer(parent)
    , m_options(std::move(options))
    , m_factory(std::move(factory))
{
    startWorkers();
}

HttpServer::~HttpServer()
{
    close();
    m_workers.clear();
}

int HttpServer::usableCores()
{
#ifdef Q_OS_LINUX
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0)
        return qMax(1, CPU_COUNT(&set));
#endif
    return qMax(1, QThread::idealThreadCount());
}

void HttpServer::startWorkers()
{
    const int count = m_options.workerCount > 0 ? m_options.workerCount : usableCores();
    for (int i = 0; i < count; ++i)
        m_workers.push_back(std::make_unique<HttpWorker>(m_options, m_factory));
}

void HttpServer::incomingConnection(qintptr descriptor)
{
    m_workers[m_next++ % m_workers.size()]->adopt(descriptor);
}

int HttpServer::activeRequests() const
{
    int total = 0;
    for (const auto &worker : m_workers)
        total += worker->activeRequests();
    return total;
}

void HttpServer::shutdown(int graceMs)
{
    close();
    for (const auto &worker : m_workers)
        worker->closeIdleConnections();
    // The connections live on the workers' threads, which answer on their own: this thread only waits (and
    // runs none of its events, so nothing re-enters the gateway while it stops).
    QDeadlineTimer deadline(graceMs);
    while (activeRequests() > 0 && !deadline.hasExpired())
        QThread::msleep(20);
    m_workers.clear(); // closes what is left and joins the threads
}
