// Checks the fake upstream's HTTP behaviour: timing, hang-ups, keep-alive, request framing, its record.

#include "fakestreamgate.h"
#include "fakeupstream.h"
#include "rawhttpclient.h"
#include "reservedport.h"
#include "testclock.h"
#include "testhttp.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>
#include <memory>

using TestHttp::chatBody;
using TestHttp::sseData;

class TestFakeUpstreamWire final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void slowAndStreamDelay();
    void gatedStreamWaitsForTheTest();
    void clientLeavingLetsGoOfTheGate();
    void reservedPortRefusesUntilListenedOn();
    void dropWithoutAnswer();
    void dropMidStream();
    void recordsRequests();
    void recordOverHttp();
    void keepAliveAndPipelining();
    void chunkedRequestBodyAndContinue();
    void badRequestClosesConnection();

private:
    TestHttpResult call(const QByteArray &method, const QString &path, const QByteArray &body = {},
        const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        return TestHttp::call(*m_nam, m_upstream->port(), method, path, body, headers);
    }

    TestClock m_clock;
    FakeUpstream *m_upstream = nullptr;
    QNetworkAccessManager *m_nam = nullptr;
};

void TestFakeUpstreamWire::init()
{
    m_upstream = new FakeUpstream(&m_clock, this);
    QVERIFY2(m_upstream->listen(), qPrintable(m_upstream->errorString()));
    m_nam = new QNetworkAccessManager(this);
}

void TestFakeUpstreamWire::cleanup()
{
    delete m_nam;
    delete m_upstream;
}

void TestFakeUpstreamWire::slowAndStreamDelay()
{
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(call("POST", u"/v1/chat/completions"_qs, chatBody(u"fake-slow-300"_qs, u"x"_qs)).status, 200);
    QVERIFY2(timer.elapsed() >= 300, qPrintable(QString::number(timer.elapsed())));

    // Two words: role, 2 deltas, finish, [DONE] = 4 pauses of 100 ms between 5 events.
    timer.restart();
    const TestHttpResult stream
        = call("POST", u"/v1/chat/completions"_qs, chatBody(u"fake-stream-delay-100"_qs, u"x"_qs, true));
    QCOMPARE(stream.status, 200);
    QCOMPARE(sseData(stream.body).size(), 5);
    QVERIFY2(timer.elapsed() >= 400, qPrintable(QString::number(timer.elapsed())));
}

void TestFakeUpstreamWire::gatedStreamWaitsForTheTest()
{
    FakeStreamGate &gate = m_upstream->streamGate();
    RawHttpClient client;
    QVERIFY(client.connectToServer(m_upstream->port()));
    client.send(RawHttpClient::request(
        "POST", "/v1/chat/completions", chatBody(u"fake-stream-gated"_qs, u"x"_qs, true)));
    // Role, "Echo:", " x", finish, [DONE]: the first goes out with the head, each other when released.
    constexpr int kEvents = 5;
    for (int n = 1; n < kEvents; ++n) {
        QTRY_COMPARE(client.pending().count("data: "), n);
        QCOMPARE(gate.heldCount(), 1);
        gate.release();
    }
    const RawHttpResponse response = client.readResponse();
    QVERIFY(response.complete);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.chunks.size(), kEvents); // still one event per chunk
    QCOMPARE(sseData(response.body).size(), kEvents);
    QVERIFY(response.body.endsWith("data: [DONE]\n\n"));
    QCOMPARE(gate.heldCount(), 0);
}

void TestFakeUpstreamWire::clientLeavingLetsGoOfTheGate()
{
    FakeStreamGate &gate = m_upstream->streamGate();
    auto client = std::make_unique<RawHttpClient>();
    QVERIFY(client->connectToServer(m_upstream->port()));
    client->send(RawHttpClient::request(
        "POST", "/v1/chat/completions", chatBody(u"fake-stream-gated"_qs, u"x"_qs, true)));
    QTRY_VERIFY(client->pending().contains("data: "));
    QCOMPARE(gate.heldCount(), 1);
    client.reset();
    QTRY_COMPARE(gate.heldCount(), 0);
    gate.release(); // nothing held: nothing happens, and the fake serves on
    QCOMPARE(call("POST", u"/v1/chat/completions"_qs, chatBody(u"gpt-4o-mini"_qs, u"x"_qs)).status, 200);
}

