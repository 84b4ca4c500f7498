// The OpenAI Chat Completions edits and readings done in place: reading a request, rewriting its model and
// stream_options byte-exactly, reading usage and finish reasons, and adding usage.cost.

#include "openaicompat.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace OpenAICompat;
using namespace Qt::StringLiterals;

namespace {

QJsonObject parsed(const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("not JSON (%s): %s", qPrintable(error.errorString()), text.constData());
    return document.object();
}

ChatRequest read(const QByteArray &body)
{
    QString error;
    const std::optional<ChatRequest> request = readChatRequest(body, &error);
    if (!request)
        qWarning("unexpected request error: %s", qPrintable(error));
    return request.value_or(ChatRequest());
}

} // namespace

class TestOpenAICompat final : public QObject
{
    Q_OBJECT

private slots:
    void readChatRequest_data();
    void readChatRequest();
    void rewriteChatRequest_data();
    void rewriteChatRequest();
    void rewriteLeavesNoOtherModel_data();
    void rewriteLeavesNoOtherModel();
    void readUsage_data();
    void readUsage();
    void readResponse_data();
    void readResponse();
    void withCost_data();
    void withCost();
    void withCostWhenUpstreamSentOne();
    void withoutMember_data();
    void withoutMember();
};

void TestOpenAICompat::readChatRequest_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("error"); // empty: accepted
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<bool>("wantsUsage");

    const QString ok;
    QTest::newRow("minimal") << QByteArray(R"({"model":"gpt-4o-mini","messages":[]})") << ok
                             << u"gpt-4o-mini"_s << false << false;
    QTest::newRow("stream") << QByteArray(
        R"({"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true})")
                            << ok << u"m"_s << true << false;
    QTest::newRow("stream false") << QByteArray(R"({"model":"m","messages":[],"stream":false})") << ok
                                  << u"m"_s << false << false;
    QTest::newRow("stream null") << QByteArray(R"({"model":"m","messages":[],"stream":null})") << ok << u"m"_s
                                 << false << false;
    QTest::newRow("client wants usage")
        << QByteArray(R"({"model":"m","messages":[],"stream":true,"stream_options":{"include_usage":true}})")
        << ok << u"m"_s << true << true;
    QTest::newRow("usage not asked") << QByteArray(
        R"({"model":"m","messages":[],"stream":true,"stream_options":{"include_usage":false}})")
                                     << ok << u"m"_s << true << false;
    QTest::newRow("escaped model name") << QByteArray(R"({"model":"openai\/gpt\u002d4o","messages":[]})")
                                        << ok << u"openai/gpt-4o"_s << false << false;
    QTest::newRow("provider prefix") << QByteArray(R"({"messages":[],"model":"anthropic/claude-sonnet-4-5"})")
                                     << ok << u"anthropic/claude-sonnet-4-5"_s << false << false;

    QTest::newRow("not JSON") << QByteArray(R"({"model":"m",)") << u"The request body is not valid JSON: "_s
                              << QString() << false << false;
    QTest::newRow("array") << QByteArray("[]") << u"The request body must be a JSON object."_s << QString()
                           << false << false;
    QTest::newRow("no model") << QByteArray(R"({"messages":[]})") << u"you must provide a model parameter"_s
                              << QString() << false << false;
    QTest::newRow("empty model") << QByteArray(R"({"model":"","messages":[]})")
                                 << u"you must provide a model parameter"_s << QString() << false << false;
    QTest::newRow("model not a string")
        << QByteArray(R"({"model":4,"messages":[]})") << u"you must provide a model parameter"_s << QString()
        << false << false;
    QTest::newRow("no messages") << QByteArray(R"({"model":"m"})")
                                 << u"'messages' is a required property and must be an array"_s << QString()
                                 << false << false;
    QTest::newRow("messages not an array")
        << QByteArray(R"({"model":"m","messages":{}})")
        << u"'messages' is a required property and must be an array"_s << QString() << false << false;
    QTest::newRow("stream not a boolean") << QByteArray(R"({"model":"m","messages":[],"stream":"yes"})")
                                          << u"'stream' must be a boolean"_s << QString() << false << false;
}

