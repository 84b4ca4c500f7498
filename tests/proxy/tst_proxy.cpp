// The proxy's non-stream path end to end: a real Gateway in front of the fake OpenAI upstream, asserting what
// the client gets, what the upstream got and what the gateway recorded; also /v1/models, /health, the Host
// check, keep-alive and pipelining through the proxy.

#include "fakeupstream.h"
#include "proxyharness.h"
#include "rawhttpclient.h"
#include "reservedport.h"
#include "testhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
QByteArray withoutCost(const QByteArray &body)
{
    static const QRegularExpression cost(u",\"cost\":[-+0-9.eE]+"_s);
    return QString::fromUtf8(body).remove(cost).toUtf8();
}

// The assistant's text in a whole chat completion.
QString messageContent(const QByteArray &body)
{
    return QJsonDocument::fromJson(body)
        .object()
        .value(u"choices")
        .toArray()
        .first()
        .toObject()
        .value(u"message")
        .toObject()
        .value(u"content")
        .toString();
}

} // namespace

class TestProxy final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void nonStreamChat();
    void cachedAndReasoningTokensAreCosted_data();
    void cachedAndReasoningTokensAreCosted();
    void clientRequestIdIsEchoed();
    void unusableRequestIdIsReplaced();
    void bareModelNameRoutesToOpenAi();
    void xApiKeyHeaderAuthenticates();
    void embeddingsAreProxiedAndCosted();
    void localModelsAreDiscoveredAndFree();
    void localServerStartedLaterIsDiscovered();
    void modelsListsConfiguredProviders();
    void modelsNeedsAKey();
    void healthNeedsNoKey();
    void hostHeaderIsChecked_data();
    void hostHeaderIsChecked();
    void keepAliveReusesBothConnections();
    void pipelinedRequestsAnswerInOrder_data();
    void pipelinedRequestsAnswerInOrder();

private:
    ProxyHarness m_harness;
};

void TestProxy::initTestCase()
{
    QString error;
    QVERIFY2(m_harness.start(&error), qPrintable(error));
}