void TestFakeUpstreamWire::reservedPortRefusesUntilListenedOn()
{
    ReservedPort reserved;
    QVERIFY2(reserved.isValid(), qPrintable(reserved.errorString()));
    QVERIFY(reserved.port() > 0);
    const TestHttpResult refused = TestHttp::call(*m_nam, reserved.port(), "GET", u"/v1/models"_qs);
    QCOMPARE(refused.error, QNetworkReply::ConnectionRefusedError);

    FakeUpstream later(&m_clock);
    QVERIFY2(later.listen(reserved), qPrintable(later.errorString()));
    QCOMPARE(later.port(), reserved.port());
    QCOMPARE(TestHttp::call(*m_nam, later.port(), "GET", u"/v1/models"_qs).status, 200);
    QVERIFY(!later.listen(reserved)); // taken over once
    QVERIFY(!later.errorString().isEmpty());
}

void TestFakeUpstreamWire::dropWithoutAnswer()
{
    const TestHttpResult result
        = call("POST", u"/v1/chat/completions"_qs, chatBody(u"fake-drop"_qs, u"x"_qs));
    QCOMPARE(result.status, 0);
    QCOMPARE(result.error, QNetworkReply::RemoteHostClosedError);
    // Recorded although never answered. QNAM resends once when a connection closes before any response, so
    // the fake may see the request twice.
    QVERIFY(!m_upstream->receivedRequests().isEmpty());
    QCOMPARE(m_upstream->receivedRequests().first().json()[u"model"].toString(), u"fake-drop"_qs);
}

void TestFakeUpstreamWire::dropMidStream()
{
    RawHttpClient client;
    QVERIFY(client.connectToServer(m_upstream->port()));
    client.send(RawHttpClient::request(
        "POST", "/v1/chat/completions", chatBody(u"fake-drop-mid-stream"_qs, u"one two three"_qs, true)));
    const RawHttpResponse response = client.readResponse();
    QVERIFY(!response.complete);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.chunks.size(), 2);
    QVERIFY(response.chunks[1].contains("\"content\":\"Echo:\""));
    QVERIFY(client.waitForDisconnected());

    RawHttpClient plain;
    QVERIFY(plain.connectToServer(m_upstream->port()));
    plain.send(RawHttpClient::request(
        "POST", "/v1/chat/completions", chatBody(u"fake-drop-mid-stream"_qs, u"x"_qs)));
    const RawHttpResponse half = plain.readResponse();
    QVERIFY(!half.complete);
    QCOMPARE(half.status, 200);
    QVERIFY(half.body.size() < half.header("content-length").toInt());
}

void TestFakeUpstreamWire::recordsRequests()
{
    QSignalSpy received(m_upstream, &FakeUpstream::requestReceived);
    const QByteArray body = chatBody(u"gpt-4o-mini"_qs, u"record me"_qs);
    QCOMPARE(
        call("POST", u"/v1/chat/completions?x=1"_qs, body, { { "X-Custom-Header", "Value" } }).status, 200);
    QCOMPARE(received.size(), 1);
    const FakeHttpRequest request = received.first().first().value<FakeHttpRequest>();
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.path, QByteArray("/v1/chat/completions"));
    QCOMPARE(request.target, QByteArray("/v1/chat/completions?x=1"));
    QCOMPARE(request.header("x-custom-header"), QByteArray("Value"));
    QCOMPARE(request.header("content-type"), QByteArray("application/json"));
    QCOMPARE(request.body, body);
    QCOMPARE(m_upstream->receivedRequests().size(), 1);
    QCOMPARE(m_upstream->receivedRequests().first().json()[u"model"].toString(), u"gpt-4o-mini"_qs);
    m_upstream->clearReceivedRequests();
    QVERIFY(m_upstream->receivedRequests().isEmpty());
}