void TestOpenAICompat::readChatRequest()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, error);
    QString actualError;
    const std::optional<ChatRequest> request = OpenAICompat::readChatRequest(body, &actualError);
    QCOMPARE(request.has_value(), error.isEmpty());
    if (!request) {
        QVERIFY2(actualError.startsWith(error), qPrintable(actualError));
        return;
    }
    QFETCH(QString, model);
    QFETCH(bool, stream);
    QFETCH(bool, wantsUsage);
    QCOMPARE(request->model, model);
    QCOMPARE(request->stream, stream);
    QCOMPARE(request->clientWantsUsage, wantsUsage);
    QCOMPARE(request->root.begin, 0);
    QCOMPARE(request->root.end, body.size());
}

void TestOpenAICompat::rewriteChatRequest_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("upstreamModel");
    QTest::addColumn<QByteArray>("expected"); // byte for byte: the rest of the text is never touched

    QTest::newRow("model replaced")
        << QByteArray(R"({"model":"alias","messages":[{"role":"user","content":"model"}],"temperature":0.5})")
        << u"gpt-4o-mini-2024-07-18"_s
        << QByteArray(
               R"({"model":"gpt-4o-mini-2024-07-18","messages":[{"role":"user","content":"model"}],"temperature":0.5})");
    QTest::newRow("same model: untouched") << QByteArray(R"({ "model" : "m" , "messages":[] })") << u"m"_s
                                           << QByteArray(R"({ "model" : "m" , "messages":[] })");
    QTest::newRow("spacing kept") << QByteArray("{\n  \"model\" : \"a\",\n  \"messages\": []\n}") << u"b"_s
                                  << QByteArray("{\n  \"model\" : \"b\",\n  \"messages\": []\n}");
    QTest::newRow("model needing escapes")
        << QByteArray(R"({"model":"x","messages":[]})") << u"we\"ird\\model"_s
        << QByteArray(R"({"model":"we\"ird\\model","messages":[]})");
    QTest::newRow("non-ASCII model") << QByteArray(R"({"model":"x","messages":[]})") << u"modèle"_s
                                     << QByteArray("{\"model\":\"mod\xc3\xa8le\",\"messages\":[]}");
    QTest::newRow("stream: options added")
        << QByteArray(R"({"model":"m","messages":[],"stream":true})") << u"m"_s
        << QByteArray(R"({"model":"m","messages":[],"stream":true,"stream_options":{"include_usage":true}})");
    QTest::newRow("stream: options added after a trailing space")
        << QByteArray(R"({"model":"m","messages":[],"stream":true } )") << u"m"_s
        << QByteArray(
               R"({"model":"m","messages":[],"stream":true ,"stream_options":{"include_usage":true}} )");
    QTest::newRow("stream: null options replaced")
        << QByteArray(R"({"model":"m","stream_options":null,"messages":[],"stream":true})") << u"m"_s
        << QByteArray(R"({"model":"m","stream_options":{"include_usage":true},"messages":[],"stream":true})");
    QTest::newRow("stream: empty options filled")
        << QByteArray(R"({"model":"m","messages":[],"stream":true,"stream_options":{}})") << u"m"_s
        << QByteArray(R"({"model":"m","messages":[],"stream":true,"stream_options":{"include_usage":true}})");
    QTest::newRow("stream: blank options filled")
        << QByteArray(R"({"model":"m","messages":[],"stream":true,"stream_options":{ }})") << u"m"_s
        << QByteArray(
               R"({"model":"m","messages":[],"stream":true,"stream_options":{"include_usage":true }})");
    QTest::newRow("stream: options merged")
        << QByteArray(
               R"({"model":"m","messages":[],"stream":true,"stream_options":{"continuous_usage_stats":true}})")
        << u"m"_s
        << QByteArray(
               R"({"model":"m","messages":[],"stream":true,"stream_options":{"include_usage":true,"continuous_usage_stats":true}})");
    QTest::newRow("stream: false replaced")
        << QByteArray(
               R"({"model":"m","messages":[],"stream":true,"stream_options":{"x":1, "include_usage" : false}})")
        << u"m"_s
        << QByteArray(
               R"({"model":"m","messages":[],"stream":true,"stream_options":{"x":1, "include_usage":true}})");
    QTest::newRow("stream: null include_usage replaced")
        << QByteArray(R"({"model":"m","messages":[],"stream":true,"stream_options":{"include_usage":null}})")
        << u"m"_s
        << QByteArray(R"({"model":"m","messages":[],"stream":true,"stream_options":{"include_usage":true}})");
    QTest::newRow("stream: client asked, untouched")
        << QByteArray(R"({"model":"m","messages":[],"stream":true,"stream_options":{"include_usage":true}})")
        << u"m"_s
        << QByteArray(R"({"model":"m","messages":[],"stream":true,"stream_options":{"include_usage":true}})");
    QTest::newRow("no stream: options left alone")
        << QByteArray(R"({"model":"m","messages":[],"stream":false,"stream_options":null})") << u"m"_s
        << QByteArray(R"({"model":"m","messages":[],"stream":false,"stream_options":null})");
    QTest::newRow("stream and model, model last")
        << QByteArray(R"({"stream":true,"stream_options":{},"messages":[],"model":"short"})")
        << u"a-much-longer-model-name"_s
        << QByteArray(
               R"({"stream":true,"stream_options":{"include_usage":true},"messages":[],"model":"a-much-longer-model-name"})");
    QTest::newRow("stream and model, model first")
        << QByteArray(R"({"model":"a-much-longer-model-name","messages":[],"stream":true})") << u"x"_s
        << QByteArray(R"({"model":"x","messages":[],"stream":true,"stream_options":{"include_usage":true}})");
}

