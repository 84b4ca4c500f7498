// The Anthropic Messages adapter: canonical OpenAI requests out, Messages responses, streams and errors
// back, checked against fixtures shaped like both APIs' documented examples (fixtures/anthropic/).
#include "anthropicadapter.h"

#include "fixturefiles.h"
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QString fixtures = QStringLiteral(FIXTURES_DIR "/anthropic/");
constexpr qint64 Created = 1700000000;

using FixtureFiles::readFile;
const auto readJson = FixtureFiles::readObject;
using FixtureFiles::text;

void addFixtureRows(const QString &directory)
{
    FixtureFiles::addRows(fixtures + directory);
}

using FixtureFiles::parseSse;

std::optional<ModelInfo> modelInfo(const QJsonObject &fixture)
{
    const QJsonValue info = fixture.value("modelInfo"_L1);
    if (!info.isObject())
        return std::nullopt;
    ModelInfo model;
    model.provider = u"anthropic"_s;
    model.id = fixture.value("upstreamModel"_L1).toString();
    model.maxOutputTokens = info.toObject().value("maxOutputTokens"_L1).toInteger();
    model.reasoning = info.toObject().value("reasoning"_L1).toBool();
    return model;
}

QByteArray anthropicMessage(const QByteArray &stopReason)
{
    return R"({"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"x"}],"stop_reason":)"
        + stopReason + R"(,"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}})";
}

} // namespace

class TestAnthropicAdapter : public QObject
{
    Q_OBJECT

private slots:
    void request_data() { addFixtureRows(u"requests"_s); }
    void request();
    void requestBodyIsCompactJson();

    void response_data() { addFixtureRows(u"responses"_s); }
    void response();
    void stopReason_data();
    void stopReason();
    void responseRejectsWhatIsNotAMessage_data();
    void responseRejectsWhatIsNotAMessage();

    void stream_data();
    void stream();
    void streamErrorEvent();
    void streamCutShortStillReportsUsage();

    void error_data();
    void error();
};

void TestAnthropicAdapter::request()
{
    QFETCH(QJsonObject, fixture);
    const std::optional<ModelInfo> model = modelInfo(fixture);
    QString error;
    const auto call = AnthropicAdapter::fromOpenAIRequest(fixture.value("openai"_L1).toObject(),
        fixture.value("upstreamModel"_L1).toString(), model ? &*model : nullptr, &error);
    if (fixture.contains("error"_L1)) {
        QVERIFY2(!call, call ? call->body.constData() : "");
        QVERIFY2(error.contains(fixture.value("error"_L1).toString()), qPrintable(error));
        return;
    }
    QVERIFY2(call, qPrintable(error));
    QCOMPARE(call->path, QByteArray("/v1/messages"));
    QCOMPARE(call->stream, fixture.value("stream"_L1).toBool());
    QJsonParseError parseError;
    const QJsonDocument body = QJsonDocument::fromJson(call->body, &parseError);
    QVERIFY2(body.isObject(), qPrintable(parseError.errorString()));
    COMPARE_JSON(body.object(), fixture.value("expected"_L1));
}

void TestAnthropicAdapter::requestBodyIsCompactJson()
{
    const QJsonObject openai { { u"model"_s, u"x"_s }, { u"max_tokens"_s, 5 },
        { u"messages"_s,
            QJsonArray { QJsonObject { { u"role"_s, u"user"_s }, { u"content"_s, u"Hi"_s } } } } };
    const auto call = AnthropicAdapter::fromOpenAIRequest(openai, u"claude-haiku-4-5"_s, nullptr, nullptr);
    QVERIFY(call);
    QCOMPARE(call->body,
        QByteArray(
            R"({"max_tokens":5,"messages":[{"content":"Hi","role":"user"}],"model":"claude-haiku-4-5"})"));
    QVERIFY(!call->stream);
}

void TestAnthropicAdapter::response()
{
    QFETCH(QJsonObject, fixture);
    const QByteArray body = text(fixture.value("anthropic"_L1));
    QString error;
    const auto response = AnthropicAdapter::toOpenAIResponse(
        body, fixture.value("requestedModel"_L1).toString(), &error, Created);
    QVERIFY2(response, qPrintable(error));
    COMPARE_JSON(*response, fixture.value("expected"_L1));

    // The usage the proxy records (and prices) agrees with the one the client sees.
    const QJsonObject usage = fixture.value("expected"_L1).toObject().value("usage"_L1).toObject();
    const TokenUsage recorded = AnthropicAdapter::responseUsage(body);
    QVERIFY(recorded.known);
    QCOMPARE(recorded.promptTokens, usage.value("prompt_tokens"_L1).toInteger());
    QCOMPARE(recorded.completionTokens, usage.value("completion_tokens"_L1).toInteger());
    QCOMPARE(recorded.totalTokens(), usage.value("total_tokens"_L1).toInteger());
    const QJsonObject details = usage.value("prompt_tokens_details"_L1).toObject();
    QCOMPARE(recorded.cachedTokens, details.value("cached_tokens"_L1).toInteger());
    QCOMPARE(recorded.cacheWriteTokens, details.value("cache_write_tokens"_L1).toInteger());
}

