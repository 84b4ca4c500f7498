// The translating proxy seen from the upstream side and on failure: what each provider received in its own
// format (Anthropic: top-level system, max_tokens, x-api-key; Gemini: contents with roles user/model,
// systemInstruction, x-goog-api-key), upstream errors relayed in the client's envelope with the upstream's
// status, and the gateway's own 401 and 404 on /v1/messages in Anthropic's envelope; records for each.

#include "fakeanthropicapi.h"
#include "fakeupstream.h"
#include "proxyharness.h"
#include "testhttp.h"
#include "translatecase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
struct Turn
{
    QString role;
    QString text;
};
const QList<Turn> conversation { { u"user"_s, u"Hi"_s }, { u"assistant"_s, u"Hello there"_s },
    { u"user"_s, u"How are you?"_s } };

QByteArray conversationRequest(const TranslatePair &pair, bool stream)
{
    QJsonArray messages;
    if (!pair.anthropicClient())
        messages.append(QJsonObject { { u"role"_s, u"system"_s }, { u"content"_s, u"Be brief."_s } });
    for (const Turn &turn : conversation)
        messages.append(QJsonObject { { u"role"_s, turn.role }, { u"content"_s, turn.text } });
    QJsonObject body { { u"model"_s, pair.model() }, { u"messages"_s, messages }, { u"max_tokens"_s, 256 } };
    if (pair.anthropicClient())
        body.insert(u"system"_s, u"Be brief."_s);
    if (stream)
        body.insert(u"stream"_s, true);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

// The text of an Anthropic `content` / `system` (a string or text blocks) or of Gemini `parts`.
QString textOf(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    QStringList texts;
    for (const QJsonValue &block : value.toArray())
        texts.append(block.toObject().value(u"text").toString());
    return texts.join(u' ');
}

QStringList unknownKeys(const QJsonObject &object, const QStringList &known)
{
    QStringList unknown;
    for (const QString &key : object.keys()) {
        if (!known.contains(key))
            unknown.append(key);
    }
    return unknown;
}
} // namespace

class TestProxyTranslateUpstream final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void upstreamReceivedItsFormat_data();
    void upstreamReceivedItsFormat();
    void upstreamErrorsInClientEnvelope_data();
    void upstreamErrorsInClientEnvelope();
    void messagesNeedAKey_data();
    void messagesNeedAKey();
    void messagesUnknownModel_data();
    void messagesUnknownModel();
    void anthropicToAnthropicKeepsWhatTheClientAskedFor_data();
    void anthropicToAnthropicKeepsWhatTheClientAskedFor();

private:
    ProxyHarness m_harness;
};

void TestProxyTranslateUpstream::initTestCase()
{
    ProxyHarness::Options options;
    options.translatingProviders = true;
    QString error;
    QVERIFY2(m_harness.start(options, &error), qPrintable(error));
}

void TestProxyTranslateUpstream::upstreamReceivedItsFormat_data()
{
    QTest::addColumn<int>("pair");
    QTest::addColumn<bool>("stream");
    for (int i = 0; i < TranslatePair::all().size(); ++i) {
        QTest::newRow(qPrintable(QString::fromLatin1(TranslatePair::at(i).tag) + u"/whole")) << i << false;
        QTest::newRow(qPrintable(QString::fromLatin1(TranslatePair::at(i).tag) + u"/stream")) << i << true;
    }
}

