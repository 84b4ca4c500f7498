// The pooled upstream client against a scripted upstream on a real socket: connection reuse, bodies that
// arrive in pieces, refused connections, timeouts, and stale pooled connections (never a request sent twice).

#include "reservedport.h"
#include "tinyupstream.h"
#include "upstreamclient.h"

#include <QPointer>
#include <QTcpSocket>
#include <QTest>
#include <functional>

namespace {

UpstreamRequest request(quint16 port, const QByteArray &body = "{\"model\":\"m\"}")
{
    UpstreamRequest r;
    r.endpoint.host = QStringLiteral("127.0.0.1");
    r.endpoint.port = port;
    r.path = "/v1/chat/completions";
    r.headers = { { "content-type", "application/json" }, { "authorization", "Bearer k" } };
    r.body = body;
    r.connectTimeoutMs = 5000;
    r.responseTimeoutMs = 10000;
    r.idleTimeoutMs = 10000;
    return r;
}

const QByteArray okResponse
    = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\nok";

} // namespace

class TestUpstreamClient final : public QObject
{
    Q_OBJECT

private slots:
    void reusesThePooledConnection();
    void contentLengthBodyInPieces();
    void chunkedBodyInPieces();
    void closeDelimitedBody();
    void connectionCloseIsNotPooled();
    void connectFailedForAClosedPort();
    void timeoutBeforeTheHead();
    void timeoutInTheMiddleOfTheBody();
    void closedInTheMiddleOfTheBody();
    void protocolError();
    void newConnectionWhenThePooledOneWasClosed();
    void newConnectionWhenTheCloseIsNoticedLate();
    void noResendWhenTheUpstreamDropsARequest();
    void cancelClosesTheConnection();
};

void TestUpstreamClient::reusesThePooledConnection()
{
    TinyUpstream upstream([](QTcpSocket *socket, int) { socket->write(okResponse); });
    UpstreamClient client;
    RecordingSink first;
    client.start(request(upstream.port(), "{\"n\":1}"), &first);
    QTRY_VERIFY(first.done());
    QVERIFY2(first.m_finished, qPrintable(first.m_message));
    QCOMPARE(first.m_status, 200);
    QCOMPARE(first.body(), QByteArray("ok"));
    QCOMPARE(Http::headerValue(first.m_headers, "content-type"), QByteArray("application/json"));
    QCOMPARE(client.idleConnectionCount(), 1);

    RecordingSink second;
    client.start(request(upstream.port(), "{\"n\":2}"), &second);
    QTRY_VERIFY(second.done());
    QVERIFY2(second.m_finished, qPrintable(second.m_message));
    QCOMPARE(second.body(), QByteArray("ok"));
    QCOMPARE(upstream.connections(), 1);
    QCOMPARE(upstream.requests().size(), 2);
    QCOMPARE(client.idleConnectionCount(), 1);

    // What went over the wire.
    const QByteArray sent = upstream.requests().at(1);
    QVERIFY2(sent.startsWith("POST /v1/chat/completions HTTP/1.1\r\n"), sent.constData());
    QVERIFY(sent.contains(QByteArray("\r\nhost: 127.0.0.1:" + QByteArray::number(upstream.port()) + "\r\n")));
    QVERIFY(sent.contains("\r\nauthorization: Bearer k\r\n"));
    QVERIFY(sent.contains("\r\ncontent-length: 7\r\n"));
    QVERIFY(sent.endsWith("\r\n\r\n{\"n\":2}"));
}

void TestUpstreamClient::contentLengthBodyInPieces()
{
    TinyUpstream upstream(
        [](QTcpSocket *socket, int) { socket->write("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nhello"); });
    UpstreamClient client;
    RecordingSink sink;
    client.start(request(upstream.port()), &sink);
    QTRY_COMPARE(sink.body(), QByteArray("hello")); // handed on before the rest exists
    QCOMPARE(sink.m_status, 200);
    QVERIFY(!sink.done());
    upstream.lastSocket()->write(", wo");
    QTRY_COMPARE(sink.body(), QByteArray("hello, wo"));
    QVERIFY(!sink.done());
    upstream.lastSocket()->write("rld");
    QTRY_VERIFY(sink.done());
    QVERIFY2(sink.m_finished, qPrintable(sink.m_message));
    QCOMPARE(sink.body(), QByteArray("hello, world"));
    QCOMPARE(sink.m_pieces.size(), 3);
    QCOMPARE(client.idleConnectionCount(), 1);
}