void TestProxy::nonStreamChat()
{
    const QByteArray body = TestHttp::chatBody(u"openai/gpt-4o-mini"_s, u"How tall is the Eiffel tower?"_s);
    const TestHttpResult result = m_harness.chat(body);
    QCOMPARE(result.status, 200);
    QVERIFY2(result.header("content-type").startsWith("application/json"), result.header("content-type"));
    const QByteArray requestId = result.header("x-request-id");
    QVERIFY(!requestId.isEmpty());

    // What went upstream: the client's request with the bare model name, and the provider key.
    const auto upstream = m_harness.lastUpstreamChat();
    QVERIFY(upstream);
    QCOMPARE(upstream->header("authorization"), QByteArray("Bearer sk-up"));
    QJsonObject sent = QJsonDocument::fromJson(body).object();
    sent.insert(u"model"_s, u"gpt-4o-mini"_s);
    const QJsonObject upstreamJson = upstream->json().toObject();
    QCOMPARE(upstreamJson, sent);

    // What came back: upstream's body byte for byte, with usage.cost added.
    const QJsonObject json = result.json();
    const QByteArray upstreamBody = UpstreamReplay::body(
        upstreamJson, json.value(u"id").toString().toUtf8(), json.value(u"created").toInteger());
    QCOMPARE(withoutCost(result.body), upstreamBody);
    QCOMPARE(messageContent(result.body), u"Echo: How tall is the Eiffel tower?"_s);
    const auto [prompt, completion] = UpstreamReplay::tokens(sent);
    const QJsonObject usage = json.value(u"usage").toObject();
    QCOMPARE(usage.value(u"prompt_tokens").toInt(), prompt);
    QCOMPARE(usage.value(u"completion_tokens").toInt(), completion);
    QCOMPARE(usage.value(u"total_tokens").toInt(), prompt + completion);
    QVERIFY(usage.value(u"cost").isDouble());
    const double cost = usage.value(u"cost").toDouble();
    const double expected = expectedCost(m_harness.gateway(), prompt, completion);
    QVERIFY(expected > 0);
    QVERIFY2(sameMoney(cost, expected), qPrintable(u"cost %1, expected %2"_s.arg(cost).arg(expected)));

    const auto row = m_harness.record(requestId);
    QVERIFY(row);
    QCOMPARE(row->value(u"status"_s).toInt(), 200);
    QCOMPARE(row->value(u"endpoint"_s).toString(), u"/v1/chat/completions"_s);
    QCOMPARE(row->value(u"requested_model"_s).toString(), u"openai/gpt-4o-mini"_s);
    QCOMPARE(row->value(u"used_model"_s).toString(), u"gpt-4o-mini"_s);
    QCOMPARE(row->value(u"used_provider"_s).toString(), u"openai"_s);
    QCOMPARE(row->value(u"streamed"_s).toInt(), 0);
    QCOMPARE(row->value(u"finish_reason"_s).toString(), u"stop"_s);
    QCOMPARE(row->value(u"error"_s).toString(), QString());
    QCOMPARE(row->value(u"api_key_id"_s).toLongLong(), m_harness.apiKeyId());
    QCOMPARE(row->value(u"member"_s).toString(), u"dev@example.com"_s);
    QCOMPARE(row->value(u"prompt_tokens"_s).toInt(), prompt);
    QCOMPARE(row->value(u"completion_tokens"_s).toInt(), completion);
    QCOMPARE(row->value(u"total_tokens"_s).toInt(), prompt + completion);
    QVERIFY(sameMoney(row->value(u"cost"_s).toDouble(), expected));
    QCOMPARE(row->value(u"client_ip"_s).toString(), u"127.0.0.1"_s);
}

void TestProxy::cachedAndReasoningTokensAreCosted_data()
{
    QTest::addColumn<bool>("stream");
    QTest::newRow("whole") << false;
    QTest::newRow("stream") << true;
}

void TestProxy::cachedAndReasoningTokensAreCosted()
{
    QFETCH(bool, stream);
    m_harness.upstream().setCachedTokens(8);
    m_harness.upstream().setReasoningTokens(5);
    const auto reset = qScopeGuard([this] {
        m_harness.upstream().setCachedTokens(0);
        m_harness.upstream().setReasoningTokens(0);
    });
    const QByteArray body
        = TestHttp::chatBody(u"openai/gpt-4o-mini"_s, u"cache me if you can"_s, stream, stream);
    const TestHttpResult result = m_harness.chat(body);
    QCOMPARE(result.status, 200);

    const auto [prompt, answered] = UpstreamReplay::tokens(QJsonDocument::fromJson(body).object());
    const int completion = answered + 5; // reasoning tokens are part of completion_tokens
    const ModelInfo *model = m_harness.gateway().catalog().find(u"openai"_s, u"gpt-4o-mini"_s);
    QVERIFY(model && model->price && model->price->cachedInput);
    const double expected = double(prompt - 8) * model->price->input / 1e6
        + 8 * *model->price->cachedInput / 1e6 + double(completion) * model->price->output / 1e6;

    QJsonObject usage;
    if (stream) {
        const QByteArrayList events = Sse::events(result.body);
        QVERIFY(events.size() > 2);
        usage = Sse::json(events[events.size() - 2]).value(u"usage").toObject();
    } else {
        usage = result.json().value(u"usage").toObject();
    }
    QCOMPARE(usage.value(u"completion_tokens").toInt(), completion);
    QVERIFY2(sameMoney(usage.value(u"cost").toDouble(), expected),
        qPrintable(u"%1 vs %2"_s.arg(usage.value(u"cost").toDouble()).arg(expected)));

    const auto row = m_harness.record(result.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"prompt_tokens"_s).toInt(), prompt);
    QCOMPARE(row->value(u"cached_tokens"_s).toInt(), 8);
    QCOMPARE(row->value(u"completion_tokens"_s).toInt(), completion);
    QCOMPARE(row->value(u"reasoning_tokens"_s).toInt(), 5);
    QVERIFY(sameMoney(row->value(u"cost"_s).toDouble(), expected));
}

