// The HTTP server on a real socket, seen through raw bytes: keep-alive, pipelining in order, chunked bodies
// both ways, 100-continue, HTTP/1.0, errors and limits, the Host allow-list, timeouts, client aborts,
// workers.

#include "httpserver.h"
#include "rawhttpclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QProcess>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <atomic>
#include <memory>

namespace {

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
    explicit TestHandler(Shared *shared)
        : m_shared(shared)
        , m_id(QByteArray::number(shared->nextHandlerId++))
    { }

    void handle(HttpRequest &&request, HttpResponder responder) override
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

private:
    Shared *m_shared;
    QByteArray m_id;
    QObject m_context; // lives in the worker thread, like the handler: timers fire there
};

QByteArray get(const QByteArray &target, const QByteArray &extraLines = {})
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

} // namespace

class TestHttpServer final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void keepAlive();
    void pipelinedRequestsAreAnsweredInOrder();
    void chunkedRequestBody();
    void continueBeforeTheBody();
    void streamedResponseIsChunked();
    void streamDataArrivesBeforeTheEnd();
    void http10ClientReadsTheStreamUntilClose();
    void http10KeepAliveIsAnnounced();
    void garbageGets400AndClose();
    void bodyOverTheLimitGets413();
    void bodyOverTheLimitSentWithTheHead();
    void hugeHeaderGets431();
    void hostAllowList_data();
    void hostAllowList();
    void headerTimeoutGets408();
    void idleConnectionIsClosed();
    void abortHandlerCalledWhenClientLeaves();
    void connectionsAreSpreadOverWorkers();
    void pipelinedFloodIsNotBufferedWithoutBound();
    void largeRequestPipelinedBehindASlowOne();
    void manyPipelinedRequestsAnsweredAtOnce();

private:
    quint16 start(HttpServer::Options options = {}, quint16 port = 0);
    std::unique_ptr<RawHttpClient> connectClient();

    Shared m_shared;
    std::unique_ptr<HttpServer> m_server;
};

quint16 TestHttpServer::start(HttpServer::Options options, quint16 port)
{
    if (options.workerCount == 0)
        options.workerCount = 1;
    m_server
        = std::make_unique<HttpServer>(options, [this] { return std::make_unique<TestHandler>(&m_shared); });
    if (!m_server->listen(QHostAddress::LocalHost, port))
        qWarning("listen failed: %s", qPrintable(m_server->errorString()));
    return m_server->serverPort();
}

std::unique_ptr<RawHttpClient> TestHttpServer::connectClient()
{
    auto client = std::make_unique<RawHttpClient>();
    if (!client->connectToServer(m_server->serverPort()))
        qWarning("could not connect to the test server");
    return client;
}

void TestHttpServer::init()
{
    m_shared.nextHandlerId = 0;
    m_shared.aborts = 0;
    m_shared.handled = 0;
    QMutexLocker lock(&m_shared.mutex);
    m_shared.abortedTargets.clear();
}

void TestHttpServer::cleanup()
{
    m_server.reset();
}

void TestHttpServer::keepAlive()
{
    start();
    auto client = connectClient();
    client->send(get("/echo?n=1"));
    const RawHttpResponse first = client->readResponse();
    QVERIFY(first.complete);
    QCOMPARE(first.status, 200);
    QCOMPARE(first.body, QByteArray("GET /echo?n=1\n"));
    QVERIFY(first.header("connection").isNull());
    QVERIFY(!first.header("date").isEmpty());

    client->send(post("/echo", "second"));
    const RawHttpResponse second = client->readResponse();
    QVERIFY(second.complete);
    QCOMPARE(second.body, QByteArray("POST /echo\nsecond"));
    QVERIFY(client->isConnected());

    client->send(get("/echo?n=3", "Connection: close\r\n"));
    const RawHttpResponse third = client->readResponse();
    QCOMPARE(third.status, 200);
    QCOMPARE(third.header("connection"), QByteArray("close"));
    QVERIFY(client->waitForDisconnected());
}