void TestOpenAICompat::rewriteChatRequest()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, upstreamModel);
    QFETCH(QByteArray, expected);
    const ChatRequest request = read(body);
    const QByteArray rewritten = OpenAICompat::rewriteChatRequest(body, request, upstreamModel);
    QCOMPARE(rewritten, expected);
    // And what upstream will read from it.
    const QJsonObject object = parsed(rewritten);
    QCOMPARE(object.value(u"model").toString(), upstreamModel);
    if (request.stream)
        QCOMPARE(object.value(u"stream_options").toObject().value(u"include_usage"), QJsonValue(true));
    const QJsonObject original = parsed(body);
    for (auto it = original.begin(); it != original.end(); ++it) {
        if (it.key() != u"model" && it.key() != u"stream_options")
            QCOMPARE(object.value(it.key()), it.value());
    }
}

void TestOpenAICompat::rewriteLeavesNoOtherModel_data()
{
    QTest::addColumn<QByteArray>("body");
    // The gateway resolves, authorises and prices the first "model"; a provider's JSON parser (Python's,
    // JavaScript's, Qt's) keeps the last one, or decodes the escaped key to "model".
    QTest::newRow("duplicate model key")
        << QByteArray(R"({"model":"cheap","messages":[],"model":"expensive"})");
    QTest::newRow("escaped model key")
        << QByteArray(R"({"model":"cheap","messages":[],"mod\u0065l":"expensive"})");
    QTest::newRow("duplicate stream key")
        << QByteArray(R"({"model":"cheap","messages":[],"stream":false,"stream":true,"x":"expensive"})");
}

void TestOpenAICompat::rewriteLeavesNoOtherModel()
{
    // Either the request is refused, or upstream reads exactly what the gateway decided.
    QFETCH(QByteArray, body);
    QString error;
    const std::optional<ChatRequest> request = OpenAICompat::readChatRequest(body, &error);
    if (!request)
        return; // refused: fine
    const QByteArray rewritten = OpenAICompat::rewriteChatRequest(body, *request, u"gpt-4o-mini"_s);
    const QJsonObject upstreamView = parsed(rewritten);
    const QString upstreamModel = upstreamView.value(u"model").toString();
    const bool upstreamStreams = upstreamView.value(u"stream").toBool();
    QVERIFY2(upstreamModel == u"gpt-4o-mini"_s && upstreamStreams == request->stream,
        qPrintable(u"upstream reads model "_s + upstreamModel + u", stream "_s
            + (upstreamStreams ? u"true"_s : u"false"_s)));
}

