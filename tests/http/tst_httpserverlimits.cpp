// The HTTP server's limits and defences, seen through raw bytes: refused requests (400, 413, 431) and how the
// connection closes after them, timeouts (408, idle), pipelined floods and backpressure, deep pipelines.

#include "requestparsercases.h"
#include "testhttpserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpSocket>
#include <QTest>

class TestHttpServerLimits final : public QObject
{
    Q_OBJECT

private slots:
    void cleanup() { m_test.stop(); }

    void garbageGets400AndClose();
    void tlsHandshakeOnThePlainPortGets400AndClose();
    void bodyOverTheLimitGets413();
    void bodyOverTheLimitSentWithTheHead();
    void hugeHeaderGets431();
    void headerTimeoutGets408();
    void idleConnectionIsClosed();
    void pipelinedFloodIsNotBufferedWithoutBound();
    void largeRequestPipelinedBehindASlowOne();
    void manyPipelinedRequestsAnsweredAtOnce();

private:
    quint16 start(HttpServer::Options options = {}, quint16 port = 0) { return m_test.start(options, port); }
    std::unique_ptr<RawHttpClient> connectClient() { return m_test.connectClient(); }

    TestServer m_test;
    Shared &m_shared = m_test.shared;
};

void TestHttpServerLimits::garbageGets400AndClose()
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

void TestHttpServerLimits::tlsHandshakeOnThePlainPortGets400AndClose()
{
    // A client that speaks TLS to the plain port (https:// by mistake) is answered and let go at once;
    // before, its ClientHello sat waiting for a request head that never ends, past the client's own timeouts.
    HttpServer::Options options;
    options.headerTimeoutMs = 600'000; // so only the refusal, never the header timeout, can answer in time
    start(options);
    auto client = connectClient();
    client->send(tlsClientHelloStart());
    const RawHttpResponse response = client->readResponse();
    QVERIFY(response.complete);
    QCOMPARE(response.status, 400);
    QCOMPARE(response.header("connection"), QByteArray("close"));
    const QJsonObject error = QJsonDocument::fromJson(response.body).object().value(u"error").toObject();
    QVERIFY(error.value(u"message").toString().contains(u"TLS handshake"));
    QVERIFY(client->waitForDisconnected());
    QCOMPARE(m_shared.handled.load(), 0);

    // The server goes on serving.
    auto next = connectClient();
    next->send(get("/echo"));
    QCOMPARE(next->readResponse().status, 200);
}

void TestHttpServerLimits::bodyOverTheLimitGets413()
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

void TestHttpServerLimits::bodyOverTheLimitSentWithTheHead()
{
    // Most clients send the body right behind the head without waiting. Closing while the rest of it still
    // arrives makes the kernel reset the connection, and the client may get ECONNRESET instead of the 413.
    HttpServer::Options options;
    options.connection.limits.maxBodyBytes = 1024;
    start(options);
    int received413 = 0;
    for (int attempt = 0; attempt < 5; ++attempt) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_test.port());
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

void TestHttpServerLimits::hugeHeaderGets431()
{
    start();
    auto client = connectClient();
    client->send(
        "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + QByteArray(70 * 1024, 'h') + "\r\n\r\n");
    const RawHttpResponse response = client->readResponse();
    QCOMPARE(response.status, 431);
    QVERIFY(client->waitForDisconnected());
}

void TestHttpServerLimits::headerTimeoutGets408()
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

void TestHttpServerLimits::idleConnectionIsClosed()
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

void TestHttpServerLimits::pipelinedFloodIsNotBufferedWithoutBound()
{
    // While a request is being answered the connection keeps reading whatever the client pipelines behind
    // it. Limits bound each request, so a server should stop reading (TCP pushes back) instead of holding
    // an unbounded buffer: here 32 MiB behind a request that takes a minute, with 1 MiB request limits.
    HttpServer::Options options;
    options.connection.limits.maxBodyBytes = 1024 * 1024;
    start(options);
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_test.port());
    QVERIFY(QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000));
    socket.write(get("/later?ms=60000"));
    QTRY_COMPARE(m_shared.handled.load(), 1);
    socket.write(QByteArray(32 * 1024 * 1024, 'p'));
    const bool swallowed = QTest::qWaitFor([&] { return socket.bytesToWrite() == 0; }, 3000);
    QVERIFY2(!swallowed, "the server read 32 MiB of pipelined bytes into memory");
}

void TestHttpServerLimits::largeRequestPipelinedBehindASlowOne()
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
    // The backpressure applied while the first request was busy must lift once it is answered: the rest of
    // the large request comes in, though it passed MaxPipelinedBytes and filled the socket's read buffer.
    QVERIFY2(second.complete, "the pipelined request was never answered");
    QCOMPARE(second.status, 200);
    QCOMPARE(second.body.size(), qsizetype(strlen("POST /echo\n")) + body.size());
}

void TestHttpServerLimits::manyPipelinedRequestsAnsweredAtOnce()
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

QTEST_GUILESS_MAIN(TestHttpServerLimits)
#include "tst_httpserverlimits.moc"
