// The HTTP server on a real socket, seen through raw bytes: keep-alive, pipelining in order, chunked request
// bodies, 100-continue, streamed responses, HTTP/1.0, the Host allow-list, client aborts, workers.

#include "testhttpserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

class TestHttpServer final : public QObject
{
    Q_OBJECT

private slots:
    void cleanup() { m_test.stop(); }

    void keepAlive();
    void pipelinedRequestsAreAnsweredInOrder();
    void chunkedRequestBody();
    void continueBeforeTheBody();
    void streamedResponseIsChunked();
    void streamDataArrivesBeforeTheEnd();
    void http10ClientReadsTheStreamUntilClose();
    void http10KeepAliveIsAnnounced();
    void hostAllowList_data();
    void hostAllowList();
    void abortHandlerCalledWhenClientLeaves();
    void connectionsAreSpreadOverWorkers();

private:
    quint16 start(HttpServer::Options options = {}, quint16 port = 0) { return m_test.start(options, port); }
    std::unique_ptr<RawHttpClient> connectClient() { return m_test.connectClient(); }

    TestServer m_test;
    Shared &m_shared = m_test.shared;
};

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

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
