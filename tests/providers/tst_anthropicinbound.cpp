// Anthropic Messages clients served by any provider: Messages requests to canonical OpenAI and canonical
// answers, streams and errors back to Messages, against fixtures in fixtures/anthropic/inbound/.
#include "anthropicadapter.h"
#include "anthropicinbound.h"

#include "fixturefiles.h"
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QString fixtures = QStringLiteral(FIXTURES_DIR "/anthropic/inbound/");

const auto readJson = FixtureFiles::readObject;
using FixtureFiles::text;

void addFixtureRows(const QString &directory)
{
    FixtureFiles::addRows(fixtures + directory);
}

// The bytes a list of {"event", "data"} objects stands for, in the Messages stream format.
QByteArray sse(const QJsonArray &events)
{
    QByteArray out;
    for (const QJsonValue &event : events) {
        out += "event: " + event["event"_L1].toString().toUtf8()
            + "\ndata: " + text(event["data"_L1].toObject()) + "\n\n";
    }
    return out;
}

QJsonObject chunk(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

} // namespace

class TestAnthropicInbound : public QObject
{
    Q_OBJECT

private slots:
    void request_data() { addFixtureRows(u"requests"_s); }
    void request();
    void requestRejectsBadBodies_data();
    void requestRejectsBadBodies();
    void readHead_data();
    void readHead();
    void thinkingBudget_data();
    void thinkingBudget();
    void requestRoundTripsThroughTheAnthropicAdapter();

    void response_data() { addFixtureRows(u"responses"_s); }
    void response();
    void responseRoundTripsThroughTheAnthropicAdapter();
    void stopReason_data();
    void stopReason();
    void responseWithoutChoices();

    void stream_data() { addFixtureRows(u"streams"_s); }
    void stream();
    void streamBytes();
    void streamError();

    void errorBody();
    void errorTypeForStatus_data();
    void errorTypeForStatus();
};

void TestAnthropicInbound::request()
{
    QFETCH(QJsonObject, fixture);
    QString error;
    const auto request = AnthropicInbound::toOpenAIRequest(text(fixture["anthropic"_L1]), &error);
    if (fixture.contains("error"_L1)) {
        QVERIFY2(!request, request ? text(*request).constData() : "");
        QVERIFY2(error.contains(fixture["error"_L1].toString()), qPrintable(error));
        return;
    }
    QVERIFY2(request, qPrintable(error));
    COMPARE_JSON(*request, fixture["expected"_L1]);
}

void TestAnthropicInbound::requestRejectsBadBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("not JSON") << QByteArray("{\"model\":") << u"The request body is not valid JSON"_s;
    QTest::newRow("array") << QByteArray("[]") << u"The request body must be a JSON object"_s;
    QTest::newRow("no messages") << QByteArray(R"({"model":"m","max_tokens":5})")
                                 << u"messages: Field required"_s;
    QTest::newRow("fractional max_tokens")
        << QByteArray(R"({"model":"m","max_tokens":2.5,"messages":[]})") << u"max_tokens: Field required"_s;
}

void TestAnthropicInbound::requestRejectsBadBodies()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    QString error;
    QVERIFY(!AnthropicInbound::toOpenAIRequest(body, &error));
    QVERIFY2(error.startsWith(message), qPrintable(error));
}

void TestAnthropicInbound::readHead_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("model"); // empty: rejected with `message`
    QTest::addColumn<bool>("stream");
    QTest::addColumn<QString>("message");
    // What Anthropic may accept and the translation may not is not the head's business.
    QTest::newRow("passthrough-only fields") << QByteArray(
        R"({"model":"anthropic/claude-sonnet-4-5","stream":true,"messages":[{"role":"system","content":"x"}],)"
        R"("context_management":{"edits":[]},"output_config":{"effort":"high"},"new_field":1})")
                                             << u"anthropic/claude-sonnet-4-5"_s << true << QString();
    QTest::newRow("no max_tokens") << QByteArray(R"({"model":"m","messages":[]})") << u"m"_s << false
                                   << QString();
    QTest::newRow("stream not true") << QByteArray(R"({"model":"m","stream":"yes"})") << u"m"_s << false
                                     << QString();
    QTest::newRow("not JSON") << QByteArray("{\"model\":") << QString() << false
                              << u"The request body is not valid JSON: "_s;
    QTest::newRow("array") << QByteArray("[]") << QString() << false
                           << u"The request body must be a JSON object"_s;
    QTest::newRow("no model") << QByteArray(R"({"max_tokens":5})") << QString() << false
                              << u"model: Field required"_s;
    QTest::newRow("model not a string")
        << QByteArray(R"({"model":5})") << QString() << false << u"model: Field required"_s;
}