void TestProxy::clientRequestIdIsEchoed()
{
    const TestHttpResult result = m_harness.chat(
        TestHttp::chatBody(u"openai/gpt-4o-mini"_s, u"echo my id"_s), { { "x-request-id", "client-id-42" } });
    QCOMPARE(result.status, 200);
    QCOMPARE(result.header("x-request-id"), QByteArray("client-id-42"));
    const auto row = m_harness.record("client-id-42");
    QVERIFY(row);
    QCOMPARE(row->value(u"status"_s).toInt(), 200);
}

void TestProxy::unusableRequestIdIsReplaced()
{
    const QByteArray tooLong(200, 'a');
    const TestHttpResult result = m_harness.chat(
        TestHttp::chatBody(u"openai/gpt-4o-mini"_s, u"long id"_s), { { "x-request-id", tooLong } });
    QCOMPARE(result.status, 200);
    const QByteArray id = result.header("x-request-id");
    QVERIFY(!id.isEmpty());
    QVERIFY(id != tooLong);
    QVERIFY(m_harness.record(id));
}

void TestProxy::bareModelNameRoutesToOpenAi()
{
    const TestHttpResult result = m_harness.chat(TestHttp::chatBody(u"gpt-4o-mini"_s, u"bare name"_s));
    QCOMPARE(result.status, 200);
    const auto upstream = m_harness.lastUpstreamChat();
    QVERIFY(upstream);
    QCOMPARE(upstream->json().toObject().value(u"model").toString(), u"gpt-4o-mini"_s);
    QVERIFY(result.json().value(u"usage").toObject().value(u"cost").toDouble() > 0);
    const auto row = m_harness.record(result.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"requested_model"_s).toString(), u"gpt-4o-mini"_s);
    QCOMPARE(row->value(u"used_provider"_s).toString(), u"openai"_s);
    QCOMPARE(row->value(u"used_model"_s).toString(), u"gpt-4o-mini"_s);
}

void TestProxy::embeddingsAreProxiedAndCosted()
{
    const QByteArray body = R"({"model":"openai/text-embedding-3-small","input":["one two three","four"]})";
    const TestHttpResult result = TestHttp::call(m_harness.nam(), m_harness.port(), "POST",
        u"/v1/embeddings"_s, body, { { "content-type", "application/json" }, m_harness.authHeader() });
    QCOMPARE(result.status, 200);
    const QJsonObject answer = result.json();
    QCOMPARE(answer.value(u"data").toArray().size(), 2);
    // The fake counts words: 3 + 1 input tokens, priced from the catalog.
    const QJsonObject usage = answer.value(u"usage").toObject();
    QCOMPARE(usage.value(u"prompt_tokens").toInt(), 4);
    const ModelInfo *model = m_harness.gateway().catalog().find(u"openai"_s, u"text-embedding-3-small"_s);
    QVERIFY(model && model->price);
    QCOMPARE(usage.value(u"cost").toDouble(), 4 * model->price->input / 1e6);

    const auto upstream = m_harness.upstream().receivedRequests().last();
    QCOMPARE(upstream.path, QByteArray("/v1/embeddings"));
    QCOMPARE(upstream.json().toObject().value(u"model").toString(), u"text-embedding-3-small"_s);
    const auto row = m_harness.record(result.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"endpoint"_s).toString(), u"/v1/embeddings"_s);
    QCOMPARE(row->value(u"prompt_tokens"_s).toInt(), 4);
    QCOMPARE(row->value(u"completion_tokens"_s).toInt(), 0);
    QVERIFY(row->value(u"cost"_s).toDouble() > 0);

    // A request without input is the client's mistake, answered before any upstream call.
    const TestHttpResult bad = TestHttp::call(m_harness.nam(), m_harness.port(), "POST", u"/v1/embeddings"_s,
        R"({"model":"openai/text-embedding-3-small"})",
        { { "content-type", "application/json" }, m_harness.authHeader() });
    QCOMPARE(bad.status, 400);
    QVERIFY(bad.json().value(u"error").toObject().value(u"message").toString().contains(u"input"_s));
}

