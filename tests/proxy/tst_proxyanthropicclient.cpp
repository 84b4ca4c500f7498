// What Claude Code sends on any model: an Anthropic request with a system message inside `messages` (its beta
// mid-conversation-tool-changes-2026-07-01), new fields and betas. To Anthropic it goes as it is and
// Anthropic judges it; to other providers the system message keeps its place in their format; what cannot be
// translated gets a 400 in Anthropic's envelope, recorded.

#include "fakeupstream.h"
#include "proxyharness.h"
#include "testhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

class TestProxyAnthropicClient final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void passthroughSendsTheRequestAsItIs_data();
    void passthroughSendsTheRequestAsItIs();
    void passthroughLetsAnthropicJudge();
    void systemMessageKeepsItsPlaceForOpenAI();
    void systemMessageJoinsGeminisSystemInstruction();
    void untranslatableRequestIsRefusedAndRecorded();
    void badBodiesAreRefusedBeforeRouting_data();
    void badBodiesAreRefusedBeforeRouting();

private:
    TestHttpResult send(const QByteArray &body, const QByteArray &beta = {});
    ProxyHarness m_harness;
};

namespace {
const QByteArray claudeCodeBeta = "claude-code-20250219,mid-conversation-tool-changes-2026-07-01,"
                                  "context-management-2025-06-27,some-beta-from-the-future-2027-01-01";

// A request as Claude Code shapes it on a model the gateway routes: system blocks, a system message between
// the turns, and fields the gateway has no use for.
QByteArray claudeCodeRequest(const QString &model, bool stream)
{
    return uR"({"model":"%1","max_tokens":512,"stream":%2,
 "system":[{"type":"text","text":"You are Claude Code.","cache_control":{"type":"ephemeral"}}],
 "messages":[{"role":"user","content":[{"type":"text","text":"list the files"}]},
  {"role":"assistant","content":[{"type":"text","text":"Which folder?"}]},
  {"role":"system","content":"The Bash tool is no longer available."},
  {"role":"user","content":"the src folder"}],
 "context_management":{"edits":[{"type":"clear_tool_uses_20250919"}]},
 "output_config":{"effort":"medium"},
 "a_field_from_2027":{"x":1}})"_s.arg(model, stream ? u"true"_s : u"false"_s)
        .toUtf8();
}

QJsonArray upstreamMessages(const FakeHttpRequest &request)
{
    return request.json().toObject().value(u"messages").toArray();
}
} // namespace

void TestProxyAnthropicClient::initTestCase()
{
    ProxyHarness::Options options;
    options.translatingProviders = true;
    QString error;
    QVERIFY2(m_harness.start(options, &error), qPrintable(error));
}

TestHttpResult TestProxyAnthropicClient::send(const QByteArray &body, const QByteArray &beta)
{
    QList<QPair<QByteArray, QByteArray>> headers { { "x-api-key", m_harness.apiKey() },
        { "content-type", "application/json" }, { "anthropic-version", "2023-06-01" } };
    if (!beta.isEmpty())
        headers.append({ "anthropic-beta", beta });
    return TestHttp::call(
        m_harness.nam(), m_harness.port(), "POST", u"/v1/messages?beta=true"_s, body, headers);
}

void TestProxyAnthropicClient::passthroughSendsTheRequestAsItIs_data()
{
    QTest::addColumn<bool>("stream");
    QTest::newRow("whole") << false;
    QTest::newRow("stream") << true;
}

void TestProxyAnthropicClient::passthroughSendsTheRequestAsItIs()
{
    QFETCH(bool, stream);
    m_harness.upstream().clearReceivedRequests();
    const QByteArray body = claudeCodeRequest(u"anthropic/claude-haiku-4-5"_s, stream);
    const TestHttpResult result = send(body, claudeCodeBeta);
    QCOMPARE(result.status, 200);
    if (stream)
        QVERIFY2(result.body.contains("event: message_stop"), result.body.constData());
    else
        QCOMPARE(
            result.json().value(u"content").toArray().first()[u"text"].toString(), u"Echo: the src folder"_s);

    const auto upstream = m_harness.lastUpstreamRequest("/v1/messages");
    QVERIFY(upstream);
    // Byte for byte but for the model's name, and every beta the client named.
    QByteArray expected = body;
    expected.replace("\"anthropic/claude-haiku-4-5\"", "\"claude-haiku-4-5\"");
    QCOMPARE(upstream->body, expected);
    QCOMPARE(upstream->header("anthropic-beta"), claudeCodeBeta);

    const auto row = m_harness.record(result.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"status"_s).toInt(), 200);
    QCOMPARE(row->value(u"used_provider"_s).toString(), u"anthropic"_s);
    QCOMPARE(row->value(u"streamed"_s).toInt(), stream ? 1 : 0);
}

void TestProxyAnthropicClient::passthroughLetsAnthropicJudge()
{
    // No max_tokens: the gateway does not refuse it for Anthropic; Anthropic's own 400 reaches the client.
    m_harness.upstream().clearReceivedRequests();
    const TestHttpResult result
        = send(R"({"model":"anthropic/claude-haiku-4-5","messages":[{"role":"user","content":"hi"}]})");
    QCOMPARE(result.status, 400);
    QCOMPARE(result.json().value(u"type").toString(), u"error"_s);
    QCOMPARE(result.json().value(u"error").toObject().value(u"message").toString(),
        u"max_tokens: Field required"_s);
    QVERIFY2(m_harness.lastUpstreamRequest("/v1/messages"), "the request must reach Anthropic");
    const auto row = m_harness.record(result.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"status"_s).toInt(), 400);
    QCOMPARE(row->value(u"error"_s).toString(), u"max_tokens: Field required"_s);
}