void TestProxyTranslateUpstream::upstreamReceivedItsFormat()
{
    QFETCH(int, pair);
    QFETCH(bool, stream);
    const TranslatePair &p = TranslatePair::at(pair);
    m_harness.upstream().clearReceivedRequests();
    const TestHttpResult result = sendTranslated(m_harness, p, conversationRequest(p, stream));
    QCOMPARE(result.status, 200);
    // The answer echoes the last user turn (streams split it into pieces).
    QVERIFY2(result.body.contains(stream ? QByteArray(" you?") : QByteArray("Echo: How are you?")),
        result.body.constData());

    const QList<FakeHttpRequest> received = m_harness.upstream().receivedRequests();
    QCOMPARE(received.size(), 1);
    const FakeHttpRequest &upstream = received.first();
    QCOMPARE(upstream.method, QByteArray("POST"));
    QVERIFY2(upstream.header("authorization").isNull() || p.provider == u"openai",
        "only the OpenAI upstream gets an Authorization header");
    QVERIFY2(!upstream.headers.contains({ "x-api-key", m_harness.apiKey() }),
        "the gateway key never goes upstream");
    const QJsonObject body = upstream.json().toObject();
    QStringList roles;
    QStringList texts;

    if (p.provider == u"anthropic") {
        QCOMPARE(upstream.target, QByteArray("/v1/messages"));
        QCOMPARE(upstream.header("x-api-key"), QByteArray(ProxyHarness::anthropicUpstreamKey));
        QCOMPARE(upstream.header("anthropic-version"), QByteArray("2023-06-01"));
        // Anthropic rejects fields it does not know ("Extra inputs are not permitted").
        const QStringList extra = unknownKeys(body,
            { u"model"_s, u"messages"_s, u"system"_s, u"max_tokens"_s, u"metadata"_s, u"stop_sequences"_s,
                u"stream"_s, u"temperature"_s, u"top_p"_s, u"top_k"_s, u"tools"_s, u"tool_choice"_s,
                u"thinking"_s, u"service_tier"_s });
        QVERIFY2(extra.isEmpty(), qPrintable(extra.join(u", ")));
        QCOMPARE(body.value(u"model").toString(), p.upstreamModel);
        QCOMPARE(textOf(body.value(u"system")), u"Be brief."_s);
        QVERIFY2(body.value(u"max_tokens").isDouble() && body.value(u"max_tokens").toInt() > 0,
            "max_tokens is required");
        if (p.anthropicClient())
            QCOMPARE(body.value(u"max_tokens").toInt(), 256);
        for (const QJsonValue &message : body.value(u"messages").toArray()) {
            roles.append(message.toObject().value(u"role").toString());
            texts.append(textOf(message.toObject().value(u"content")));
        }
        QCOMPARE(body.value(u"stream").toBool(), stream);
    } else if (p.provider == u"google") {
        const QByteArray method = stream ? ":streamGenerateContent" : ":generateContent";
        QCOMPARE(upstream.path, "/v1beta/models/" + p.upstreamModel.toUtf8() + method);
        if (stream)
            QVERIFY2(upstream.target.endsWith("?alt=sse"), upstream.target.constData());
        QCOMPARE(upstream.header("x-goog-api-key"), QByteArray(ProxyHarness::geminiUpstreamKey));
        // Gemini rejects unknown fields ("Invalid JSON payload received. Unknown name ...").
        const QStringList extra = unknownKeys(body,
            { u"contents"_s, u"systemInstruction"_s, u"tools"_s, u"toolConfig"_s, u"generationConfig"_s,
                u"safetySettings"_s, u"cachedContent"_s });
        QVERIFY2(extra.isEmpty(), qPrintable(extra.join(u", ")));
        QCOMPARE(textOf(body.value(u"systemInstruction").toObject().value(u"parts")), u"Be brief."_s);
        QCOMPARE(body.value(u"generationConfig").toObject().value(u"maxOutputTokens").toInt(), 256);
        for (const QJsonValue &content : body.value(u"contents").toArray()) {
            roles.append(content.toObject().value(u"role").toString());
            texts.append(textOf(content.toObject().value(u"parts")));
        }
    } else {
        QCOMPARE(upstream.target, QByteArray("/v1/chat/completions"));
        QCOMPARE(upstream.header("authorization"), "Bearer " + QByteArray(ProxyHarness::openAIUpstreamKey));
        QCOMPARE(body.value(u"model").toString(), p.upstreamModel);
        const QJsonArray messages = body.value(u"messages").toArray();
        QVERIFY(!messages.isEmpty());
        QCOMPARE(messages.first().toObject().value(u"role").toString(), u"system"_s);
        QCOMPARE(textOf(messages.first().toObject().value(u"content")), u"Be brief."_s);
        for (qsizetype i = 1; i < messages.size(); ++i) {
            roles.append(messages[i].toObject().value(u"role").toString());
            texts.append(textOf(messages[i].toObject().value(u"content")));
        }
        QCOMPARE(body.value(u"max_completion_tokens").toInt(body.value(u"max_tokens").toInt()), 256);
        QCOMPARE(body.value(u"stream").toBool(), stream);
        if (stream) {
            QVERIFY2(body.value(u"stream_options").toObject().value(u"include_usage").toBool(),
                "the gateway always asks upstream for usage");
        }
    }
    const QString assistant = p.provider == u"google" ? u"model"_s : u"assistant"_s;
    QCOMPARE(roles, (QStringList { u"user"_s, assistant, u"user"_s }));
    QCOMPARE(texts, (QStringList { u"Hi"_s, u"Hello there"_s, u"How are you?"_s }));
}

void TestProxyTranslateUpstream::upstreamErrorsInClientEnvelope_data()
{
    QTest::addColumn<int>("pair");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("stream");
    for (int i = 0; i < TranslatePair::all().size(); ++i) {
        for (const int status : { 400, 404, 429, 500 }) {
            for (const bool stream : { false, true }) {
                QTest::newRow(qPrintable(u"%1/%2/%3"_s.arg(QString::fromLatin1(TranslatePair::at(i).tag))
                                             .arg(status)
                                             .arg(stream ? u"stream"_s : u"whole"_s)))
                    << i << status << stream;
            }
        }
    }
}