void TestHttpServer::pipelinedRequestsAreAnsweredInOrder()
{
    start();
    auto client = connectClient();
    // The first takes 300 ms; the next two could be answered at once, but must wait their turn.
    client->send(get("/later?ms=300") + post("/echo", "two") + get("/echo?three"));
    const RawHttpResponse first = client->readResponse();
    const RawHttpResponse second = client->readResponse();
    const RawHttpResponse third = client->readResponse();
    QVERIFY(first.complete && second.complete && third.complete);
    QCOMPARE(first.body, QByteArray("later /later?ms=300"));
    QCOMPARE(second.body, QByteArray("POST /echo\ntwo"));
    QCOMPARE(third.body, QByteArray("GET /echo?three\n"));
    QVERIFY(client->pending().isEmpty());
    QVERIFY(client->isConnected());
}

void TestHttpServer::chunkedRequestBody()
{
    start();
    auto client = connectClient();
    client->send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhel");
    QTest::qWait(0);
    client->send("lo\r\n7\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\n");
    const RawHttpResponse response = client->readResponse();
    QVERIFY(response.complete);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, QByteArray("POST /echo\nhello, world"));
}

void TestHttpServer::continueBeforeTheBody()
{
    start();
    auto client = connectClient();
    client->send(
        "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
    const RawHttpResponse interim = client->readResponse();
    QVERIFY(interim.complete);
    QCOMPARE(interim.status, 100);
    QCOMPARE(interim.head, QByteArray("HTTP/1.1 100 Continue\r\n\r\n"));
    QVERIFY(client->pending().isEmpty()); // nothing else until the body is sent
    QCOMPARE(m_shared.handled.load(), 0);

    client->send("data");
    const RawHttpResponse response = client->readResponse();
    QVERIFY(response.complete);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, QByteArray("POST /echo\ndata"));

    // The next request on the connection gets its own 100 Continue.
    client->send(
        "PUT /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
    QCOMPARE(client->readResponse().status, 100);
    client->send("ok");
    QCOMPARE(client->readResponse().body, QByteArray("PUT /echo\nok"));
}

void TestHttpServer::streamedResponseIsChunked()
{
    start();
    auto client = connectClient();
    client->send(get("/stream"));
    const RawHttpResponse response = client->readResponse();
    QVERIFY(response.complete);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("content-type"), QByteArray("text/event-stream"));
    QVERIFY(response.chunked);
    QVERIFY(response.header("content-length").isNull());
    QCOMPARE(response.chunks, QByteArrayList({ "data: 1\n\n", "data: 2\n\n", "data: 3\n\n" }));
    // The connection carries the next request.
    client->send(get("/echo"));
    QCOMPARE(client->readResponse().body, QByteArray("GET /echo\n"));
}

void TestHttpServer::streamDataArrivesBeforeTheEnd()
{
    start();
    auto client = connectClient();
    client->send(get("/hold"));
    QTRY_VERIFY(client->pending().contains("d\r\ndata: first\n\n\r\n"));
    QVERIFY(client->pending().startsWith("HTTP/1.1 200 OK\r\n"));
    QVERIFY(!client->pending().contains("0\r\n\r\n"));
}

void TestHttpServer::http10ClientReadsTheStreamUntilClose()
{
    start();
    auto client = connectClient();
    client->send("GET /stream HTTP/1.0\r\n\r\n");
    const RawHttpResponse response = client->readResponse();
    QVERIFY(response.complete); // complete only once the server closed
    QVERIFY(!client->isConnected());
    QCOMPARE(response.status, 200);
    QVERIFY(!response.chunked);
    QCOMPARE(response.header("connection"), QByteArray("close"));
    QCOMPARE(response.body, QByteArray("data: 1\n\ndata: 2\n\ndata: 3\n\n"));
}