void TestUpstreamClient::chunkedBodyInPieces()
{
    TinyUpstream upstream([](QTcpSocket *socket, int) {
        socket->write(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
            "f\r\ndata: {\"a\":1}\n\n\r\n9\r\ndata");
    });
    UpstreamClient client;
    RecordingSink sink;
    client.start(request(upstream.port()), &sink);
    QTRY_COMPARE(sink.body(), QByteArray("data: {\"a\":1}\n\ndata"));
    QVERIFY(!sink.done());
    upstream.lastSocket()->write(": x\n\n\r");
    QTRY_COMPARE(sink.body(), QByteArray("data: {\"a\":1}\n\ndata: x\n\n"));
    QVERIFY(!sink.done());
    upstream.lastSocket()->write("\n0\r\n\r\n");
    QTRY_VERIFY(sink.done());
    QVERIFY2(sink.m_finished, qPrintable(sink.m_message));
    QCOMPARE(sink.body(), QByteArray("data: {\"a\":1}\n\ndata: x\n\n"));
    QCOMPARE(client.idleConnectionCount(), 1);
}

void TestUpstreamClient::closeDelimitedBody()
{
    TinyUpstream upstream([](QTcpSocket *socket, int) {
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");
        socket->disconnectFromHost();
    });
    UpstreamClient client;
    RecordingSink sink;
    client.start(request(upstream.port()), &sink);
    QTRY_VERIFY(sink.done());
    QVERIFY2(sink.m_finished, qPrintable(sink.m_message));
    QCOMPARE(sink.body(), QByteArray("until the end"));
    QCOMPARE(client.idleConnectionCount(), 0);
}

void TestUpstreamClient::connectionCloseIsNotPooled()
{
    TinyUpstream upstream([](QTcpSocket *socket, int) {
        socket->write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
    });
    UpstreamClient client;
    for (int i = 0; i < 2; ++i) {
        RecordingSink sink;
        client.start(request(upstream.port()), &sink);
        QTRY_VERIFY(sink.done());
        QVERIFY2(sink.m_finished, qPrintable(sink.m_message));
        QCOMPARE(client.idleConnectionCount(), 0);
    }
    QCOMPARE(upstream.connections(), 2);
    QTRY_COMPARE(upstream.closedConnections(), 2); // the client closed what it would not reuse
}

void TestUpstreamClient::connectFailedForAClosedPort()
{
    const ReservedPort closed; // refused, and no suite running beside this one can listen there meanwhile
    QVERIFY2(closed.isValid(), qPrintable(closed.errorString()));
    const quint16 port = closed.port();
    UpstreamClient client;
    RecordingSink sink;
    client.start(request(port), &sink);
    QTRY_VERIFY(sink.done());
    QVERIFY(sink.m_failed);
    QCOMPARE(sink.m_error, UpstreamError::ConnectFailed);
    QVERIFY2(sink.m_message.contains(QString::number(port)), qPrintable(sink.m_message));
    QCOMPARE(sink.m_events, 1);
}

void TestUpstreamClient::timeoutBeforeTheHead()
{
    TinyUpstream upstream([](QTcpSocket *, int) {}); // reads the request, never answers
    UpstreamClient client;
    RecordingSink sink;
    UpstreamRequest r = request(upstream.port());
    r.responseTimeoutMs = 300;
    client.start(r, &sink);
    QTRY_VERIFY_WITH_TIMEOUT(sink.done(), 5000);
    QVERIFY(sink.m_failed);
    QCOMPARE(sink.m_error, UpstreamError::Timeout);
    QCOMPARE(upstream.requests().size(), 1);
    QTRY_COMPARE(upstream.closedConnections(), 1);
}

void TestUpstreamClient::timeoutInTheMiddleOfTheBody()
{
    TinyUpstream upstream([](QTcpSocket *socket, int) {
        socket->write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
    });
    UpstreamClient client;
    RecordingSink sink;
    UpstreamRequest r = request(upstream.port());
    r.idleTimeoutMs = 300;
    client.start(r, &sink);
    QTRY_VERIFY_WITH_TIMEOUT(sink.done(), 5000);
    QCOMPARE(sink.m_status, 200);
    QCOMPARE(sink.body(), QByteArray("abc"));
    QVERIFY(sink.m_failed);
    QCOMPARE(sink.m_error, UpstreamError::Timeout);
    QCOMPARE(client.idleConnectionCount(), 0);
}

void TestUpstreamClient::closedInTheMiddleOfTheBody()
{
    TinyUpstream upstream([](QTcpSocket *socket, int) {
        socket->write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        socket->disconnectFromHost();
    });
    UpstreamClient client;
    RecordingSink sink;
    client.start(request(upstream.port()), &sink);
    QTRY_VERIFY(sink.done());
    QVERIFY(sink.m_failed);
    QCOMPARE(sink.m_error, UpstreamError::Closed);
    QCOMPARE(sink.body(), QByteArray("abc"));
    QCOMPARE(upstream.requests().size(), 1); // a started response is never resent
}