void TestProxyTranslateUpstream::upstreamErrorsInClientEnvelope()
{
    QFETCH(int, pair);
    QFETCH(int, status);
    QFETCH(bool, stream);
    const TranslatePair &p = TranslatePair::at(pair);
    const QString model = u"fake-error-%1"_s.arg(status);
    const TestHttpResult result
        = sendTranslated(m_harness, p, translateRequest(p, p.routed(model), u"fail please"_s, stream));
    QCOMPARE(result.status, status);
    QVERIFY2(result.header("content-type").startsWith("application/json"), result.header("content-type"));
    const QJsonObject json = result.json();
    QString message;
    if (p.anthropicClient()) {
        QCOMPARE(json.value(u"type").toString(), u"error"_s);
        const QJsonObject error = json.value(u"error").toObject();
        QCOMPARE(error.value(u"type").toString().toUtf8(), FakeAnthropicApi::errorTypeFor(status));
        message = error.value(u"message").toString();
    } else {
        const QJsonObject error = json.value(u"error").toObject();
        for (const QString &key : { u"message"_s, u"type"_s, u"param"_s, u"code"_s })
            QVERIFY2(error.contains(key),
                qPrintable(u"OpenAI's error envelope has %1: "_s.arg(key) + QString::fromUtf8(result.body)));
        QVERIFY(!error.value(u"type").toString().isEmpty());
        message = error.value(u"message").toString();
    }
    // The upstream's own message, not its raw body or a generic text.
    QVERIFY2(!message.isEmpty() && !message.startsWith(u'{'), qPrintable(QString::fromUtf8(result.body)));
    if (status != 500 || p.provider != u"openai")
        QVERIFY2(message.contains(model), qPrintable(message));

    const auto row = m_harness.record(result.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"status"_s).toInt(), status);
    QVERIFY(!row->value(u"error"_s).toString().isEmpty());
    QCOMPARE(row->value(u"requested_model"_s).toString(), p.routed(model));
    QCOMPARE(row->value(u"used_provider"_s).toString(), p.provider);
    QCOMPARE(row->value(u"used_model"_s).toString(), model);
    QCOMPARE(row->value(u"streamed"_s).toInt(), stream ? 1 : 0);
    QCOMPARE(row->value(u"endpoint"_s).toString(),
        p.anthropicClient() ? u"/v1/messages"_s : u"/v1/chat/completions"_s);
}

void TestProxyTranslateUpstream::messagesNeedAKey_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("no key") << QByteArray() << QByteArray();
    QTest::newRow("bad x-api-key") << QByteArray("x-api-key") << QByteArray("sk-not-a-gateway-key");
    QTest::newRow("bad bearer") << QByteArray("authorization") << QByteArray("Bearer sk-not-a-gateway-key");
}

void TestProxyTranslateUpstream::messagesNeedAKey()
{
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, value);
    const TranslatePair &p = TranslatePair::at(3); // anthropic->anthropic
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!header.isEmpty())
        headers.append({ header, value });
    m_harness.upstream().clearReceivedRequests();
    const TestHttpResult result = TestHttp::call(m_harness.nam(), m_harness.port(), "POST", u"/v1/messages"_s,
        translateRequest(p, p.model(), u"let me in"_s), headers);
    QCOMPARE(result.status, 401);
    const QJsonObject json = result.json();
    QCOMPARE(json.value(u"type").toString(), u"error"_s);
    QCOMPARE(json.value(u"error").toObject().value(u"type").toString(), u"authentication_error"_s);
    QVERIFY(!json.value(u"error").toObject().value(u"message").toString().isEmpty());
    QVERIFY2(m_harness.upstream().receivedRequests().isEmpty(), "nothing goes upstream without a key");

    const auto row = m_harness.record(result.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"status"_s).toInt(), 401);
    QCOMPARE(row->value(u"endpoint"_s).toString(), u"/v1/messages"_s);
    QVERIFY(!row->value(u"error"_s).toString().isEmpty());
}

void TestProxyTranslateUpstream::messagesUnknownModel_data()
{
    QTest::addColumn<QString>("model");
    QTest::newRow("not in the catalog") << u"no-such-model-7"_s;
    QTest::newRow("provider not configured") << u"mistral/mistral-large-latest"_s;
}