void TestFakeUpstreamWire::recordOverHttp()
{
    call("POST", u"/v1/chat/completions"_qs, chatBody(u"gpt-4o-mini"_qs, u"one"_qs),
        { { "Authorization", "Bearer sk-x" } });
    call("GET", u"/v1/models"_qs);
    const TestHttpResult record = call("GET", u"/__fake/requests"_qs);
    QCOMPARE(record.status, 200);
    const QJsonArray requests = QJsonDocument::fromJson(record.body).array();
    QCOMPARE(requests.size(), 2); // the record's own requests are not in it
    QCOMPARE(requests[0][u"method"].toString(), u"POST"_qs);
    QCOMPARE(requests[0][u"path"].toString(), u"/v1/chat/completions"_qs);
    QCOMPARE(requests[0][u"headers"][u"authorization"].toString(), u"Bearer sk-x"_qs);
    QCOMPARE(requests[0][u"json"][u"messages"][1][u"content"].toString(), u"one"_qs);
    QVERIFY(requests[0][u"body"].toString().contains(u"\"one\""));
    QCOMPARE(requests[1][u"path"].toString(), u"/v1/models"_qs);
    QVERIFY(requests[1][u"json"].isNull());

    QCOMPARE(call("DELETE", u"/__fake/requests"_qs).status, 204);
    QCOMPARE(QJsonDocument::fromJson(call("GET", u"/__fake/requests"_qs).body).array().size(), 0);
}

void TestFakeUpstreamWire::keepAliveAndPipelining()
{
    RawHttpClient client;
    QVERIFY(client.connectToServer(m_upstream->port()));
    // Two requests in one write: the second waits for the first (a stream held at the gate) and is answered
    // in order.
    client.send(RawHttpClient::request(
                    "POST", "/v1/chat/completions", chatBody(u"fake-stream-gated"_qs, u"a"_qs, true))
        + RawHttpClient::request("GET", "/v1/models"));
    for (int n = 1; n < 5; ++n) {
        QTRY_COMPARE(client.pending().count("data: "), n);
        QCOMPARE(client.pending().count("HTTP/1.1 "), 1); // not a byte of the second answer yet
        m_upstream->streamGate().release();
    }
    const RawHttpResponse first = client.readResponse();
    QVERIFY(first.complete);
    QVERIFY(first.body.endsWith("data: [DONE]\n\n"));
    const RawHttpResponse second = client.readResponse();
    QVERIFY(second.complete);
    QVERIFY(second.body.startsWith("{\"object\":\"list\""));
    QVERIFY(client.isConnected());

    client.send(RawHttpClient::request("GET", "/v1/models", {}, { "Connection: close" }));
    const RawHttpResponse last = client.readResponse();
    QVERIFY(last.complete);
    QCOMPARE(last.header("connection"), QByteArray("close"));
    QVERIFY(client.waitForDisconnected());

    QCOMPARE(m_upstream->connectionCount(), quint64(1));
    const QList<FakeHttpRequest> requests = m_upstream->receivedRequests();
    QCOMPARE(requests.size(), 3);
    QCOMPARE(requests[0].connectionId, requests[2].connectionId);
}

void TestFakeUpstreamWire::chunkedRequestBodyAndContinue()
{
    const QByteArray body = chatBody(u"gpt-4o-mini"_qs, u"chunked body"_qs);
    RawHttpClient client;
    QVERIFY(client.connectToServer(m_upstream->port()));
    client.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                "Expect: 100-continue\r\n\r\n");
    const RawHttpResponse interim = client.readResponse();
    QVERIFY(interim.complete);
    QCOMPARE(interim.status, 100);
    client.send(QByteArray::number(10, 16) + ";ext=1\r\n" + body.left(10) + "\r\n"
        + QByteArray::number(body.size() - 10, 16) + "\r\n" + body.mid(10) + "\r\n0\r\nTrailer: x\r\n\r\n");
    const RawHttpResponse response = client.readResponse();
    QVERIFY(response.complete);
    QCOMPARE(response.status, 200);
    QVERIFY(response.body.contains("\"content\":\"Echo: chunked body\""));
    QCOMPARE(m_upstream->receivedRequests().first().body, body);
    QVERIFY(m_upstream->receivedRequests().first().chunked);
}

void TestFakeUpstreamWire::badRequestClosesConnection()
{
    RawHttpClient client;
    QVERIFY(client.connectToServer(m_upstream->port()));
    client.send("POST /v1/chat/completions HTTP/1.1\r\nContent-Length: banana\r\n\r\n");
    const RawHttpResponse response = client.readResponse();
    QVERIFY(response.complete);
    QCOMPARE(response.status, 400);
    QVERIFY(response.body.contains("\"error\""));
    QVERIFY(client.waitForDisconnected());
    QVERIFY(m_upstream->receivedRequests().isEmpty());
}

QTEST_GUILESS_MAIN(TestFakeUpstreamWire)
#include "tst_fakeupstreamwire.moc"
