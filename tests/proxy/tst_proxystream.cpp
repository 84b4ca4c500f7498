// Streamed chat completions through a real Gateway: the events as the client gets them (compared byte for
// byte with what the fake upstream sent), usage asked for on the client's behalf and hidden again, the cost
// on the usage chunk, event-by-event relay (each upstream event held until the client has the one before),
// and streams that break off.

#include "fakestreamgate.h"
#include "fakeupstream.h"
#include "proxyharness.h"
#include "rawhttpclient.h"
#include "testhttp.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;

namespace {
QJsonObject baseRequest(const QString &model, const QString &text)
{
    return QJsonDocument::fromJson(TestHttp::chatBody(model, text, true)).object();
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray withoutCost(const QByteArray &event)
{
    static const QRegularExpression cost(u",\"cost\":[-+0-9.eE]+"_s);
    return QString::fromUtf8(event).remove(cost).toUtf8();
}

RawHttpResponse post(ProxyHarness &h, const QByteArray &body, const QByteArray &requestId = {})
{
    RawHttpClient client;
    if (!client.connectToServer(h.port()))
        return {};
    QByteArrayList headers { "Authorization: Bearer " + h.apiKey() };
    if (!requestId.isEmpty())
        headers.append("x-request-id: " + requestId);
    client.send(RawHttpClient::request("POST", "/v1/chat/completions", body, headers));
    return client.readResponse(15000);
}
} // namespace

class TestProxyStream final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void relayedEventsAndUsage_data();
    void relayedEventsAndUsage();
    void otherAnswersRelayedExactly_data();
    void otherAnswersRelayedExactly();
    void eventsAreRelayedAsTheyArrive();
    void upstreamDropsMidStream();
    void upstreamStallsMidStream();
    void clientLeavesMidStream();

private:
    ProxyHarness m_harness;
};

void TestProxyStream::initTestCase()
{
    QString error;
    QVERIFY2(m_harness.start(&error), qPrintable(error));
}

void TestProxyStream::relayedEventsAndUsage_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("wantsUsage");

    const auto request = [](const QString &text, const QJsonValue &options) {
        QJsonObject object = baseRequest(u"openai/gpt-4o-mini"_s, text);
        if (!options.isUndefined())
            object.insert(u"stream_options"_s, options);
        return object;
    };
    QTest::newRow("no stream_options")
        << compact(request(u"tell me a story"_s, QJsonValue::Undefined)) << false;
    QTest::newRow("include_usage false")
        << compact(request(u"a short poem please"_s, QJsonObject { { u"include_usage"_s, false } })) << false;
    QTest::newRow("empty stream_options") << compact(request(u"one more time"_s, QJsonObject {})) << false;
    QTest::newRow("null stream_options")
        << compact(request(u"null options here"_s, QJsonValue::Null)) << false;
    QTest::newRow("other stream option")
        << compact(request(u"obfuscate nothing"_s, QJsonObject { { u"include_obfuscation"_s, false } }))
        << false;
    QTest::newRow("pretty printed")
        << QJsonDocument(request(u"pretty body"_s, QJsonValue::Undefined)).toJson(QJsonDocument::Indented)
        << false;
    QTest::newRow("include_usage true")
        << compact(request(u"count my tokens"_s, QJsonObject { { u"include_usage"_s, true } })) << true;
}