void TestAnthropicInbound::readHead()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, model);
    QFETCH(bool, stream);
    QFETCH(QString, message);
    QString error;
    const auto head = AnthropicInbound::readHead(body, &error);
    if (model.isEmpty()) {
        QVERIFY(!head);
        QVERIFY2(error.startsWith(message), qPrintable(error));
        return;
    }
    QVERIFY2(head, qPrintable(error));
    QCOMPARE(head->model, model);
    QCOMPARE(head->stream, stream);
}

void TestAnthropicInbound::thinkingBudget_data()
{
    QTest::addColumn<QByteArray>("thinking");
    QTest::addColumn<QString>("effort"); // empty: no reasoning_effort
    QTest::newRow("1024") << QByteArray(R"({"type":"enabled","budget_tokens":1024})") << u"low"_s;
    QTest::newRow("2048") << QByteArray(R"({"type":"enabled","budget_tokens":2048})") << u"low"_s;
    QTest::newRow("2049") << QByteArray(R"({"type":"enabled","budget_tokens":2049})") << u"medium"_s;
    QTest::newRow("8192") << QByteArray(R"({"type":"enabled","budget_tokens":8192})") << u"medium"_s;
    QTest::newRow("8193") << QByteArray(R"({"type":"enabled","budget_tokens":8193})") << u"high"_s;
    QTest::newRow("32000") << QByteArray(R"({"type":"enabled","budget_tokens":32000})") << u"high"_s;
    QTest::newRow("disabled") << QByteArray(R"({"type":"disabled"})") << QString();
}

void TestAnthropicInbound::thinkingBudget()
{
    QFETCH(QByteArray, thinking);
    QFETCH(QString, effort);
    const QByteArray body
        = R"({"model":"m","max_tokens":40000,"messages":[{"role":"user","content":"Hi"}],"thinking":)"
        + thinking + "}";
    const auto request = AnthropicInbound::toOpenAIRequest(body, nullptr);
    QVERIFY(request);
    QCOMPARE(request->value("reasoning_effort"_L1).toString(), effort);
    QCOMPARE(request->contains("reasoning_effort"_L1), !effort.isEmpty());
}

// A Messages request that goes through the gateway to Anthropic arrives as it was sent.
void TestAnthropicInbound::requestRoundTripsThroughTheAnthropicAdapter()
{
    const QJsonObject original = readJson(fixtures + u"roundtrip-request.json"_s);
    QString error;
    const auto canonical = AnthropicInbound::toOpenAIRequest(text(original), &error);
    QVERIFY2(canonical, qPrintable(error));
    ModelInfo model;
    model.reasoning = true;
    model.maxOutputTokens = 64000;
    const auto call
        = AnthropicAdapter::fromOpenAIRequest(*canonical, original["model"_L1].toString(), &model, &error);
    QVERIFY2(call, qPrintable(error));
    COMPARE_JSON(QJsonDocument::fromJson(call->body).object(), original);
}

void TestAnthropicInbound::response()
{
    QFETCH(QJsonObject, fixture);
    const QJsonObject response = AnthropicInbound::fromOpenAIResponse(
        fixture["openai"_L1].toObject(), fixture["requestedModel"_L1].toString());
    COMPARE_JSON(response, fixture["expected"_L1]);
}