void TestOpenAICompat::readUsage_data()
{
    QTest::addColumn<QByteArray>("usage");
    QTest::addColumn<bool>("known");
    QTest::addColumn<qint64>("prompt");
    QTest::addColumn<qint64>("completion");
    QTest::addColumn<qint64>("cached");
    QTest::addColumn<qint64>("reasoning");

    QTest::newRow("openai with details")
        << QByteArray(R"({"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500,
                         "prompt_tokens_details":{"cached_tokens":1024,"audio_tokens":0},
                         "completion_tokens_details":{"reasoning_tokens":128,"audio_tokens":0}})")
        << true << qint64(1200) << qint64(300) << qint64(1024) << qint64(128);
    QTest::newRow("deepseek cache hits")
        << QByteArray(R"({"prompt_tokens":50,"completion_tokens":5,"total_tokens":55,
                         "prompt_cache_hit_tokens":32,"prompt_cache_miss_tokens":18})")
        << true << qint64(50) << qint64(5) << qint64(32) << qint64(0);
    QTest::newRow("plain") << QByteArray(R"({"prompt_tokens":9,"completion_tokens":12,"total_tokens":21})")
                           << true << qint64(9) << qint64(12) << qint64(0) << qint64(0);
    QTest::newRow("null details") << QByteArray(
        R"({"prompt_tokens":9,"completion_tokens":1,"prompt_tokens_details":null,"completion_tokens_details":null})")
                                  << true << qint64(9) << qint64(1) << qint64(0) << qint64(0);
    QTest::newRow("empty object") << QByteArray("{}") << true << qint64(0) << qint64(0) << qint64(0)
                                  << qint64(0);
    QTest::newRow("null") << QByteArray("null") << false << qint64(0) << qint64(0) << qint64(0) << qint64(0);
}

void TestOpenAICompat::readUsage()
{
    QFETCH(QByteArray, usage);
    QFETCH(bool, known);
    const TokenUsage u = OpenAICompat::readUsage(usage, JsonScan::validate(usage));
    QCOMPARE(u.known, known);
    QTEST(u.promptTokens, "prompt");
    QTEST(u.completionTokens, "completion");
    QTEST(u.cachedTokens, "cached");
    QTEST(u.reasoningTokens, "reasoning");
}

void TestOpenAICompat::readResponse_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("finishReason");
    QTest::addColumn<bool>("noChoices");
    QTest::addColumn<qint64>("promptTokens"); // -1: no usage

    QTest::newRow("whole response") << QByteArray(
        R"({"id":"c1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant",
                      "content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":8,"completion_tokens":2}})")
                                    << true << u"stop"_s << false << qint64(8);
    QTest::newRow("cut off") << QByteArray(
        R"({"choices":[{"finish_reason":"length"},{"finish_reason":"stop"}]})")
                             << true << u"length"_s << false << qint64(-1);
    QTest::newRow("tool calls") << QByteArray(
        R"({"choices":[{"message":{"tool_calls":[]},"finish_reason":"tool_calls"}]})")
                                << true << u"tool_calls"_s << false << qint64(-1);
    QTest::newRow("stream delta") << QByteArray(
        R"({"choices":[{"index":0,"delta":{"content":"he"},"finish_reason":null}],"usage":null})")
                                  << true << QString() << false << qint64(-1);
    QTest::newRow("usage-only chunk")
        << QByteArray(R"({"id":"c1","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4}})") << true
        << QString() << true << qint64(3);
    QTest::newRow("no choices key") << QByteArray(R"({"error":{"message":"x"}})") << true << QString()
                                    << false << qint64(-1);
    QTest::newRow("not JSON") << QByteArray(R"({"choices":[)") << false << QString() << false << qint64(-1);
    QTest::newRow("array") << QByteArray("[]") << false << QString() << false << qint64(-1);
}

