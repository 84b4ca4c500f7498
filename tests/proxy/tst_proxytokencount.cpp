// Token counting: POST /v1/messages/count_tokens?beta=true (Claude Code's /context and compaction) and
// Gemini's POST /v1beta/models/{model}:countTokens. Anthropic's and Google's counting endpoints for their
// models (an Anthropic request for a Gemini model translated to Google's), an estimate marked as such for the
// rest, each client's shape and error envelope, and no record.

#include "fakeupstream.h"
#include "proxyharness.h"
#include "rawhttpclient.h"
#include "testhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

class TestProxyTokenCount final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void anthropicClient_data();
    void anthropicClient();
    void geminiClient_data();
    void geminiClient();
    void refusals_data();
    void refusals();
    void oversizedCountInTheClientsEnvelope_data();
    void oversizedCountInTheClientsEnvelope();
    void countsLeaveNoRecord();

private:
    TestHttpResult countAnthropic(const QByteArray &body, const QByteArray &key);
    ProxyHarness m_harness;
};

namespace {
// The fake counts words + 7 per turn: "Be brief." 9, "count these four words" 11.
constexpr int fakeCount = 20;
// The estimate: a quarter of the text's bytes, rounded up: "Be brief." 9 + "user" 4 + "count these four
// words" 22.
constexpr int estimatedCount = (9 + 4 + 22 + 3) / 4;

QByteArray anthropicBody(const QString &model)
{
    return uR"({"model":"%1","system":"Be brief.","messages":[{"role":"user","content":"count these four words"}]})"_s
        .arg(model)
        .toUtf8();
}

const QByteArray geminiBody = R"({"systemInstruction":{"parts":[{"text":"Be brief."}]},
    "contents":[{"role":"user","parts":[{"text":"count these four words"}]}]})";
} // namespace

void TestProxyTokenCount::initTestCase()
{
    ProxyHarness::Options options;
    options.translatingProviders = true;
    QString error;
    QVERIFY2(m_harness.start(options, &error), qPrintable(error));
}

TestHttpResult TestProxyTokenCount::countAnthropic(const QByteArray &body, const QByteArray &key)
{
    return TestHttp::call(m_harness.nam(), m_harness.port(), "POST", u"/v1/messages/count_tokens?beta=true"_s,
        body,
        { { "x-api-key", key }, { "anthropic-version", "2023-06-01" },
            { "anthropic-beta", "token-counting-2024-11-01,claude-code-20250219" },
            { "content-type", "application/json" } });
}

void TestProxyTokenCount::anthropicClient_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QByteArray>("upstreamPath"); // empty: estimated, nothing goes upstream
    QTest::addColumn<int>("tokens");
    QTest::newRow("anthropic: its count_tokens")
        << u"anthropic/claude-haiku-4-5"_s << QByteArray("/v1/messages/count_tokens") << fakeCount;
    QTest::newRow("gemini: its countTokens")
        << u"google/gemini-2.5-flash"_s << QByteArray("/v1beta/models/gemini-2.5-flash:countTokens")
        << fakeCount;
    QTest::newRow("openai: estimated") << u"openai/gpt-4o-mini"_s << QByteArray() << estimatedCount;
}

void TestProxyTokenCount::anthropicClient()
{
    QFETCH(QString, model);
    QFETCH(QByteArray, upstreamPath);
    QFETCH(int, tokens);
    m_harness.upstream().clearReceivedRequests();
    const QByteArray body = anthropicBody(model);
    const TestHttpResult result = countAnthropic(body, m_harness.apiKey());
    QCOMPARE(result.status, 200);
    QCOMPARE(result.json(), (QJsonObject { { u"input_tokens"_s, tokens } }));
    QVERIFY(!result.header("x-request-id").isEmpty());
    const QList<FakeHttpRequest> received = m_harness.upstream().receivedRequests();
    if (upstreamPath.isEmpty()) {
        QCOMPARE(result.header("x-llmgw-token-count"), QByteArray("estimated"));
        QVERIFY(received.isEmpty());
        return;
    }
    QVERIFY(result.header("x-llmgw-token-count").isNull());
    QCOMPARE(received.size(), 1);
    QCOMPARE(received.first().path, upstreamPath);
    if (upstreamPath.startsWith("/v1/messages")) { // as sent, but for the model; the betas go along
        QByteArray expected = body;
        expected.replace("anthropic/claude-haiku-4-5", "claude-haiku-4-5");
        QCOMPARE(received.first().body, expected);
        QCOMPARE(received.first().header("anthropic-beta"),
            QByteArray("token-counting-2024-11-01,claude-code-20250219"));
    } else { // Google's countTokens with the translated request
        const QJsonObject request
            = received.first().json().toObject().value(u"generateContentRequest").toObject();
        QCOMPARE(request.value(u"model").toString(), u"models/gemini-2.5-flash"_s);
        QCOMPARE(request.value(u"systemInstruction")
                     .toObject()
                     .value(u"parts")
                     .toArray()
                     .first()[u"text"]
                     .toString(),
            u"Be brief."_s);
        QCOMPARE(request.value(u"contents").toArray().size(), 1);
    }
}

void TestProxyTokenCount::geminiClient_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("upstream");
    QTest::addColumn<int>("tokens");
    QTest::newRow("gemini: its countTokens") << u"google/gemini-2.5-flash"_s << true << fakeCount;
    QTest::newRow("gemini, bare name") << u"gemini-2.5-flash"_s << true << fakeCount;
    QTest::newRow("anthropic: estimated") << u"anthropic/claude-haiku-4-5"_s << false << estimatedCount;
}