void TestProxyStream::relayedEventsAndUsage()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, wantsUsage);

    const RawHttpResponse response = post(m_harness, body);
    QVERIFY(response.complete);
    QCOMPARE(response.status, 200);
    QVERIFY2(
        response.header("content-type").startsWith("text/event-stream"), response.header("content-type"));
    QVERIFY(response.chunked);
    const QByteArray requestId = response.header("x-request-id");
    QVERIFY(!requestId.isEmpty());

    // Upstream is always asked for usage, and otherwise gets the client's request with the bare model name.
    const auto upstream = m_harness.lastUpstreamChat();
    QVERIFY(upstream);
    const QJsonObject upstreamJson = upstream->json().toObject();
    QJsonObject expectedUpstream = QJsonDocument::fromJson(body).object();
    expectedUpstream.insert(u"model"_s, u"gpt-4o-mini"_s);
    QJsonObject options = expectedUpstream.value(u"stream_options").toObject();
    options.insert(u"include_usage"_s, true);
    expectedUpstream.insert(u"stream_options"_s, options);
    QCOMPARE(upstreamJson, expectedUpstream);

    const QByteArrayList events = Sse::events(response.body);
    QVERIFY(events.size() > 3);
    QCOMPARE(events.last(), QByteArray("data: [DONE]\n\n"));
    const QJsonObject first = Sse::json(events.first());
    const QByteArrayList expected = UpstreamReplay::streamEvents(upstreamJson,
        first.value(u"id").toString().toUtf8(), first.value(u"created").toInteger(), wantsUsage);
    const auto [prompt, completion] = UpstreamReplay::tokens(upstreamJson);
    const double cost = expectedCost(m_harness.gateway(), prompt, completion);

    if (!wantsUsage) {
        // Byte for byte what an upstream not asked for usage would have sent: no usage key, no usage chunk.
        QCOMPARE(events, expected);
        for (const QByteArray &event : events) {
            QVERIFY2(!Sse::json(event).contains(u"usage"), event);
            QVERIFY2(!event.contains("\"choices\":[]"), event);
        }
    } else {
        QCOMPARE(events.size(), expected.size());
        for (qsizetype i = 0; i < events.size(); ++i) {
            if (i == events.size() - 2)
                QCOMPARE(withoutCost(events[i]), expected[i]);
            else
                QCOMPARE(events[i], expected[i]);
        }
        const QJsonObject usage = Sse::json(events[events.size() - 2]).value(u"usage").toObject();
        QCOMPARE(usage.value(u"prompt_tokens").toInt(), prompt);
        QCOMPARE(usage.value(u"completion_tokens").toInt(), completion);
        QVERIFY(usage.value(u"cost").isDouble());
        QVERIFY2(sameMoney(usage.value(u"cost").toDouble(), cost),
            qPrintable(u"%1 vs %2"_s.arg(usage.value(u"cost").toDouble()).arg(cost)));
    }

    const auto row = m_harness.record(requestId);
    QVERIFY(row);
    QCOMPARE(row->value(u"status"_s).toInt(), 200);
    QCOMPARE(row->value(u"streamed"_s).toInt(), 1);
    QCOMPARE(row->value(u"error"_s).toString(), QString());
    QCOMPARE(row->value(u"finish_reason"_s).toString(), u"stop"_s);
    QCOMPARE(row->value(u"prompt_tokens"_s).toInt(), prompt);
    QCOMPARE(row->value(u"completion_tokens"_s).toInt(), completion);
    QCOMPARE(row->value(u"total_tokens"_s).toInt(), prompt + completion);
    QCOMPARE(row->value(u"request_body"_s).toByteArray(), body);
    QCOMPARE(row->value(u"response_body"_s).toByteArray(), response.body);
    // The cost is recorded even when the usage chunk was withheld from the client.
    QVERIFY2(!row->value(u"cost"_s).isNull() && sameMoney(row->value(u"cost"_s).toDouble(), cost),
        qPrintable(row->value(u"cost"_s).toString()));
}

void TestProxyStream::otherAnswersRelayedExactly_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<int>("kind");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<QString>("finishReason");
    QTest::newRow("tools, stream") << u"fake-tools"_s << int(FakeChatCompletion::Kind::Tools) << true
                                   << u"tool_calls"_s;
    QTest::newRow("tools, whole") << u"fake-tools"_s << int(FakeChatCompletion::Kind::Tools) << false
                                  << u"tool_calls"_s;
    QTest::newRow("length, stream") << u"fake-length"_s << int(FakeChatCompletion::Kind::Length) << true
                                    << u"length"_s;
    QTest::newRow("length, whole") << u"fake-length"_s << int(FakeChatCompletion::Kind::Length) << false
                                   << u"length"_s;
}