void TestProxy::localModelsAreDiscoveredAndFree()
{
    // A second fake plays LM Studio (no key, OpenAI's model list at /v1/models).
    FakeUpstream lmStudio;
    QVERIFY(lmStudio.listen());
    ProxyHarness h;
    ProxyHarness::Options options;
    options.extraEnvironment = { { u"LMSTUDIO_BASE_URL"_s, u"http://127.0.0.1:%1"_s.arg(lmStudio.port()) } };
    QString error;
    QVERIFY2(h.start(options, &error), qPrintable(error));

    // Asked at start (on the gateway's pool: the answer comes a moment later), and listed.
    QTRY_VERIFY(h.gateway().localModels().providersOf(u"gpt-4o-mini"_s).contains(u"lmstudio"_s));
    const TestHttpResult models
        = TestHttp::call(h.nam(), h.port(), "GET", u"/v1/models"_s, {}, { h.authHeader() });
    QVERIFY2(models.body.contains("\"lmstudio/gpt-4o-mini\""), models.body.left(300));

    // Used: it costs 0, not "unknown".
    const TestHttpResult result = h.chat(TestHttp::chatBody(u"lmstudio/gpt-4o-mini"_s, u"local call"_s));
    QCOMPARE(result.status, 200);
    QCOMPARE(lmStudio.receivedRequests().last().path, QByteArray("/v1/chat/completions"));
    QCOMPARE(result.json().value(u"usage").toObject().value(u"cost").toDouble(-1), 0.0);
    const auto row = h.record(result.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"used_provider"_s).toString(), u"lmstudio"_s);
    QVERIFY(!row->value(u"cost"_s).isNull());
    QCOMPARE(row->value(u"cost"_s).toDouble(), 0.0);

    // A model the local server got after the gateway started is free as well.
    const TestHttpResult later = h.chat(TestHttp::chatBody(u"lmstudio/pulled-later"_s, u"new model"_s));
    QCOMPARE(later.status, 200);
    QCOMPARE(later.json().value(u"usage").toObject().value(u"cost").toDouble(-1), 0.0);
}