// An Anthropic answer relayed to an Anthropic client through the canonical form loses nothing it uses.
void TestAnthropicInbound::responseRoundTripsThroughTheAnthropicAdapter()
{
    const QJsonObject original = readJson(fixtures + u"roundtrip-response.json"_s);
    QString error;
    const auto canonical
        = AnthropicAdapter::toOpenAIResponse(text(original), original["model"_L1].toString(), &error);
    QVERIFY2(canonical, qPrintable(error));
    COMPARE_JSON(AnthropicInbound::fromOpenAIResponse(*canonical, original["model"_L1].toString()), original);
}

void TestAnthropicInbound::stopReason_data()
{
    QTest::addColumn<QString>("finishReason");
    QTest::addColumn<QString>("stopReason");
    QTest::newRow("stop") << u"stop"_s << u"end_turn"_s;
    QTest::newRow("length") << u"length"_s << u"max_tokens"_s;
    QTest::newRow("tool_calls") << u"tool_calls"_s << u"tool_use"_s;
    QTest::newRow("function_call") << u"function_call"_s << u"tool_use"_s;
    QTest::newRow("content_filter") << u"content_filter"_s << u"refusal"_s;
    QTest::newRow("missing") << QString() << u"end_turn"_s;
}

void TestAnthropicInbound::stopReason()
{
    QFETCH(QString, finishReason);
    QFETCH(QString, stopReason);
    QCOMPARE(AnthropicInbound::stopReasonFor(finishReason), stopReason);
    const QJsonObject openai {
        { u"id"_s, u"chatcmpl-1"_s },
        { u"choices"_s,
            QJsonArray { QJsonObject {
                { u"message"_s, QJsonObject { { u"role"_s, u"assistant"_s }, { u"content"_s, u"x"_s } } },
                { u"finish_reason"_s, finishReason.isNull() ? QJsonValue() : QJsonValue(finishReason) } } } },
    };
    QCOMPARE(AnthropicInbound::fromOpenAIResponse(openai, u"m"_s)["stop_reason"_L1].toString(), stopReason);
}

// Some servers answer with no choice at all (a filtered prompt, say): the client still gets a Message.
void TestAnthropicInbound::responseWithoutChoices()
{
    const QJsonObject response = AnthropicInbound::fromOpenAIResponse(
        chunk(R"({"id":"chatcmpl-0","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":0}})"),
        u"m"_s);
    QCOMPARE(response["id"_L1].toString(), u"msg_0"_s);
    QCOMPARE(response["content"_L1].toArray().size(), 0);
    QCOMPARE(response["stop_reason"_L1].toString(), u"end_turn"_s);
    QCOMPARE(response["usage"_L1]["input_tokens"_L1].toInt(), 3);
}

// Each chunk must yield its own events at once: the fixture gives the expected bytes per chunk.
void TestAnthropicInbound::stream()
{
    QFETCH(QJsonObject, fixture);
    const QJsonArray chunks = fixture["chunks"_L1].toArray();
    const QJsonArray expected = fixture["expected"_L1].toArray();
    QCOMPARE(chunks.size(), expected.size());
    AnthropicInbound::StreamFromOpenAI stream(fixture["requestedModel"_L1].toString());
    for (qsizetype i = 0; i < chunks.size(); ++i) {
        const QByteArray out = stream.feed(chunks.at(i).toObject());
        if (out != sse(expected.at(i).toArray()))
            qWarning("chunk %lld gave the wrong events", qlonglong(i));
        QCOMPARE(out, sse(expected.at(i).toArray()));
    }
    QCOMPARE(stream.finish(), sse(fixture["finish"_L1].toArray()));
    QVERIFY(stream.done());
    QCOMPARE(stream.finish(), QByteArray()); // once only
    QCOMPARE(stream.feed(chunks.last().toObject()), QByteArray()); // nothing after message_stop
}