void TestAnthropicAdapter::stopReason_data()
{
    QTest::addColumn<QByteArray>("stopReason");
    QTest::addColumn<QString>("finishReason");
    QTest::newRow("end_turn") << QByteArray(R"("end_turn")") << u"stop"_s;
    QTest::newRow("stop_sequence") << QByteArray(R"("stop_sequence")") << u"stop"_s;
    QTest::newRow("max_tokens") << QByteArray(R"("max_tokens")") << u"length"_s;
    QTest::newRow("context window") << QByteArray(R"("model_context_window_exceeded")") << u"length"_s;
    QTest::newRow("tool_use") << QByteArray(R"("tool_use")") << u"tool_calls"_s;
    QTest::newRow("pause_turn") << QByteArray(R"("pause_turn")") << u"stop"_s;
    QTest::newRow("refusal") << QByteArray(R"("refusal")") << u"content_filter"_s;
    QTest::newRow("null") << QByteArray("null") << u"stop"_s;
}

void TestAnthropicAdapter::stopReason()
{
    QFETCH(QByteArray, stopReason);
    QFETCH(QString, finishReason);
    const auto response
        = AnthropicAdapter::toOpenAIResponse(anthropicMessage(stopReason), u"m"_s, nullptr, Created);
    QVERIFY(response);
    const QJsonObject choice = response->value("choices"_L1).toArray().first().toObject();
    QCOMPARE(choice.value("finish_reason"_L1).toString(), finishReason);
}

void TestAnthropicAdapter::responseRejectsWhatIsNotAMessage_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("not JSON") << QByteArray("<html>") << u"not valid JSON"_s;
    QTest::newRow("error envelope") << QByteArray(
        R"({"type":"error","error":{"type":"api_error","message":"boom"}})")
                                    << u"not a Messages response"_s;
    QTest::newRow("OpenAI shape") << QByteArray(R"({"object":"chat.completion","choices":[]})")
                                  << u"not a Messages response"_s;
}

void TestAnthropicAdapter::responseRejectsWhatIsNotAMessage()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    QString error;
    QVERIFY(!AnthropicAdapter::toOpenAIResponse(body, u"m"_s, &error, Created));
    QVERIFY2(error.contains(message), qPrintable(error));
}

void TestAnthropicAdapter::stream_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("text and tool use") << u"tool-use"_s;
    QTest::newRow("thinking") << u"thinking"_s;
    QTest::newRow("structured output") << u"json-schema"_s;
}

// Fed event by event, each event must yield exactly its own chunks right away: the fixture lists the
// expected output per input event, so any buffering (or reordering) fails here.
void TestAnthropicAdapter::stream()
{
    QFETCH(QString, name);
    const QList<SseEvent> events = parseSse(readFile(fixtures + u"streams/"_s + name + u".sse"_s));
    const QJsonObject expected = readJson(fixtures + u"streams/"_s + name + u".json"_s);
    const QJsonArray perEvent = expected.value("perEvent"_L1).toArray();
    QCOMPARE(events.size(), perEvent.size());

    AnthropicAdapter::StreamToOpenAI stream(expected.value("requestedModel"_L1).toString(), Created);
    for (qsizetype i = 0; i < events.size(); ++i) {
        // The fast path for text deltas gives exactly the chunk feed() gives, and takes every text delta.
        qsizetype textBytes = 0;
        const auto fast = stream.textDeltaChunk(events.at(i).data, &textBytes);
        QCOMPARE(fast.has_value(), events.at(i).data.contains("\"text_delta\""));
        QJsonArray chunks;
        for (const QJsonObject &chunk : stream.feed(events.at(i)))
            chunks.append(chunk);
        if (fast) {
            QCOMPARE(chunks.size(), 1);
            COMPARE_JSON(QJsonDocument::fromJson(*fast).object(), chunks.first().toObject());
            QCOMPARE(*fast, QJsonDocument(chunks.first().toObject()).toJson(QJsonDocument::Compact));
        }
        if (text(chunks) != text(perEvent.at(i)))
            qWarning("event %lld (%s) gave the wrong chunks", qlonglong(i), events.at(i).event.constData());
        COMPARE_JSON(chunks, perEvent.at(i));
    }
    QJsonArray tail;
    for (const QJsonObject &chunk : stream.finish())
        tail.append(chunk);
    COMPARE_JSON(tail, expected.value("finish"_L1));

    QVERIFY(!stream.failed());
    QCOMPARE(stream.finishReason(), expected.value("finishReason"_L1).toString());
    const QJsonObject usage = expected.value("usage"_L1).toObject();
    QVERIFY(stream.usage().known);
    QCOMPARE(stream.usage().promptTokens, usage.value("prompt"_L1).toInteger());
    QCOMPARE(stream.usage().completionTokens, usage.value("completion"_L1).toInteger());
    QCOMPARE(stream.usage().cachedTokens, usage.value("cached"_L1).toInteger());
    QCOMPARE(stream.usage().cacheWriteTokens, usage.value("cacheWrite"_L1).toInteger());
}