void TestProxyStream::otherAnswersRelayedExactly()
{
    QFETCH(QString, model);
    QFETCH(int, kind);
    QFETCH(bool, stream);
    QFETCH(QString, finishReason);
    const auto answerKind = FakeChatCompletion::Kind(kind);

    const QByteArray body
        = TestHttp::chatBody(u"openai/"_s + model, u"what is the weather in two cities"_s, stream);
    const RawHttpResponse response = post(m_harness, body);
    QVERIFY(response.complete);
    QCOMPARE(response.status, 200);
    const auto upstream = m_harness.lastUpstreamChat();
    QVERIFY(upstream);
    const QJsonObject upstreamJson = upstream->json().toObject();
    const FakeChatCompletion answer(upstreamJson, answerKind, {}, "x", 0);

    // The catalog has no price for these models: no cost is added, so the relay is exact.
    if (stream) {
        const QByteArrayList events = Sse::events(response.body);
        QVERIFY(!events.isEmpty());
        const QJsonObject first = Sse::json(events.first());
        QCOMPARE(events,
            UpstreamReplay::streamEvents(upstreamJson, first.value(u"id").toString().toUtf8(),
                first.value(u"created").toInteger(), false, answerKind));
    } else {
        const QJsonObject json = QJsonDocument::fromJson(response.body).object();
        QCOMPARE(response.body,
            UpstreamReplay::body(upstreamJson, json.value(u"id").toString().toUtf8(),
                json.value(u"created").toInteger(), answerKind));
    }
    const auto row = m_harness.record(response.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"finish_reason"_s).toString(), finishReason);
    QCOMPARE(row->value(u"streamed"_s).toBool(), stream);
    QCOMPARE(row->value(u"prompt_tokens"_s).toInt(), answer.promptTokens());
    QCOMPARE(row->value(u"completion_tokens"_s).toInt(), answer.completionTokens());
    QVERIFY(row->value(u"cost"_s).isNull());
}