void TestHttpServer::http10KeepAliveIsAnnounced()
{
    // An HTTP/1.0 client keeps the connection only if the response says "Connection: keep-alive"
    // (RFC 9112 §9.3); without it, `ab -k` and other 1.0 clients reconnect for every request.
    start();
    auto client = connectClient();
    client->send("GET /echo HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    const RawHttpResponse first = client->readResponse();
    QCOMPARE(first.status, 200);
    QVERIFY(client->isConnected());
    QCOMPARE(first.header("connection").toLower(), QByteArray("keep-alive"));
    client->send("GET /echo?2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    QCOMPARE(client->readResponse().body, QByteArray("GET /echo?2\n"));
}

void TestHttpServer::garbageGets400AndClose()
{
    start();
    auto client = connectClient();
    client->send("HELLO THERE\r\n\r\n");
    const RawHttpResponse response = client->readResponse();
    QVERIFY(response.complete);
    QCOMPARE(response.status, 400);
    QCOMPARE(response.header("connection"), QByteArray("close"));
    const QJsonObject error = QJsonDocument::fromJson(response.body).object().value(u"error").toObject();
    QCOMPARE(error.value(u"type").toString(), u"invalid_request_error"_qs);
    QVERIFY(!error.value(u"message").toString().isEmpty());
    QVERIFY(client->waitForDisconnected());
    QCOMPARE(m_shared.handled.load(), 0);
}

void TestHttpServer::bodyOverTheLimitGets413()
{
    HttpServer::Options options;
    options.connection.limits.maxBodyBytes = 1024;
    start(options);
    auto client = connectClient();
    client->send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1025\r\n\r\n");
    const RawHttpResponse response = client->readResponse();
    QCOMPARE(response.status, 413);
    QVERIFY(client->waitForDisconnected());

    // Chunked: refused once the chunks pass the limit.
    auto chunked = connectClient();
    chunked->send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n200\r\n"
        + QByteArray(512, 'a') + "\r\n201\r\n" + QByteArray(513, 'b') + "\r\n0\r\n\r\n");
    QCOMPARE(chunked->readResponse().status, 413);
    QVERIFY(chunked->waitForDisconnected());
    QCOMPARE(m_shared.handled.load(), 0);
}

void TestHttpServer::bodyOverTheLimitSentWithTheHead()
{
    // Most clients send the body right behind the head without waiting. Closing while the rest of it still
    // arrives makes the kernel reset the connection, and the client may get ECONNRESET instead of the 413.
    HttpServer::Options options;
    options.connection.limits.maxBodyBytes = 1024;
    start(options);
    int received413 = 0;
    for (int attempt = 0; attempt < 5; ++attempt) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->serverPort());
        QVERIFY(QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000));
        const QByteArray body(4 * 1024 * 1024, 'x');
        socket.write("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        QByteArray received;
        connect(&socket, &QTcpSocket::readyRead, &socket, [&] { received += socket.readAll(); });
        (void)QTest::qWaitFor(
            [&] {
                return socket.state() == QAbstractSocket::UnconnectedState || received.contains("\r\n\r\n");
            },
            5000);
        if (received.startsWith("HTTP/1.1 413"))
            ++received413;
    }
    QCOMPARE(received413, 5);
}