void TestProxyTranslateUpstream::messagesUnknownModel()
{
    QFETCH(QString, model);
    const TranslatePair &p = TranslatePair::at(3);
    const TestHttpResult result = m_harness.messages(translateRequest(p, model, u"who am I talking to"_s));
    QCOMPARE(result.status, 404);
    const QJsonObject json = result.json();
    QCOMPARE(json.value(u"type").toString(), u"error"_s);
    QCOMPARE(json.value(u"error").toObject().value(u"type").toString(), u"not_found_error"_s);
    QVERIFY(json.value(u"error").toObject().value(u"message").toString().contains(model));
    const auto row = m_harness.record(result.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"status"_s).toInt(), 404);
    QCOMPARE(row->value(u"requested_model"_s).toString(), model);
}

void TestProxyTranslateUpstream::anthropicToAnthropicKeepsWhatTheClientAskedFor_data()
{
    // A Messages request with one field an Anthropic client (Claude Code, the SDKs) relies on; the Anthropic
    // upstream must receive that field as the client sent it, at `pointer` (a path of object keys and array
    // indexes).
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QStringList>("pointer");
    QTest::addColumn<QJsonValue>("value");
    const QJsonObject ephemeral { { u"type"_s, u"ephemeral"_s } };
    QTest::newRow("cache_control on system") << QByteArray(
        R"({"model":"anthropic/claude-haiku-4-5","max_tokens":64,"system":[{"type":"text","text":"Long )"
        R"(system prompt.","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"Hi"}]})")
                                             << QStringList { u"system"_s, u"0"_s, u"cache_control"_s }
                                             << QJsonValue(ephemeral);
    QTest::newRow("cache_control on a message block") << QByteArray(
        R"({"model":"anthropic/claude-haiku-4-5","max_tokens":64,"messages":[{"role":"user","content":)"
        R"([{"type":"text","text":"Hi","cache_control":{"type":"ephemeral"}}]}]})")
                                                      << QStringList { u"messages"_s, u"0"_s, u"content"_s,
                                                             u"0"_s, u"cache_control"_s }
                                                      << QJsonValue(ephemeral);
    QTest::newRow("thinking") << QByteArray(
        R"({"model":"anthropic/claude-haiku-4-5","max_tokens":2048,"thinking":{"type":"enabled",)"
        R"("budget_tokens":1024},"messages":[{"role":"user","content":"Hi"}]})")
                              << QStringList { u"thinking"_s, u"budget_tokens"_s } << QJsonValue(1024);
    QTest::newRow("thinking block with signature")
        << QByteArray(
               R"({"model":"anthropic/claude-haiku-4-5","max_tokens":2048,"thinking":{"type":"enabled",)"
               R"("budget_tokens":1024},"messages":[{"role":"user","content":"Weather in Paris?"},)"
               R"({"role":"assistant","content":[{"type":"thinking","thinking":"Call the tool.","signature":)"
               R"("EqQBCgIYAhIM1gbc"},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":)"
               R"({"location":"Paris"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":)"
               R"("toolu_1","content":"Sunny"}]}],"tools":[{"name":"get_weather","input_schema":{"type":)"
               R"("object","properties":{"location":{"type":"string"}}}}]})")
        << QStringList { u"messages"_s, u"1"_s, u"content"_s, u"0"_s, u"signature"_s }
        << QJsonValue(u"EqQBCgIYAhIM1gbc"_s);
}

// An Anthropic client's request to an Anthropic model goes through the canonical OpenAI form
// (AnthropicInbound::toOpenAIRequest, then AnthropicAdapter::fromOpenAIRequest, chosen in
// app/proxy/upstreamplan.cpp). `thinking` survives that as reasoning_effort; the rest below does not.
void TestProxyTranslateUpstream::anthropicToAnthropicKeepsWhatTheClientAskedFor()
{
    QFETCH(QByteArray, body);
    QFETCH(QStringList, pointer);
    QFETCH(QJsonValue, value);
    m_harness.upstream().clearReceivedRequests();
    const TestHttpResult result = m_harness.messages(body);
    QCOMPARE(result.status, 200);
    const auto upstream = m_harness.lastUpstreamRequest("/v1/messages");
    QVERIFY(upstream);
    QJsonValue found = upstream->json();
    for (const QString &step : pointer) {
        bool isIndex = false;
        const int index = step.toInt(&isIndex);
        found = isIndex ? found.toArray().at(index) : found.toObject().value(step);
    }
    // Anthropic to Anthropic goes through as the client wrote it (AnthropicPassthroughCodec): prompt caching
    // and extended thinking with its signed blocks reach the upstream.
    QVERIFY2(found == value, qPrintable(QString::fromUtf8(upstream->body)));
}

QTEST_GUILESS_MAIN(TestProxyTranslateUpstream)
#include "tst_proxytranslateupstream.moc"