// The exact bytes, written out by hand, of a short stream.
void TestAnthropicInbound::streamBytes()
{
    AnthropicInbound::StreamFromOpenAI stream(u"claude-haiku-4-5"_s);
    QByteArray out = stream.feed(chunk(
        R"({"id":"chatcmpl-7","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]})"));
    out += stream.feed(
        chunk(R"({"id":"chatcmpl-7","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"));
    out += stream.feed(chunk(
        R"({"id":"chatcmpl-7","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}})"));
    QCOMPARE(out,
        QByteArray(
            "event: message_start\n"
            R"(data: {"message":{"content":[],"id":"msg_7","model":"claude-haiku-4-5","role":"assistant","stop_reason":null,"stop_sequence":null,"type":"message","usage":{"input_tokens":0,"output_tokens":0}},"type":"message_start"})"
            "\n\n"
            "event: content_block_start\n"
            R"(data: {"content_block":{"text":"","type":"text"},"index":0,"type":"content_block_start"})"
            "\n\n"
            "event: content_block_delta\n"
            R"(data: {"delta":{"text":"Hi","type":"text_delta"},"index":0,"type":"content_block_delta"})"
            "\n\n"
            "event: content_block_stop\n"
            R"(data: {"index":0,"type":"content_block_stop"})"
            "\n\n"
            "event: message_delta\n"
            R"(data: {"delta":{"stop_reason":"end_turn","stop_sequence":null},"type":"message_delta","usage":{"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"input_tokens":5,"output_tokens":1}})"
            "\n\n"
            "event: message_stop\n"
            R"(data: {"type":"message_stop"})"
            "\n\n"));
}

void TestAnthropicInbound::streamError()
{
    AnthropicInbound::StreamFromOpenAI stream(u"m"_s);
    QVERIFY(!stream.feed(chunk(R"({"id":"chatcmpl-e","choices":[{"index":0,"delta":{"content":"a"}}]})"))
                 .isEmpty());
    const QByteArray out = stream.feed(chunk(
        R"({"error":{"message":"Rate limit reached for gpt-4o","type":"requests","code":"rate_limit_exceeded"}})"));
    QCOMPARE(out,
        QByteArray(
            "event: error\n"
            R"(data: {"error":{"message":"Rate limit reached for gpt-4o","type":"rate_limit_error"},"type":"error"})"
            "\n\n"));
    QVERIFY(stream.done());
    QCOMPARE(stream.finish(), QByteArray());
}

void TestAnthropicInbound::errorBody()
{
    QCOMPARE(AnthropicInbound::errorBody("not_found_error", u"model: \"gpt-9\" is not in the catalog"_s),
        QByteArray("{\"error\":{\"message\":\"model: \\\"gpt-9\\\" is not in the catalog\","
                   "\"type\":\"not_found_error\"},\"type\":\"error\"}"));
    // What Anthropic's SDK reads from it, and what an OpenAI client would get back through the adapter.
    const AnthropicAdapter::ErrorInfo info = AnthropicAdapter::toOpenAIError(
        429, AnthropicInbound::errorBody("rate_limit_error", u"slow down"_s));
    QCOMPARE(info.message, u"slow down"_s);
    QCOMPARE(info.code, QByteArray("rate_limit_exceeded"));
}

void TestAnthropicInbound::errorTypeForStatus_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("type");
    QTest::newRow("400") << 400 << QByteArray("invalid_request_error");
    QTest::newRow("401") << 401 << QByteArray("authentication_error");
    QTest::newRow("403") << 403 << QByteArray("permission_error");
    QTest::newRow("404") << 404 << QByteArray("not_found_error");
    QTest::newRow("413") << 413 << QByteArray("request_too_large");
    QTest::newRow("415") << 415 << QByteArray("invalid_request_error");
    QTest::newRow("429") << 429 << QByteArray("rate_limit_error");
    QTest::newRow("500") << 500 << QByteArray("api_error");
    QTest::newRow("502") << 502 << QByteArray("api_error");
    QTest::newRow("504") << 504 << QByteArray("api_error");
    QTest::newRow("529") << 529 << QByteArray("overloaded_error");
}

void TestAnthropicInbound::errorTypeForStatus()
{
    QFETCH(int, status);
    QFETCH(QByteArray, type);
    QCOMPARE(AnthropicInbound::errorTypeForStatus(status), type);
}

QTEST_GUILESS_MAIN(TestAnthropicInbound)
#include "tst_anthropicinbound.moc"