void TestHttpServer::hugeHeaderGets431()
{
    start();
    auto client = connectClient();
    client->send(
        "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + QByteArray(70 * 1024, 'h') + "\r\n\r\n");
    const RawHttpResponse response = client->readResponse();
    QCOMPARE(response.status, 431);
    QVERIFY(client->waitForDisconnected());
}

void TestHttpServer::hostAllowList_data()
{
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<int>("status");
    QTest::newRow("127.0.0.1 with port") << QByteArray("127.0.0.1:%1") << 200;
    QTest::newRow("localhost with port") << QByteArray("localhost:%1") << 200;
    QTest::newRow("localhost in capitals") << QByteArray("LocalHost:%1") << 200;
    QTest::newRow("127.0.0.1 without port") << QByteArray("127.0.0.1") << 200;
    QTest::newRow("rebinding name") << QByteArray("evil.example") << 403;
    QTest::newRow("rebinding name with our port") << QByteArray("evil.example:%1") << 403;
    QTest::newRow("empty") << QByteArray("") << 403;
}

void TestHttpServer::hostAllowList()
{
    QFETCH(QByteArray, host);
    QFETCH(int, status);
    // The allowed entries must be known before the server starts, so the port is chosen first. Both the
    // "name:port" and the bare-name form are listed: either way of matching must let our own names in.
    const quint16 port = freePort();
    const QByteArray portText = QByteArray::number(port);
    HttpServer::Options options;
    options.connection.allowedHosts
        = { "127.0.0.1:" + portText, "localhost:" + portText, "127.0.0.1", "localhost" };
    QCOMPARE(start(options, port), port);
    auto client = connectClient();
    client->send("GET /echo HTTP/1.1\r\nHost: " + host.replace("%1", portText) + "\r\n\r\n");
    const RawHttpResponse response = client->readResponse();
    QVERIFY(response.complete);
    QCOMPARE(response.status, status);
    if (status == 403) {
        QVERIFY(QJsonDocument::fromJson(response.body).object().contains(u"error"));
        QCOMPARE(m_shared.handled.load(), 0);
    } else {
        QCOMPARE(response.body, QByteArray("GET /echo\n"));
    }
}

void TestHttpServer::headerTimeoutGets408()
{
    HttpServer::Options options;
    options.headerTimeoutMs = 300;
    start(options);
    auto client = connectClient();
    client->send("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n"); // the empty line never comes
    const RawHttpResponse response = client->readResponse(5000); // the sweep runs once a second
    QVERIFY(response.complete);
    QCOMPARE(response.status, 408);
    QVERIFY(client->waitForDisconnected(5000));
    QCOMPARE(m_shared.handled.load(), 0);

    // A body that stops coming counts the same.
    auto stalled = connectClient();
    stalled->send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nabc");
    QCOMPARE(stalled->readResponse(5000).status, 408);
    QVERIFY(stalled->waitForDisconnected(5000));
}

void TestHttpServer::idleConnectionIsClosed()
{
    HttpServer::Options options;
    options.idleTimeoutMs = 300;
    start(options);
    auto client = connectClient();
    client->send(get("/echo"));
    QCOMPARE(client->readResponse().status, 200);
    QVERIFY(client->waitForDisconnected(5000));
    QVERIFY(client->pending().isEmpty()); // closed silently, no 408 for a connection between requests
}

void TestHttpServer::abortHandlerCalledWhenClientLeaves()
{
    start();
    {
        auto client = connectClient();
        client->send(get("/hold?1"));
        QTRY_VERIFY(client->pending().contains("data: first"));
        QCOMPARE(m_shared.aborts.load(), 0);
    } // the client goes away in the middle of the stream
    QTRY_COMPARE(m_shared.aborts.load(), 1);

    // A response that completed is not aborted by a later disconnect: only /hold?1 and /hold?3 are.
    {
        auto client = connectClient();
        client->send(get("/stream"));
        QVERIFY(client->readResponse().complete);
    }
    {
        auto client = connectClient();
        client->send(get("/hold?3"));
        QTRY_VERIFY(client->pending().contains("data: first"));
    }
    QTRY_VERIFY(m_shared.aborted().contains("/hold?3"));
    QCOMPARE(m_shared.aborted(), QByteArrayList({ "/hold?1", "/hold?3" }));
}

void TestHttpServer::connectionsAreSpreadOverWorkers()
{
    HttpServer::Options options;
    options.workerCount = 2;
    start(options);
    QTRY_COMPARE(m_shared.nextHandlerId.load(), 2); // one handler per worker thread
    auto a = connectClient();
    auto b = connectClient();
    a->send(get("/echo?a"));
    b->send(get("/echo?b"));
    const RawHttpResponse ra = a->readResponse();
    const RawHttpResponse rb = b->readResponse();
    QCOMPARE(ra.body, QByteArray("GET /echo?a\n"));
    QCOMPARE(rb.body, QByteArray("GET /echo?b\n"));
    QVERIFY(!ra.header("x-handler").isEmpty());
    QVERIFY2(ra.header("x-handler") != rb.header("x-handler"), "both connections went to the same worker");
    // Each keeps working on its own worker.
    a->send(get("/echo?a2"));
    QCOMPARE(a->readResponse().header("x-handler"), ra.header("x-handler"));
}

void TestHttpServer::pipelinedFloodIsNotBufferedWithoutBound()
{
    // While a request is being answered the connection keeps reading whatever the client pipelines behind
    // it. Limits bound each request, so a server should stop reading (TCP pushes back) instead of holding
    // an unbounded buffer: here 32 MiB behind a request that takes a minute, with 1 MiB request limits.
    HttpServer::Options options;
    options.connection.limits.maxBodyBytes = 1024 * 1024;
    start(options);
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server->serverPort());
    QVERIFY(QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000));
    socket.write(get("/later?ms=60000"));
    QTRY_COMPARE(m_shared.handled.load(), 1);
    socket.write(QByteArray(32 * 1024 * 1024, 'p'));
    const bool swallowed = QTest::qWaitFor([&] { return socket.bytesToWrite() == 0; }, 3000);
    QVERIFY2(!swallowed, "the server read 32 MiB of pipelined bytes into memory");
}