void TestUpstreamClient::protocolError()
{
    TinyUpstream upstream([](QTcpSocket *socket, int) { socket->write("SSH-2.0-OpenSSH_9.2\r\n\r\n"); });
    UpstreamClient client;
    RecordingSink sink;
    client.start(request(upstream.port()), &sink);
    QTRY_VERIFY(sink.done());
    QVERIFY(sink.m_failed);
    QCOMPARE(sink.m_error, UpstreamError::Protocol);
    QCOMPARE(client.idleConnectionCount(), 0);
}

void TestUpstreamClient::newConnectionWhenThePooledOneWasClosed()
{
    // The upstream answers keep-alive, then closes the idle connection (as servers do after their idle
    // timeout). The next request must not fail for it.
    TinyUpstream upstream([](QTcpSocket *socket, int index) {
        socket->write(okResponse);
        if (index == 0)
            socket->disconnectFromHost();
    });
    UpstreamClient client;
    RecordingSink first;
    client.start(request(upstream.port()), &first);
    QTRY_VERIFY(first.done());
    QVERIFY(first.m_finished);
    QTRY_COMPARE(client.idleConnectionCount(), 0); // the client noticed the close

    RecordingSink second;
    client.start(request(upstream.port()), &second);
    QTRY_VERIFY(second.done());
    QVERIFY2(second.m_finished, qPrintable(second.m_message));
    QCOMPARE(second.body(), QByteArray("ok"));
    QCOMPARE(upstream.connections(), 2);
    QCOMPARE(upstream.requests().size(), 2);
}

void TestUpstreamClient::newConnectionWhenTheCloseIsNoticedLate()
{
    // The same, but the second request starts before the client has read the close: the pool must see
    // that the connection is gone and use a new one (it never resends a request that may have arrived).
    TinyUpstream upstream([](QTcpSocket *socket, int index) {
        socket->write(okResponse);
        if (index == 0)
            socket->disconnectFromHost();
    });
    UpstreamClient client;
    RecordingSink first;
    RecordingSink second;
    bool reusedThePool = false;
    first.m_onFinished = [&] {
        reusedThePool = client.idleConnectionCount() == 1;
        client.start(request(upstream.port(), "{\"n\":2}"), &second);
    };
    client.start(request(upstream.port()), &first);
    QTRY_VERIFY(first.done());
    QVERIFY(reusedThePool); // the second request did go to the pooled (closing) connection
    QTRY_VERIFY(second.done());
    QVERIFY2(second.m_finished, qPrintable(second.m_message));
    QCOMPARE(second.m_status, 200);
    QCOMPARE(second.body(), QByteArray("ok"));
    QCOMPARE(upstream.connections(), 2);
    QCOMPARE(upstream.requests().size(), 2);
    QVERIFY(upstream.requests().at(1).endsWith("{\"n\":2}"));
}

void TestUpstreamClient::noResendWhenTheUpstreamDropsARequest()
{
    // The upstream reads the second request on the kept-alive connection and closes without answering. The
    // request may have been acted on (and billed), so the client reports it and never sends it twice.
    TinyUpstream upstream([](QTcpSocket *socket, int index) {
        if (index == 1)
            socket->disconnectFromHost();
        else
            socket->write(okResponse);
    });
    UpstreamClient client;
    RecordingSink first;
    client.start(request(upstream.port(), "{\"n\":1}"), &first);
    QTRY_VERIFY(first.done());
    QVERIFY(first.m_finished);

    RecordingSink second;
    client.start(request(upstream.port(), "{\"n\":2}"), &second);
    QTRY_VERIFY(second.done());
    QVERIFY(second.m_failed);
    QCOMPARE(second.m_error, UpstreamError::Closed);
    QVERIFY(!second.m_message.isEmpty());
    QCOMPARE(second.m_status, 0);

    // A later request goes through; by then a resend of the second would have reached the upstream.
    RecordingSink third;
    client.start(request(upstream.port(), "{\"n\":3}"), &third);
    QTRY_VERIFY(third.done());
    QVERIFY2(third.m_finished, qPrintable(third.m_message));
    QCOMPARE(upstream.requests().size(), 3);
    QVERIFY(upstream.requests().at(1).endsWith("{\"n\":2}"));
    QVERIFY(upstream.requests().at(2).endsWith("{\"n\":3}"));
    QCOMPARE(upstream.connections(), 2);
}

void TestUpstreamClient::cancelClosesTheConnection()
{
    TinyUpstream upstream([](QTcpSocket *socket, int) {
        socket->write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
    });
    UpstreamClient client;
    RecordingSink sink;
    UpstreamCall call = client.start(request(upstream.port()), &sink);
    QTRY_COMPARE(sink.body(), QByteArray("abc"));
    const int events = sink.m_events;
    call.cancel();
    QTRY_COMPARE(upstream.closedConnections(), 1);
    QCOMPARE(sink.m_events, events);
    QVERIFY(!sink.done());
    QCOMPARE(client.idleConnectionCount(), 0);
}

QTEST_GUILESS_MAIN(TestUpstreamClient)
#include "tst_upstreamclient.moc"