void TestProxyStream::eventsAreRelayedAsTheyArrive()
{
    // The fake holds each event after the first until the test releases it: the client reading event N while
    // N+1 is still held upstream proves that the gateway relayed N on its own, without buffering. With usage
    // asked for, each of the 7 upstream events (role, "Echo:", " one", " two", finish, usage, [DONE]) reaches
    // the client as one event.
    QJsonObject request = baseRequest(u"openai/fake-stream-gated"_s, u"one two"_s);
    request.insert(u"stream_options"_s, QJsonObject { { u"include_usage"_s, true } });
    FakeStreamGate &gate = m_harness.upstream().streamGate();
    RawHttpClient client;
    QVERIFY(client.connectToServer(m_harness.port()));
    client.send(RawHttpClient::request(
        "POST", "/v1/chat/completions", compact(request), { "Authorization: Bearer " + m_harness.apiKey() }));
    constexpr int kEvents = 7;
    QElapsedTimer heldSinceFirst;
    for (int n = 1; n < kEvents; ++n) {
        QTRY_COMPARE_WITH_TIMEOUT(client.pending().count("data: "), n, 10'000);
        QCOMPARE(gate.heldCount(), 1); // event n+1 has not left the upstream
        if (n == 1) {
            heldSinceFirst.start();
            // The record's time to first token must fall before this hold and its duration after it.
            QTRY_VERIFY(heldSinceFirst.elapsed() >= 20);
        }
        gate.release();
    }
    const RawHttpResponse response = client.readResponse(10'000);
    const qint64 held = heldSinceFirst.elapsed();
    QVERIFY(response.complete);
    QCOMPARE(response.status, 200);
    const QByteArrayList events = Sse::events(response.body);
    QCOMPARE(events.size(), kEvents);
    QCOMPARE(events.last(), QByteArray("data: [DONE]\n\n"));
    QCOMPARE(gate.heldCount(), 0);

    // The first token came before the hold, the end after it: ttft is taken when the first event arrives.
    const auto row = m_harness.record(response.header("x-request-id"));
    QVERIFY(row);
    QVERIFY(!row->value(u"ttft_ms"_s).isNull());
    const qint64 ttft = row->value(u"ttft_ms"_s).toLongLong();
    const qint64 duration = row->value(u"duration_ms"_s).toLongLong();
    QVERIFY2(duration - ttft >= held - 2,
        qPrintable(u"ttft %1 ms, duration %2 ms, held %3 ms"_s.arg(ttft).arg(duration).arg(held)));
}

void TestProxyStream::upstreamDropsMidStream()
{
    const QByteArray body = TestHttp::chatBody(u"openai/fake-drop-mid-stream"_s, u"this will break"_s, true);
    const RawHttpResponse response = post(m_harness, body);
    QVERIFY(response.complete); // the gateway ends its own stream properly
    QCOMPARE(response.status, 200);
    const QByteArrayList events = Sse::events(response.body);
    QCOMPARE(events.size(), 3);
    const auto upstream = m_harness.lastUpstreamChat();
    QVERIFY(upstream);
    const QJsonObject first = Sse::json(events.first());
    const QByteArrayList expected = UpstreamReplay::streamEvents(upstream->json().toObject(),
        first.value(u"id").toString().toUtf8(), first.value(u"created").toInteger(), false);
    QCOMPARE(events.mid(0, 2), expected.mid(0, 2));
    const QJsonObject error = Sse::json(events[2]).value(u"error").toObject();
    QVERIFY2(!error.value(u"message").toString().isEmpty(), events[2]);
    QVERIFY(!error.value(u"type").toString().isEmpty());
    QVERIFY(!error.value(u"code").toString().isEmpty());

    const auto row = m_harness.record(response.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"streamed"_s).toInt(), 1);
    QVERIFY(!row->value(u"error"_s).toString().isEmpty());
    // No usage report came: the tokens are estimated from the sizes, and marked so (never a silent 0).
    QCOMPARE(row->value(u"usage_estimated"_s).toInt(), 1);
    QVERIFY(row->value(u"prompt_tokens"_s).toInt() > 0);
    QVERIFY(row->value(u"completion_tokens"_s).toInt() > 0); // "Echo:" was relayed before the break
    QVERIFY(row->value(u"cost"_s).isNull()); // "fake-drop-mid-stream" has no price: unknown, not free
    QVERIFY(response.body.startsWith(row->value(u"response_body"_s).toByteArray()));
    // The retained body includes the error event that tells what went wrong.
    QCOMPARE(row->value(u"response_body"_s).toByteArray(), response.body);
}

void TestProxyStream::upstreamStallsMidStream()
{
    ProxyHarness h;
    ProxyHarness::Options options;
    options.streamIdleTimeoutMs = 300;
    QString startError;
    QVERIFY2(h.start(options, &startError), qPrintable(startError));

    // Held after the first event until released, which this test never does: only the gateway's idle
    // timeout can end the stream.
    const QByteArray body = TestHttp::chatBody(u"openai/fake-stream-gated"_s, u"slow words"_s, true);
    const RawHttpResponse response = post(h, body);
    QVERIFY(response.complete);
    QCOMPARE(response.status, 200);
    const QByteArrayList events = Sse::events(response.body);
    QVERIFY(events.size() >= 2);
    QVERIFY(Sse::json(events.first()).contains(u"choices")); // the first event went out before the stall
    QVERIFY2(Sse::json(events.last()).value(u"error").toObject().contains(u"message"), events.last());
    const auto row = h.record(response.header("x-request-id"));
    QVERIFY(row);
    QVERIFY(!row->value(u"error"_s).toString().isEmpty());
    QCOMPARE(row->value(u"response_body"_s).toByteArray(), response.body);
    // The gateway hung up on the stalled upstream rather than keep its connection.
    QTRY_COMPARE(h.upstream().streamGate().heldCount(), 0);
}

void TestProxyStream::clientLeavesMidStream()
{
    // Held after the first event: the client always leaves before the stream ends.
    const QByteArray body
        = TestHttp::chatBody(u"openai/fake-stream-gated"_s, u"nobody listens to this"_s, true);
    auto client = std::make_unique<RawHttpClient>();
    QVERIFY(client->connectToServer(m_harness.port()));
    client->send(RawHttpClient::request("POST", "/v1/chat/completions", body,
        { "Authorization: Bearer " + m_harness.apiKey(), "x-request-id: leaves-early" }));
    QTRY_VERIFY_WITH_TIMEOUT(client->pending().contains("data: "), 5000);
    client.reset(); // closes the connection

    const auto row = m_harness.record("leaves-early");
    QVERIFY(row);
    QCOMPARE(row->value(u"status"_s).toInt(), 499);
    QCOMPARE(row->value(u"streamed"_s).toInt(), 1);
    QVERIFY(!row->value(u"error"_s).toString().isEmpty());
    // The gateway hung up on the upstream as well.
    QTRY_COMPARE(m_harness.upstream().streamGate().heldCount(), 0);
}

QTEST_GUILESS_MAIN(TestProxyStream)
#include "tst_proxystream.moc"