void TestHttpServer::largeRequestPipelinedBehindASlowOne()
{
    // Backpressure must pause reading, not lose the wake-up: a request of 1 MiB (under the limits) that
    // arrives while the one before it is still being answered is read and answered once that one is done.
    start();
    auto client = connectClient();
    const QByteArray body(1024 * 1024, 'b');
    client->send(get("/later?ms=300") + post("/echo", body));
    const RawHttpResponse first = client->readResponse();
    QCOMPARE(first.status, 200);
    const RawHttpResponse second = client->readResponse(5000);
    // Once the connection holds MaxPipelinedBytes of the unfinished request and the socket's read buffer
    // (SocketReadBufferBytes) is full, Qt stops reading and emits no more readyRead; processBuffer() does not
    // read while m_buffer is at the cap, so the rest never comes in (until the header timeout answers 408).
    QEXPECT_FAIL("",
        "BUG: a pipelined request over 256 KiB behind a busy one stalls (backpressure never lifts)", Abort);
    QVERIFY2(second.complete, "the pipelined request was never answered");
    QCOMPARE(second.status, 200);
    QCOMPARE(second.body.size(), qsizetype(strlen("POST /echo\n")) + body.size());
}

void TestHttpServer::manyPipelinedRequestsAnsweredAtOnce()
{
    // Requests answered inside handle() (health checks, 401, 404, the Host check's 403) make
    // finishExchange() parse the next pipelined request from within the previous one's call stack. The
    // server runs in a child process so that a crash fails this test instead of the whole suite.
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QStringLiteral(HTTP_ECHO_SERVER), {});
    QVERIFY2(child.waitForStarted(5000), qPrintable(child.errorString()));
    QVERIFY(
        QTest::qWaitFor([&] { return child.canReadLine() || child.state() != QProcess::Running; }, 10000));
    const QByteArray line = child.readLine().trimmed();
    QVERIFY2(line.startsWith("port "), line.constData());
    const quint16 port = line.sliced(5).toUShort();

    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000));
    const int count = 100'000; // 2.8 MB of requests in one write
    socket.write(QByteArray("GET /p HTTP/1.1\r\nHost: a\r\n\r\n").repeated(count));
    const QByteArray statusLine = "HTTP/1.1 200 OK\r\n";
    qsizetype answered = 0;
    QByteArray buffer;
    const bool allAnswered = QTest::qWaitFor(
        [&] {
            buffer += socket.readAll();
            qsizetype from = 0;
            for (qsizetype at; (at = buffer.indexOf(statusLine, from)) >= 0; from = at + statusLine.size())
                ++answered;
            buffer = buffer.sliced(qMax(from, buffer.size() - statusLine.size() + 1)); // a line cut in two
            return answered >= count || child.state() != QProcess::Running;
        },
        60000);
    const bool survived = child.state() == QProcess::Running;
    child.kill();
    child.waitForFinished(5000);
    QVERIFY2(survived,
        qPrintable(u"the server process died after "_qs + QString::number(answered) + u" answers"_qs));
    QVERIFY(allAnswered);
    QCOMPARE(answered, count);
}

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