void TestAnthropicAdapter::streamErrorEvent()
{
    AnthropicAdapter::StreamToOpenAI stream(u"claude-sonnet-4-5"_s, Created);
    const QByteArray start
        = R"({"type":"message_start","message":{"id":"msg_e","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}})";
    QCOMPARE(stream.feed({ "message_start", start }).size(), 1);
    QVERIFY(!stream.failed());
    // Documented: an overloaded_error can arrive in the middle of a stream that began with a 200.
    const auto chunks = stream.feed(
        { "error", R"({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})" });
    QVERIFY(chunks.isEmpty());
    QVERIFY(stream.failed());
    QCOMPARE(stream.errorMessage(), u"Overloaded"_s);
    QCOMPARE(stream.error().type, QByteArray("server_error"));
    QCOMPARE(stream.error().code, QByteArray("overloaded"));
}

void TestAnthropicAdapter::streamCutShortStillReportsUsage()
{
    AnthropicAdapter::StreamToOpenAI stream(u"m"_s, Created);
    QVERIFY(stream.finish().isEmpty()); // nothing arrived: nothing to report
    stream.feed({ "message_start",
        R"({"type":"message_start","message":{"id":"msg_c","usage":{"input_tokens":7,"cache_read_input_tokens":3,"output_tokens":1}}})" });
    stream.feed({ "content_block_start",
        R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})" });
    const auto text = stream.feed({ "content_block_delta",
        R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hal"}})" });
    QCOMPARE(text.size(), 1);
    QCOMPARE(text.first()["choices"_L1][0]["delta"_L1]["content"_L1].toString(), u"Hal"_s);

    const auto tail = stream.finish();
    QCOMPARE(tail.size(), 1);
    QCOMPARE(tail.first().value("choices"_L1).toArray().size(), 0);
    const QJsonObject usage = tail.first().value("usage"_L1).toObject();
    QCOMPARE(usage.value("prompt_tokens"_L1).toInt(), 10);
    QCOMPARE(usage.value("completion_tokens"_L1).toInt(), 1);
    QCOMPARE(usage["prompt_tokens_details"_L1]["cached_tokens"_L1].toInt(), 3);
    QVERIFY(stream.finish().isEmpty()); // sent once
    QVERIFY(stream.finishReason().isEmpty());
}

void TestAnthropicAdapter::error_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QByteArray>("type");
    QTest::addColumn<QByteArray>("code");
    for (const QJsonValue &value : readJson(fixtures + u"errors.json"_s).value("cases"_L1).toArray()) {
        const QJsonObject row = value.toObject();
        QTest::newRow(qPrintable(row.value("name"_L1).toString()))
            << row.value("status"_L1).toInt() << row.value("body"_L1).toString().toUtf8()
            << row.value("message"_L1).toString() << row.value("type"_L1).toString().toLatin1()
            << row.value("code"_L1).toString().toLatin1();
    }
}

void TestAnthropicAdapter::error()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    QFETCH(QByteArray, type);
    QFETCH(QByteArray, code);
    const AnthropicAdapter::ErrorInfo info = AnthropicAdapter::toOpenAIError(status, body);
    QCOMPARE(info.message, message);
    QCOMPARE(info.type, type);
    QCOMPARE(info.code, code);
}

QTEST_GUILESS_MAIN(TestAnthropicAdapter)
#include "tst_anthropicadapter.moc"
