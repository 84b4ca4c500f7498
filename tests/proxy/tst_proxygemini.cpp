// Gemini clients (Google's generateContent API) through the gateway to every upstream family: the answer in
// Gemini's format, streams as Gemini's server-sent events, errors in Google's envelope, records.

#include "fakeupstream.h"
#include "proxyharness.h"
#include "testhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

class TestProxyGemini final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void generateContent_data();
    void generateContent();
    void streamGenerateContent_data();
    void streamGenerateContent();
    void errorsInGooglesEnvelope();
    void openAIEmbeddingsFromGemini();

private:
    TestHttpResult call(
        const QString &model, const QByteArray &method, const QByteArray &body, const QByteArray &key);
    ProxyHarness m_harness;
};

namespace {
const QByteArray request = R"({"systemInstruction":{"parts":[{"text":"Be brief."}]},
    "contents":[{"role":"user","parts":[{"text":"hello from gemini"}]}],
    "generationConfig":{"maxOutputTokens":100,"temperature":0.5}})";
} // namespace

void TestProxyGemini::initTestCase()
{
    ProxyHarness::Options options;
    options.translatingProviders = true;
    QString error;
    QVERIFY2(m_harness.start(options, &error), qPrintable(error));
}

TestHttpResult TestProxyGemini::call(
    const QString &model, const QByteArray &method, const QByteArray &body, const QByteArray &key)
{
    const QString path = u"/v1beta/models/"_s + model + u':' + QString::fromLatin1(method)
        + (method == "streamGenerateContent" ? u"?alt=sse"_s : QString());
    return TestHttp::call(m_harness.nam(), m_harness.port(), "POST", path, body,
        { { "content-type", "application/json" }, { "x-goog-api-key", key } });
}

void TestProxyGemini::generateContent_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("provider");
    QTest::newRow("to openai") << u"openai/gpt-4o-mini"_s << u"openai"_s;
    QTest::newRow("to anthropic") << u"anthropic/claude-haiku-4-5"_s << u"anthropic"_s;
    QTest::newRow("to gemini") << u"google/gemini-2.5-flash"_s << u"google"_s;
}

void TestProxyGemini::generateContent()
{
    QFETCH(QString, model);
    QFETCH(QString, provider);
    const TestHttpResult result = call(model, "generateContent", request, m_harness.apiKey());
    QCOMPARE(result.status, 200);
    const QJsonObject answer = result.json();
    const QJsonObject candidate = answer.value(u"candidates").toArray().first().toObject();
    QCOMPARE(candidate.value(u"content").toObject().value(u"role").toString(), u"model"_s);
    const QString text = candidate.value(u"content")
                             .toObject()
                             .value(u"parts")
                             .toArray()
                             .first()
                             .toObject()
                             .value(u"text")
                             .toString();
    QVERIFY2(text.contains(u"hello from gemini"_s), qPrintable(text)); // the fakes echo
    QCOMPARE(candidate.value(u"finishReason").toString(), u"STOP"_s);
    const QJsonObject usage = answer.value(u"usageMetadata").toObject();
    QVERIFY(usage.value(u"promptTokenCount").toInt() > 0);
    QVERIFY(usage.value(u"candidatesTokenCount").toInt() > 0);

    const auto row = m_harness.record(result.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"endpoint"_s).toString(), u"/v1beta/models:generateContent"_s);
    QCOMPARE(row->value(u"used_provider"_s).toString(), provider);
    QCOMPARE(row->value(u"requested_model"_s).toString(), model);
    QCOMPARE(row->value(u"prompt_tokens"_s).toInt(), usage.value(u"promptTokenCount").toInt());
    QVERIFY(row->value(u"cost"_s).toDouble() > 0);

    // The system instruction and the generation config reached the upstream in its own format.
    const QJsonObject upstream = m_harness.upstream().receivedRequests().last().json().toObject();
    const QByteArray upstreamText = QJsonDocument(upstream).toJson(QJsonDocument::Compact);
    QVERIFY2(upstreamText.contains("Be brief."), upstreamText.constData());
}

void TestProxyGemini::streamGenerateContent_data()
{
    generateContent_data();
}

void TestProxyGemini::streamGenerateContent()
{
    QFETCH(QString, model);
    QFETCH(QString, provider);
    const TestHttpResult result = call(model, "streamGenerateContent", request, m_harness.apiKey());
    QCOMPARE(result.status, 200);
    QVERIFY(result.header("content-type").startsWith("text/event-stream"));
    // Every event is "data: {GenerateContentResponse}" and ends in a blank line (CRLF, as Google sends).
    const QList<QByteArray> events = result.body.split('\n');
    QString text;
    QJsonObject last;
    int count = 0;
    for (const QByteArray &line : events) {
        if (!line.startsWith("data: "))
            continue;
        const QJsonObject event = QJsonDocument::fromJson(line.sliced(6).trimmed()).object();
        QVERIFY2(!event.isEmpty(), line.constData());
        ++count;
        for (const QJsonValue &part : event.value(u"candidates")
                                          .toArray()
                                          .first()
                                          .toObject()
                                          .value(u"content")
                                          .toObject()
                                          .value(u"parts")
                                          .toArray())
            text += part.toObject().value(u"text").toString();
        last = event;
    }
    QVERIFY2(count > 1, result.body.constData());
    QVERIFY2(text.contains(u"hello from gemini"_s), qPrintable(text));
    QCOMPARE(
        last.value(u"candidates").toArray().first().toObject().value(u"finishReason").toString(), u"STOP"_s);
    QVERIFY(last.value(u"usageMetadata").toObject().value(u"totalTokenCount").toInt() > 0);

    const auto row = m_harness.record(result.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"streamed"_s).toInt(), 1);
    QCOMPARE(row->value(u"used_provider"_s).toString(), provider);
    QCOMPARE(row->value(u"usage_estimated"_s).toInt(), 0);
}