// Ollama or LM Studio started (or a model pulled) after the gateway: listed and routed by bare name at the
// next discovery, without a restart; stopped: no longer listed.
void TestProxy::localServerStartedLaterIsDiscovered()
{
    // Refused until the fake listens there; no suite running beside this one can take the port meanwhile.
    ReservedPort port;
    QVERIFY2(port.isValid(), qPrintable(port.errorString()));
    ProxyHarness h;
    ProxyHarness::Options options;
    options.extraEnvironment = { { u"LMSTUDIO_BASE_URL"_s, u"http://127.0.0.1:%1"_s.arg(port.port()) } };
    options.localModelsRefreshMs = 100;
    QString error;
    QVERIFY2(h.start(options, &error), qPrintable(error));
    const auto listed = [&] {
        return TestHttp::call(h.nam(), h.port(), "GET", u"/v1/models"_s, {}, { h.authHeader() })
            .body.contains("\"lmstudio/gpt-4o-mini\"");
    };
    QVERIFY(!listed());

    auto lmStudio = std::make_unique<FakeUpstream>();
    QVERIFY2(lmStudio->listen(port), qPrintable(lmStudio->errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(listed(), 10'000);
    // A bare name its server serves goes there: free, so before the paid providers that offer it.
    const TestHttpResult bare = h.chat(TestHttp::chatBody(u"gpt-4o-mini"_s, u"local by bare name"_s));
    QCOMPARE(bare.status, 200);
    const auto row = h.record(bare.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"used_provider"_s).toString(), u"lmstudio"_s);
    QCOMPARE(row->value(u"cost"_s).toDouble(), 0.0);

    lmStudio.reset();
    QTRY_VERIFY_WITH_TIMEOUT(!listed(), 10'000);
}

void TestProxy::xApiKeyHeaderAuthenticates()
{
    const TestHttpResult result = TestHttp::call(m_harness.nam(), m_harness.port(), "POST",
        u"/v1/chat/completions"_s, TestHttp::chatBody(u"openai/gpt-4o-mini"_s, u"via x-api-key"_s),
        { { "x-api-key", m_harness.apiKey() } });
    QCOMPARE(result.status, 200);
    const auto row = m_harness.record(result.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"api_key_id"_s).toLongLong(), m_harness.apiKeyId());
}

void TestProxy::modelsListsConfiguredProviders()
{
    const TestHttpResult result = TestHttp::call(
        m_harness.nam(), m_harness.port(), "GET", u"/v1/models"_s, {}, { m_harness.authHeader() });
    QCOMPARE(result.status, 200);
    QVERIFY(!result.header("x-request-id").isEmpty());
    const QJsonObject json = result.json();
    QCOMPARE(json.value(u"object").toString(), u"list"_s);
    QStringList ids;
    for (const QJsonValue &model : json.value(u"data").toArray())
        ids.append(model.toObject().value(u"id").toString());
    QVERIFY2(ids.contains(u"openai/gpt-4o-mini"_s), qPrintable(ids.join(u", "_s)));
    // Providers without a key are not offered.
    for (const QString &id : std::as_const(ids))
        QVERIFY2(!id.startsWith(u"groq/"_s) && !id.startsWith(u"anthropic/"_s), qPrintable(id));
}

void TestProxy::modelsNeedsAKey()
{
    const TestHttpResult result = TestHttp::call(m_harness.nam(), m_harness.port(), "GET", u"/v1/models"_s);
    QCOMPARE(result.status, 401);
    const QJsonObject error = result.json().value(u"error").toObject();
    QCOMPARE(error.value(u"code").toString(), u"invalid_api_key"_s);
    QVERIFY(!error.value(u"message").toString().isEmpty());
}

void TestProxy::healthNeedsNoKey()
{
    const TestHttpResult result = TestHttp::call(m_harness.nam(), m_harness.port(), "GET", u"/health"_s);
    QCOMPARE(result.status, 200);
    QCOMPARE(result.json().value(u"status").toString(), u"ok"_s);
}

void TestProxy::hostHeaderIsChecked_data()
{
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<int>("status");
    const QByteArray port = QByteArray::number(m_harness.port());
    QTest::newRow("evil.example") << QByteArray("evil.example") << 403;
    QTest::newRow("evil.example with port") << QByteArray("evil.example:" + port) << 403;
    QTest::newRow("127.0.0.1.evil.example") << QByteArray("127.0.0.1.evil.example") << 403;
    QTest::newRow("localhost") << QByteArray("localhost:" + port) << 200;
    QTest::newRow("127.0.0.1") << QByteArray("127.0.0.1:" + port) << 200;
}

void TestProxy::hostHeaderIsChecked()
{
    QFETCH(QByteArray, host);
    QFETCH(int, status);
    RawHttpClient client;
    QVERIFY(client.connectToServer(m_harness.port()));
    client.send("GET /health HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    const RawHttpResponse response = client.readResponse();
    QVERIFY(response.complete);
    QCOMPARE(response.status, status);
    if (status == 403) {
        const QJsonObject error = QJsonDocument::fromJson(response.body).object().value(u"error").toObject();
        QVERIFY(!error.value(u"message").toString().isEmpty());
    }
}

void TestProxy::keepAliveReusesBothConnections()
{
    RawHttpClient client;
    QVERIFY(client.connectToServer(m_harness.port()));
    m_harness.upstream().clearReceivedRequests();
    const QByteArrayList auth { "Authorization: Bearer " + m_harness.apiKey() };
    for (int i = 0; i < 3; ++i) {
        const QString text = u"keep alive %1"_s.arg(i);
        client.send(RawHttpClient::request(
            "POST", "/v1/chat/completions", TestHttp::chatBody(u"openai/gpt-4o-mini"_s, text), auth));
        const RawHttpResponse response = client.readResponse();
        QVERIFY(response.complete);
        QCOMPARE(response.status, 200);
        QVERIFY(response.header("connection").toLower() != "close");
        QCOMPARE(messageContent(response.body), QString(u"Echo: "_s + text));
    }
    QVERIFY(client.isConnected());
    // One client connection is served by one worker, whose pool keeps the upstream connection too.
    const QList<FakeHttpRequest> received = m_harness.upstream().receivedRequests();
    QCOMPARE(received.size(), 3);
    QCOMPARE(received[1].connectionId, received[0].connectionId);
    QCOMPARE(received[2].connectionId, received[0].connectionId);
}

void TestProxy::pipelinedRequestsAnswerInOrder_data()
{
    QTest::addColumn<QList<bool>>("streams");
    QTest::newRow("three whole") << QList<bool> { false, false, false };
    QTest::newRow("a stream in the middle") << QList<bool> { false, true, false };
    QTest::newRow("three streams") << QList<bool> { true, true, true };
}

void TestProxy::pipelinedRequestsAnswerInOrder()
{
    QFETCH(QList<bool>, streams);
    // Different lengths, so that a slower first answer would let a later one overtake it if order broke.
    const QStringList texts { u"first request with quite a few more words than the others"_s, u"second"_s,
        u"third one"_s };
    static int round = 0;
    const QByteArray prefix = "pipelined-" + QByteArray::number(++round) + '-';
    RawHttpClient client;
    QVERIFY(client.connectToServer(m_harness.port()));
    QByteArray all;
    for (int i = 0; i < 3; ++i) {
        all += RawHttpClient::request("POST", "/v1/chat/completions",
            TestHttp::chatBody(u"openai/gpt-4o-mini"_s, texts[i], streams[i]),
            { "Authorization: Bearer " + m_harness.apiKey(),
                "x-request-id: " + prefix + QByteArray::number(i) });
    }
    client.send(all);
    for (int i = 0; i < 3; ++i) {
        const RawHttpResponse response = client.readResponse();
        QVERIFY2(response.complete, qPrintable(u"response %1"_s.arg(i)));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.header("x-request-id"), prefix + QByteArray::number(i));
        if (streams[i]) {
            QVERIFY(response.header("content-type").startsWith("text/event-stream"));
            QCOMPARE(Sse::content(response.body), QString(u"Echo: "_s + texts[i]));
            QVERIFY(response.body.endsWith("data: [DONE]\n\n"));
        } else {
            QCOMPARE(messageContent(response.body), QString(u"Echo: "_s + texts[i]));
        }
    }
    QVERIFY(client.isConnected());
    QCOMPARE(client.pending(), QByteArray());
    for (int i = 0; i < 3; ++i) {
        const auto row = m_harness.record(prefix + QByteArray::number(i));
        QVERIFY(row);
        QCOMPARE(row->value(u"streamed"_s).toBool(), streams[i]);
        QCOMPARE(row->value(u"status"_s).toInt(), 200);
    }
}

QTEST_GUILESS_MAIN(TestProxy)
#include "tst_proxy.moc"