void TestOpenAICompat::readResponse()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    const std::optional<ResponseInfo> info = OpenAICompat::readResponse(text);
    QCOMPARE(info.has_value(), valid);
    if (!info)
        return;
    QTEST(info->finishReason, "finishReason");
    QTEST(info->noChoices, "noChoices");
    QFETCH(qint64, promptTokens);
    QCOMPARE(info->usage.isValid(), promptTokens >= 0);
    if (promptTokens >= 0)
        QCOMPARE(OpenAICompat::readUsage(text, info->usage).promptTokens, promptTokens);
}

void TestOpenAICompat::withCost_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<double>("cost");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("added last")
        << QByteArray(R"({"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":2}})") << 0.00015
        << QByteArray(R"({"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":2,"cost":0.00015}})");
    QTest::newRow("empty usage") << QByteArray(R"({"usage":{}})") << 1.25
                                 << QByteArray(R"({"usage":{"cost":1.25}})");
    QTest::newRow("blank usage") << QByteArray(R"({"usage":{ }})") << 2.0
                                 << QByteArray(R"({"usage":{ "cost":2}})");
    QTest::newRow("zero") << QByteArray(R"({"usage":{"prompt_tokens":0}})") << 0.0
                          << QByteArray(R"({"usage":{"prompt_tokens":0,"cost":0}})");
    QTest::newRow("tiny") << QByteArray(R"({"usage":{"prompt_tokens":1} })") << 1.5e-7
                          << QByteArray(R"({"usage":{"prompt_tokens":1,"cost":1.5e-07} })");
    QTest::newRow("nested object at the end")
        << QByteArray(R"({"usage":{"prompt_tokens_details":{"cached_tokens":1}},"id":"x"})") << 0.5
        << QByteArray(R"({"usage":{"prompt_tokens_details":{"cached_tokens":1},"cost":0.5},"id":"x"})");
}

void TestOpenAICompat::withCost()
{
    QFETCH(QByteArray, text);
    QFETCH(double, cost);
    QFETCH(QByteArray, expected);
    const std::optional<ResponseInfo> info = OpenAICompat::readResponse(text);
    QVERIFY(info && info->usage.isValid());
    const QByteArray out = OpenAICompat::withCost(text, info->usage, cost);
    QCOMPARE(out, expected);
    QCOMPARE(parsed(out).value(u"usage").toObject().value(u"cost").toDouble(), cost);
}

void TestOpenAICompat::withCostWhenUpstreamSentOne()
{
    // OpenRouter reports its own usage.cost. The result must still have one cost, the gateway's.
    const QByteArray text = R"({"choices":[],"usage":{"prompt_tokens":10,"cost":0.002}})";
    const std::optional<ResponseInfo> info = OpenAICompat::readResponse(text);
    QVERIFY(info && info->usage.isValid());
    const QByteArray out = OpenAICompat::withCost(text, info->usage, 0.0025);
    QCOMPARE(parsed(out).value(u"usage").toObject().value(u"cost").toDouble(), 0.0025);
    QCOMPARE(out.count("\"cost\""), 1);
}

void TestOpenAICompat::withoutMember_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("last") << QByteArray(R"({"choices":[],"usage":{"prompt_tokens":1}})")
                          << QByteArray(R"({"choices":[]})");
    QTest::newRow("first") << QByteArray(R"({"usage":null, "id":"x"})") << QByteArray(R"({ "id":"x"})");
    QTest::newRow("middle") << QByteArray(R"({"a":1 , "usage" : {} ,"b":2})")
                            << QByteArray(R"({"a":1  ,"b":2})");
    QTest::newRow("only") << QByteArray(R"({ "usage":{"x":[1,2]} })") << QByteArray(R"({  })");
}

void TestOpenAICompat::withoutMember()
{
    // How a usage chunk the client did not ask for loses its usage.
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, expected);
    const std::optional<ResponseInfo> info = OpenAICompat::readResponse(text);
    QVERIFY(info && info->usageMember.isValid());
    const QByteArray out = OpenAICompat::withoutMember(text, info->usageMember);
    QCOMPARE(out, expected);
    QVERIFY(JsonScan::validate(out).isValid());
    QVERIFY(!parsed(out).contains(u"usage"));
}

QTEST_GUILESS_MAIN(TestOpenAICompat)
#include "tst_openaicompat.moc"