void TestProxyGemini::errorsInGooglesEnvelope()
{
    const TestHttpResult unauthorized = call(u"openai/gpt-4o-mini"_s, "generateContent", request, "wrong");
    QCOMPARE(unauthorized.status, 401);
    QJsonObject error = unauthorized.json().value(u"error").toObject();
    QCOMPARE(error.value(u"code").toInt(), 401);
    QCOMPARE(error.value(u"status").toString(), u"UNAUTHENTICATED"_s);
    QVERIFY(!error.value(u"message").toString().isEmpty());

    const TestHttpResult unknown = call(u"no-such-model"_s, "generateContent", request, m_harness.apiKey());
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.json().value(u"error").toObject().value(u"status").toString(), u"NOT_FOUND"_s);

    const TestHttpResult bad = call(u"openai/gpt-4o-mini"_s, "generateContent",
        R"({"contents":[{"role":"user","parts":[{"executableCode":{}}]}]})", m_harness.apiKey());
    QCOMPARE(bad.status, 400);
    error = bad.json().value(u"error").toObject();
    QCOMPARE(error.value(u"status").toString(), u"INVALID_ARGUMENT"_s);
    QVERIFY2(error.value(u"message").toString().contains(u"executableCode"_s), bad.body.constData());

    const TestHttpResult upstream429
        = call(u"openai/fake-error-429"_s, "generateContent", request, m_harness.apiKey());
    QCOMPARE(upstream429.status, 429);
    QCOMPARE(
        upstream429.json().value(u"error").toObject().value(u"status").toString(), u"RESOURCE_EXHAUSTED"_s);
}

void TestProxyGemini::openAIEmbeddingsFromGemini()
{
    // An OpenAI client's embeddings request served by Gemini's batchEmbedContents.
    const QByteArray body
        = R"({"model":"google/gemini-embedding-001","input":["one two three","four"],"dimensions":4})";
    const TestHttpResult result = TestHttp::call(m_harness.nam(), m_harness.port(), "POST",
        u"/v1/embeddings"_s, body, { { "content-type", "application/json" }, m_harness.authHeader() });
    QCOMPARE(result.status, 200);
    const QJsonObject answer = result.json();
    QCOMPARE(answer.value(u"object").toString(), u"list"_s);
    const QJsonArray data = answer.value(u"data").toArray();
    QCOMPARE(data.size(), 2);
    QCOMPARE(data.at(1).toObject().value(u"index").toInt(), 1);
    QCOMPARE(data.at(0).toObject().value(u"embedding").toArray().size(), 4);
    // Gemini reports no usage for embeddings: estimated from the text (18 bytes), priced, and marked.
    const QJsonObject usage = answer.value(u"usage").toObject();
    QCOMPARE(usage.value(u"prompt_tokens").toInt(), 5);
    QVERIFY(usage.value(u"cost").toDouble() > 0);

    const FakeHttpRequest upstream = m_harness.upstream().receivedRequests().last();
    QCOMPARE(upstream.path, QByteArray("/v1beta/models/gemini-embedding-001:batchEmbedContents"));
    const QJsonArray requests = upstream.json().toObject().value(u"requests").toArray();
    QCOMPARE(requests.size(), 2);
    QCOMPARE(requests.at(0).toObject().value(u"model").toString(), u"models/gemini-embedding-001"_s);
    QCOMPARE(requests.at(0).toObject().value(u"outputDimensionality").toInt(), 4);

    const auto row = m_harness.record(result.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"endpoint"_s).toString(), u"/v1/embeddings"_s);
    QCOMPARE(row->value(u"used_provider"_s).toString(), u"google"_s);
    QCOMPARE(row->value(u"usage_estimated"_s).toInt(), 1);
    QCOMPARE(row->value(u"prompt_tokens"_s).toInt(), 5);

    // The OpenAI SDK asks for base64 by default: little-endian float32 values, the same numbers.
    const TestHttpResult packed = TestHttp::call(m_harness.nam(), m_harness.port(), "POST",
        u"/v1/embeddings"_s,
        R"({"model":"google/gemini-embedding-001","input":"one two three","dimensions":4,"encoding_format":"base64"})",
        { { "content-type", "application/json" }, m_harness.authHeader() });
    QCOMPARE(packed.status, 200);
    const QByteArray bytes = QByteArray::fromBase64(
        packed.json().value(u"data").toArray().first().toObject().value(u"embedding").toString().toLatin1());
    QCOMPARE(bytes.size(), 16);
    const QJsonArray plain = data.at(0).toObject().value(u"embedding").toArray();
    for (int i = 0; i < 4; ++i) {
        float value;
        memcpy(&value, bytes.constData() + 4 * i, 4);
        QCOMPARE(value, float(plain.at(i).toDouble()));
    }

    // Token arrays cannot go to Gemini: a clear 400 before any upstream call.
    const TestHttpResult tokens = TestHttp::call(m_harness.nam(), m_harness.port(), "POST",
        u"/v1/embeddings"_s, R"({"model":"google/gemini-embedding-001","input":[[1,2,3]]})",
        { { "content-type", "application/json" }, m_harness.authHeader() });
    QCOMPARE(tokens.status, 400);
    QVERIFY(tokens.json().value(u"error").toObject().value(u"message").toString().contains(u"text only"_s));
}

QTEST_GUILESS_MAIN(TestProxyGemini)
#include "tst_proxygemini.moc"