void TestProxyTokenCount::geminiClient()
{
    QFETCH(QString, model);
    QFETCH(bool, upstream);
    QFETCH(int, tokens);
    m_harness.upstream().clearReceivedRequests();
    const TestHttpResult result = TestHttp::call(m_harness.nam(), m_harness.port(), "POST",
        u"/v1beta/models/"_s + model + u":countTokens"_s, geminiBody,
        { { "x-goog-api-key", m_harness.apiKey() }, { "content-type", "application/json" } });
    QCOMPARE(result.status, 200);
    QCOMPARE(result.json().value(u"totalTokens").toInt(), tokens);
    const QList<FakeHttpRequest> received = m_harness.upstream().receivedRequests();
    if (!upstream) {
        QCOMPARE(result.json(), (QJsonObject { { u"totalTokens"_s, tokens } }));
        QCOMPARE(result.header("x-llmgw-token-count"), QByteArray("estimated"));
        QVERIFY(received.isEmpty());
        return;
    }
    QCOMPARE(received.size(), 1);
    QCOMPARE(received.first().path, QByteArray("/v1beta/models/gemini-2.5-flash:countTokens"));
    QCOMPARE(received.first().body, geminiBody); // passed through as it is
    QCOMPARE(result.json().value(u"promptTokensDetails").toArray().first()[u"tokenCount"].toInt(), tokens);
}

void TestProxyTokenCount::refusals_data()
{
    QTest::addColumn<bool>("gemini");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message");
    const QByteArray good = "good";
    QTest::newRow("anthropic, bad key")
        << false << anthropicBody(u"anthropic/claude-haiku-4-5"_s) << QByteArray("wrong") << 401 << QString();
    QTest::newRow("anthropic, not JSON")
        << false << QByteArray("{") << good << 400 << u"The request body is not valid JSON"_s;
    QTest::newRow("anthropic, no model")
        << false << QByteArray(R"({"messages":[]})") << good << 400 << u"model: Field required"_s;
    QTest::newRow("anthropic, unknown provider")
        << false << anthropicBody(u"nowhere/model"_s) << good << 404 << QString();
    QTest::newRow("anthropic to gemini, untranslatable")
        << false
        << QByteArray(R"({"model":"google/gemini-2.5-flash","messages":[{"role":"tool","content":"x"}]})")
        << good << 400 << u"messages.0.role"_s;
    QTest::newRow("gemini, bad key") << true << geminiBody << QByteArray("wrong") << 401 << QString();
    QTest::newRow("gemini, not an object")
        << true << QByteArray("[]") << good << 400 << u"The request body must be a JSON object"_s;
}

void TestProxyTokenCount::refusals()
{
    QFETCH(bool, gemini);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, key);
    QFETCH(int, status);
    QFETCH(QString, message);
    if (key == "good")
        key = m_harness.apiKey();
    m_harness.upstream().clearReceivedRequests();
    const TestHttpResult result = gemini ? TestHttp::call(m_harness.nam(), m_harness.port(), "POST",
                                      u"/v1beta/models/gemini-2.5-flash:countTokens"_s, body,
                                      { { "x-goog-api-key", key }, { "content-type", "application/json" } })
                                         : countAnthropic(body, key);
    QCOMPARE(result.status, status);
    const QJsonObject error = result.json().value(u"error").toObject();
    if (gemini)
        QCOMPARE(error.value(u"code").toInt(), status);
    else
        QCOMPARE(result.json().value(u"type").toString(), u"error"_s);
    QVERIFY2(error.value(u"message").toString().startsWith(message),
        qPrintable(error.value(u"message").toString()));
    QVERIFY(m_harness.upstream().receivedRequests().isEmpty());
}

void TestProxyTokenCount::oversizedCountInTheClientsEnvelope_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<bool>("gemini");
    QTest::newRow("anthropic") << QByteArray("/v1/messages/count_tokens") << false;
    QTest::newRow("gemini") << QByteArray("/v1beta/models/gemini-2.5-flash:countTokens") << true;
}

void TestProxyTokenCount::oversizedCountInTheClientsEnvelope()
{
    QFETCH(QByteArray, path);
    QFETCH(bool, gemini);
    // The declared length is enough for the gateway to refuse it before the body comes.
    RawHttpClient client;
    QVERIFY(client.connectToServer(m_harness.port()));
    client.send("POST " + path
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nx-api-key: " + m_harness.apiKey()
        + "\r\nContent-Length: " + QByteArray::number(m_harness.gateway().config().maxBodyBytes + 1)
        + "\r\n\r\n{");
    const RawHttpResponse response = client.readResponse();
    QVERIFY(response.complete);
    QCOMPARE(response.status, 413);
    const QJsonObject body = QJsonDocument::fromJson(response.body).object();
    if (gemini)
        QCOMPARE(body.value(u"error").toObject().value(u"code").toInt(), 413);
    else
        QCOMPARE(body.value(u"type").toString(), u"error"_s);
}

void TestProxyTokenCount::countsLeaveNoRecord()
{
    QVERIFY(m_harness.records().isEmpty());
}

QTEST_GUILESS_MAIN(TestProxyTokenCount)
#include "tst_proxytokencount.moc"