void TestProxyAnthropicClient::systemMessageKeepsItsPlaceForOpenAI()
{
    m_harness.upstream().clearReceivedRequests();
    const TestHttpResult result = send(claudeCodeRequest(u"openai/gpt-4o-mini"_s, false), claudeCodeBeta);
    QCOMPARE(result.status, 200);
    QCOMPARE(
        result.json().value(u"content").toArray().first()[u"text"].toString(), u"Echo: the src folder"_s);
    const auto upstream = m_harness.lastUpstreamChat();
    QVERIFY(upstream);
    const QJsonArray messages = upstreamMessages(*upstream);
    QCOMPARE(messages.size(), 5);
    QCOMPARE(messages.at(0).toObject(),
        (QJsonObject { { u"role"_s, u"system"_s }, { u"content"_s, u"You are Claude Code."_s } }));
    QCOMPARE(messages.at(2).toObject().value(u"role").toString(), u"assistant"_s);
    QCOMPARE(messages.at(3).toObject(),
        (QJsonObject {
            { u"role"_s, u"system"_s }, { u"content"_s, u"The Bash tool is no longer available."_s } }));
    QCOMPARE(messages.at(4).toObject().value(u"content").toString(), u"the src folder"_s);
}

void TestProxyAnthropicClient::systemMessageJoinsGeminisSystemInstruction()
{
    m_harness.upstream().clearReceivedRequests();
    const TestHttpResult result = send(claudeCodeRequest(u"google/gemini-2.5-flash"_s, true), claudeCodeBeta);
    QCOMPARE(result.status, 200);
    QVERIFY2(result.body.contains("Echo: the src folder") || result.body.contains("\"Echo:\""),
        result.body.constData());
    const auto upstream = m_harness.lastUpstreamRequest("/v1beta/models/");
    QVERIFY(upstream);
    const QJsonObject request = upstream->json().toObject();
    // Gemini has one systemInstruction: the mid-conversation message is appended to it, in order.
    const QJsonArray parts = request.value(u"systemInstruction").toObject().value(u"parts").toArray();
    QCOMPARE(parts.size(), 2);
    QCOMPARE(parts.at(0)[u"text"].toString(), u"You are Claude Code."_s);
    QCOMPARE(parts.at(1)[u"text"].toString(), u"The Bash tool is no longer available."_s);
    const QJsonArray contents = request.value(u"contents").toArray();
    QCOMPARE(contents.size(), 3);
    for (const QJsonValue &content : contents)
        QVERIFY(content[u"role"].toString() != u"system"_s);
}

void TestProxyAnthropicClient::untranslatableRequestIsRefusedAndRecorded()
{
    // Anthropic's server tools run only on Anthropic: for an OpenAI model the translation refuses them.
    m_harness.upstream().clearReceivedRequests();
    const TestHttpResult result = send(R"({"model":"openai/gpt-4o-mini","max_tokens":50,
        "tools":[{"type":"web_search_20250305","name":"web_search"}],
        "messages":[{"role":"user","content":"search"}]})");
    QCOMPARE(result.status, 400);
    const QJsonObject error = result.json().value(u"error").toObject();
    QCOMPARE(result.json().value(u"type").toString(), u"error"_s);
    QCOMPARE(error.value(u"type").toString(), u"invalid_request_error"_s);
    QVERIFY2(error.value(u"message").toString().startsWith(u"tools.0.type: 'web_search_20250305'"_s),
        qPrintable(error.value(u"message").toString()));
    QVERIFY(m_harness.upstream().receivedRequests().isEmpty());
    const auto row = m_harness.record(result.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"status"_s).toInt(), 400);
    QCOMPARE(row->value(u"requested_model"_s).toString(), u"openai/gpt-4o-mini"_s);
    QCOMPARE(row->value(u"error"_s).toString(), error.value(u"message").toString());
}

void TestProxyAnthropicClient::badBodiesAreRefusedBeforeRouting_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("not JSON") << QByteArray(R"({"model":)") << u"The request body is not valid JSON: "_s;
    QTest::newRow("no model") << QByteArray(R"({"max_tokens":5,"messages":[]})")
                              << u"model: Field required"_s;
}

void TestProxyAnthropicClient::badBodiesAreRefusedBeforeRouting()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    m_harness.upstream().clearReceivedRequests();
    const TestHttpResult result = send(body);
    QCOMPARE(result.status, 400);
    QCOMPARE(result.json().value(u"type").toString(), u"error"_s);
    const QString said = result.json().value(u"error").toObject().value(u"message").toString();
    QVERIFY2(said.startsWith(message), qPrintable(said));
    QVERIFY(m_harness.upstream().receivedRequests().isEmpty());
    const auto row = m_harness.record(result.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"status"_s).toInt(), 400);
    QCOMPARE(row->value(u"error"_s).toString(), said);
}

QTEST_GUILESS_MAIN(TestProxyAnthropicClient)
#include "tst_proxyanthropicclient.moc"
