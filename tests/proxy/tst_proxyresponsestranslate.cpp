// POST /v1/responses to every provider family: OpenAI (passed through), Anthropic, Gemini and an
// OpenAI-compatible server without a Responses API (translated through Chat Completions). What the client
// gets (Response objects and the streamed events, tool calls, JSON schema, usage and cost), what the upstream
// received in its own format, and what the gateway recorded.

#include "fakeupstream.h"
#include "proxyharness.h"
#include "responsescase.h"
#include "translatecase.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QString question = u"How tall is the Eiffel tower?"_s;
const QString weatherQuestion = u"Weather in Paris and Tokyo?"_s;

// The text of the upstream's messages in its format, role by role: what the client's items became.
QStringList upstreamTurns(const ResponsesRoute &route, const QJsonObject &body)
{
    QStringList turns;
    if (route.provider == u"openai") {
        for (const QJsonValue &item : body.value(u"input"_s).toArray())
            turns.append(item.toObject().value(u"type"_s).toString());
    } else if (route.provider == u"anthropic") {
        turns.append(u"system:"_s + body.value(u"system"_s).toString());
        for (const QJsonValue &message : body.value(u"messages"_s).toArray()) {
            const QJsonValue content = message.toObject().value(u"content"_s);
            QStringList blocks;
            for (const QJsonValue &block : content.toArray())
                blocks.append(block.toObject().value(u"type"_s).toString());
            turns.append(message.toObject().value(u"role"_s).toString() + u':'
                + (content.isString() ? content.toString() : blocks.join(u',')));
        }
    } else if (route.provider == u"google") {
        const QJsonArray system = body.value(u"systemInstruction"_s).toObject().value(u"parts"_s).toArray();
        turns.append(u"system:"_s + system.first().toObject().value(u"text"_s).toString());
        for (const QJsonValue &content : body.value(u"contents"_s).toArray()) {
            QStringList parts;
            for (const QJsonValue &part : content.toObject().value(u"parts"_s).toArray())
                parts.append(part.toObject().contains(u"text"_s) ? part.toObject().value(u"text"_s).toString()
                                                                 : part.toObject().keys().first());
            turns.append(content.toObject().value(u"role"_s).toString() + u':' + parts.join(u','));
        }
    } else {
        for (const QJsonValue &message : body.value(u"messages"_s).toArray()) {
            const QJsonObject object = message.toObject();
            turns.append(object.value(u"role"_s).toString() + u':'
                + (object.contains(u"tool_calls"_s) ? u"tool_calls"_s
                                                    : object.value(u"content"_s).toString()));
        }
    }
    return turns;
}

} // namespace

class TestProxyResponsesTranslate final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        ProxyHarness::Options options;
        options.translatingProviders = true;
        options.extraEnvironment = responsesEnvironment();
        QString error;
        QVERIFY2(m_harness.start(options, &error), qPrintable(error));
    }
    void init() { m_harness.upstream().clearReceivedRequests(); }

    void whole_data() { ResponsesRoute::addRows(); }
    void whole()
    {
        QFETCH(int, route);
        const ResponsesRoute &r = ResponsesRoute::at(route);
        const TestHttpResult result = postResponses(m_harness, responsesRequest(r.model(), question));
        QCOMPARE(result.status, 200);
        QVERIFY(result.header("content-type").startsWith("application/json"));
        const QJsonObject json = result.json();
        QCOMPARE(json.value(u"object"_s).toString(), u"response"_s);
        QCOMPARE(json.value(u"status"_s).toString(), u"completed"_s);
        QVERIFY2(json.value(u"id"_s).toString().startsWith(u"resp_"_s),
            qPrintable(json.value(u"id"_s).toString()));
        QCOMPARE(json.value(u"instructions"_s).toString(), u"Be brief."_s);
        QCOMPARE(json.value(u"max_output_tokens"_s).toInt(), 256);
        const QJsonArray output = json.value(u"output"_s).toArray();
        QCOMPARE(output.size(), 1);
        QCOMPARE(output.first().toObject().value(u"type"_s).toString(), u"message"_s);
        QCOMPARE(output.first().toObject().value(u"role"_s).toString(), u"assistant"_s);
        QCOMPARE(outputText(json), u"Echo: "_s + question);

        const int prompt = expectedPromptTokens(question);
        const int completion = expectedCompletionTokens(question);
        const QJsonObject usage = json.value(u"usage"_s).toObject();
        QCOMPARE(usage.value(u"input_tokens"_s).toInt(), prompt);
        QCOMPARE(usage.value(u"output_tokens"_s).toInt(), completion);
        QCOMPARE(usage.value(u"total_tokens"_s).toInt(), prompt + completion);
        const double cost = catalogCost(m_harness.gateway(), r.provider, r.upstreamModel, prompt, completion);
        QVERIFY(cost > 0);
        QVERIFY2(sameMoney(usage.value(u"cost"_s).toDouble(), cost),
            qPrintable(QString::number(usage.value(u"cost"_s).toDouble())));

        const auto upstream = m_harness.lastUpstreamRequest(r.upstreamPath());
        QVERIFY2(upstream, r.upstreamPath().constData());
        const QStringList expectedTurns = r.passthrough
            ? QStringList { u"message"_s }
            : QStringList { u"system:Be brief."_s, u"user:"_s + question };
        QCOMPARE(upstreamTurns(r, upstream->json().toObject()), expectedTurns);
        checkRecord(
            result.header("x-request-id"), r, r.upstreamModel, false, u"stop"_s, prompt, completion, cost);
    }

    void stream_data() { ResponsesRoute::addRows(); }
    void stream()
    {
        QFETCH(int, route);
        const ResponsesRoute &r = ResponsesRoute::at(route);
        const TestHttpResult result = postResponses(m_harness, responsesRequest(r.model(), question, true));
        QCOMPARE(result.status, 200);
        QVERIFY(result.header("content-type").startsWith("text/event-stream"));
        const ResponsesStream stream = ResponsesStream::parse(result.body);
        QVERIFY2(stream.problem.isEmpty(), qPrintable(stream.problem));
        const QStringList head { u"response.created"_s, u"response.in_progress"_s,
            u"response.output_item.added"_s, u"response.content_part.added"_s,
            u"response.output_text.delta"_s };
        QCOMPARE(stream.types.mid(0, head.size()), head);
        const QStringList tail { u"response.output_text.done"_s, u"response.content_part.done"_s,
            u"response.output_item.done"_s, u"response.completed"_s };
        QCOMPARE(stream.types.mid(stream.types.size() - tail.size()), tail);
        QCOMPARE(stream.text, u"Echo: "_s + question);
        QCOMPARE(outputText(stream.final), u"Echo: "_s + question);
        QCOMPARE(stream.final.value(u"status"_s).toString(), u"completed"_s);
        const int prompt = expectedPromptTokens(question);
        const int completion = expectedCompletionTokens(question);
        const QJsonObject usage = stream.final.value(u"usage"_s).toObject();
        QCOMPARE(usage.value(u"input_tokens"_s).toInt(), prompt);
        QCOMPARE(usage.value(u"output_tokens"_s).toInt(), completion);
        const double cost = catalogCost(m_harness.gateway(), r.provider, r.upstreamModel, prompt, completion);
        QVERIFY(sameMoney(usage.value(u"cost"_s).toDouble(), cost));
        const auto upstream = m_harness.lastUpstreamRequest(r.upstreamPath());
        QVERIFY(upstream);
        if (r.provider == u"google")
            QVERIFY2(upstream->path.endsWith(":streamGenerateContent"), upstream->path.constData());
        else
            QCOMPARE(upstream->json().toObject().value(u"stream"_s).toBool(), true);
        checkRecord(
            result.header("x-request-id"), r, r.upstreamModel, true, u"stop"_s, prompt, completion, cost);
    }

    void toolCalls_data()
    {
        QTest::addColumn<int>("route");
        QTest::addColumn<bool>("streamed");
        for (int i = 0; i < ResponsesRoute::all().size(); ++i) {
            QTest::newRow(qPrintable(QString::fromLatin1(ResponsesRoute::at(i).tag) + u"/whole"_s))
                << i << false;
            QTest::newRow(qPrintable(QString::fromLatin1(ResponsesRoute::at(i).tag) + u"/stream"_s))
                << i << true;
        }
    }
    void toolCalls()
    {
        QFETCH(int, route);
        QFETCH(bool, streamed);
        const ResponsesRoute &r = ResponsesRoute::at(route);
        const TestHttpResult result
            = postResponses(m_harness, responsesRequest(r.tools(), weatherQuestion, streamed, true));
        QCOMPARE(result.status, 200);
        QJsonArray output;
        if (streamed) {
            const ResponsesStream stream = ResponsesStream::parse(result.body);
            QVERIFY2(stream.problem.isEmpty(), qPrintable(stream.problem));
            QVERIFY(stream.types.contains(u"response.function_call_arguments.delta"_s));
            QVERIFY(stream.types.contains(u"response.function_call_arguments.done"_s));
            QCOMPARE(stream.types.last(), u"response.completed"_s);
            for (const QJsonObject &call :
                functionCalls(stream.doneItems)) // the deltas add up to the arguments
                QCOMPARE(stream.arguments.value(call.value(u"id"_s).toString()),
                    call.value(u"arguments"_s).toString());
            QCOMPARE(functionCalls(stream.doneItems).size(), 2);
            output = stream.final.value(u"output"_s).toArray();
        } else {
            output = result.json().value(u"output"_s).toArray();
        }
        const QList<QJsonObject> calls = functionCalls(output);
        QCOMPARE(calls.size(), 2);
        QStringList cities;
        for (const QJsonObject &call : calls) {
            QCOMPARE(call.value(u"name"_s).toString(), u"get_weather"_s);
            QCOMPARE(call.value(u"status"_s).toString(), u"completed"_s);
            QVERIFY(!call.value(u"call_id"_s).toString().isEmpty());
            cities.append(QJsonDocument::fromJson(call.value(u"arguments"_s).toString().toUtf8())
                              .object()
                              .value(u"location"_s)
                              .toString());
        }
        QCOMPARE(cities, (QStringList { u"Paris"_s, u"Tokyo"_s }));
        // web_search cannot run without OpenAI: dropped, and the answer says so.
        QCOMPARE(
            result.header("x-llmgw-dropped-tools"), r.passthrough ? QByteArray() : QByteArray("web_search"));
        const auto upstream = m_harness.lastUpstreamRequest(r.upstreamPath());
        QVERIFY(upstream);
        const QByteArray sentTools
            = QJsonDocument(upstream->json().toObject().value(u"tools"_s).toArray()).toJson();
        QCOMPARE(sentTools.contains("web_search"), r.passthrough);
        QVERIFY(sentTools.contains("get_weather") || r.provider == u"google");
        const auto row = m_harness.record(result.header("x-request-id"));
        QCOMPARE(row->value(u"finish_reason"_s).toString(), u"tool_calls"_s);
    }

    // The second turn of the round trip: the calls and their outputs reach the upstream in its own words.
    void toolResults_data() { toolCalls_data(); }
    void toolResults()
    {
        QFETCH(int, route);
        QFETCH(bool, streamed);
        const ResponsesRoute &r = ResponsesRoute::at(route);
        const TestHttpResult result
            = postResponses(m_harness, toolResultsRequest(r.model(), weatherQuestion, streamed));
        QCOMPARE(result.status, 200);
        const QString text = streamed ? ResponsesStream::parse(result.body).text : outputText(result.json());
        QCOMPARE(text, u"Echo: "_s + weatherQuestion);
        const auto upstream = m_harness.lastUpstreamRequest(r.upstreamPath());
        QVERIFY(upstream);
        const QStringList turns = upstreamTurns(r, upstream->json().toObject());
        QStringList expected;
        if (r.passthrough)
            expected = { u"message"_s, u"function_call"_s, u"function_call"_s, u"function_call_output"_s,
                u"function_call_output"_s };
        else if (r.provider == u"anthropic")
            expected = { u"system:Be brief."_s, u"user:"_s + weatherQuestion,
                u"assistant:tool_use,tool_use"_s, u"user:tool_result,tool_result"_s };
        else if (r.provider == u"google")
            expected = { u"system:Be brief."_s, u"user:"_s + weatherQuestion,
                u"model:functionCall,functionCall"_s, u"user:functionResponse,functionResponse"_s };
        else
            expected = { u"system:Be brief."_s, u"user:"_s + weatherQuestion, u"assistant:tool_calls"_s,
                u"tool:Sunny in Paris"_s, u"tool:Rain in Tokyo"_s };
        QCOMPARE(turns, expected);
    }

    void jsonSchema_data() { ResponsesRoute::addRows(); }
    void jsonSchema()
    {
        QFETCH(int, route);
        const ResponsesRoute &r = ResponsesRoute::at(route);
        const QJsonObject schema { { u"type"_s, u"object"_s },
            { u"properties"_s,
                QJsonObject { { u"height_m"_s, QJsonObject { { u"type"_s, u"number"_s } } } } },
            { u"required"_s, QJsonArray { u"height_m"_s } }, { u"additionalProperties"_s, false } };
        QJsonObject body = responsesRequest(r.model(), question);
        body.insert(u"text"_s,
            QJsonObject { { u"format"_s,
                QJsonObject { { u"type"_s, u"json_schema"_s }, { u"name"_s, u"height"_s },
                    { u"strict"_s, true }, { u"schema"_s, schema } } } });
        const TestHttpResult result = postResponses(m_harness, body);
        QCOMPARE(result.status, 200);
        QCOMPARE(result.json().value(u"text"_s).toObject(), body.value(u"text"_s).toObject());
        const QJsonObject upstream = m_harness.lastUpstreamRequest(r.upstreamPath())->json().toObject();
        if (r.passthrough) {
            QCOMPARE(upstream.value(u"text"_s).toObject(), body.value(u"text"_s).toObject());
        } else if (r.provider == u"google") {
            const QJsonObject config = upstream.value(u"generationConfig"_s).toObject();
            QCOMPARE(config.value(u"responseMimeType"_s).toString(), u"application/json"_s);
            QCOMPARE(config.value(u"responseSchema"_s).toObject().value(u"required"_s).toArray(),
                QJsonArray { u"height_m"_s });
        } else if (r.provider == u"anthropic") { // structured output, the schema as the client gave it
            QCOMPARE(upstream.value(u"output_config"_s).toObject(),
                (QJsonObject { { u"format"_s,
                    QJsonObject { { u"type"_s, u"json_schema"_s }, { u"schema"_s, schema } } } }));
        } else {
            const QJsonObject format = upstream.value(u"response_format"_s).toObject();
            QCOMPARE(format.value(u"type"_s).toString(), u"json_schema"_s);
            QCOMPARE(format.value(u"json_schema"_s).toObject().value(u"name"_s).toString(), u"height"_s);
            QCOMPARE(format.value(u"json_schema"_s).toObject().value(u"schema"_s).toObject(), schema);
        }
    }

    // What Codex sends: developer messages, namespace tools, reasoning items and include, store false.
    void codexShapedRequest_data() { ResponsesRoute::addRows(); }
    void codexShapedRequest()
    {
        QFETCH(int, route);
        const ResponsesRoute &r = ResponsesRoute::at(route);
        QJsonObject body = responsesRequest(r.model(), question, true);
        body.insert(u"store"_s, false);
        body.insert(u"include"_s, QJsonArray { u"reasoning.encrypted_content"_s });
        body.insert(
            u"reasoning"_s, QJsonObject { { u"effort"_s, u"medium"_s }, { u"summary"_s, u"auto"_s } });
        QJsonArray input = body.value(u"input"_s).toArray();
        input.prepend(QJsonObject { { u"type"_s, u"message"_s }, { u"role"_s, u"developer"_s },
            { u"content"_s,
                QJsonArray { QJsonObject {
                    { u"type"_s, u"input_text"_s }, { u"text"_s, u"Sandbox: read-only."_s } } } } });
        input.append(QJsonObject { { u"type"_s, u"reasoning"_s }, { u"id"_s, u"rs_1"_s },
            { u"summary"_s, QJsonArray() }, { u"encrypted_content"_s, u"gAAAA"_s } });
        body.insert(u"input"_s, input);
        body.insert(u"tools"_s,
            QJsonArray {
                QJsonObject { { u"type"_s, u"namespace"_s }, { u"name"_s, u"mcp__docs"_s },
                    { u"tools"_s,
                        QJsonArray { QJsonObject { { u"type"_s, u"function"_s }, { u"name"_s, u"search"_s },
                            { u"parameters"_s, QJsonObject { { u"type"_s, u"object"_s } } } } } } },
                QJsonObject { { u"type"_s, u"web_search"_s } } });
        const TestHttpResult result = postResponses(m_harness, body);
        QCOMPARE(result.status, 200);
        const ResponsesStream stream = ResponsesStream::parse(result.body);
        QVERIFY2(stream.problem.isEmpty(), qPrintable(stream.problem));
        QCOMPARE(stream.text, u"Echo: "_s + question);
        QCOMPARE(stream.final.value(u"store"_s).toBool(true), false);
        const QJsonObject upstream = m_harness.lastUpstreamRequest(r.upstreamPath())->json().toObject();
        const QByteArray sent = QJsonDocument(upstream).toJson(QJsonDocument::Compact);
        if (r.passthrough) {
            QVERIFY(sent.contains("encrypted_content"));
            return;
        }
        QCOMPARE(result.header("x-llmgw-dropped-tools"), QByteArray("web_search"));
        QVERIFY2(!sent.contains("gAAAA"), "reasoning items stay with OpenAI");
        QVERIFY2(sent.contains("Sandbox: read-only."), "the developer message goes as a system instruction");
        QVERIFY2(sent.contains("mcp__docs__search"), sent.constData());
    }

private:
    void checkRecord(const QByteArray &requestId, const ResponsesRoute &route, const QString &model,
        bool streamed, const QString &finishReason, int prompt, int completion, double cost)
    {
        const auto row = m_harness.record(requestId);
        QVERIFY(row);
        QCOMPARE(row->value(u"status"_s).toInt(), 200);
        QCOMPARE(row->value(u"endpoint"_s).toString(), u"/v1/responses"_s);
        QCOMPARE(row->value(u"requested_model"_s).toString(), route.model());
        QCOMPARE(row->value(u"used_model"_s).toString(), model);
        QCOMPARE(row->value(u"used_provider"_s).toString(), route.provider);
        QCOMPARE(row->value(u"streamed"_s).toInt(), streamed ? 1 : 0);
        QCOMPARE(row->value(u"finish_reason"_s).toString(), finishReason);
        QCOMPARE(row->value(u"error"_s).toString(), QString());
        QCOMPARE(row->value(u"prompt_tokens"_s).toInt(), prompt);
        QCOMPARE(row->value(u"completion_tokens"_s).toInt(), completion);
        QVERIFY(!row->value(u"ttft_ms"_s).isNull());
        QVERIFY2(sameMoney(row->value(u"cost"_s).toDouble(), cost),
            qPrintable(QString::number(row->value(u"cost"_s).toDouble())));
    }

    ProxyHarness m_harness;
};

QTEST_GUILESS_MAIN(TestProxyResponsesTranslate)
#include "tst_proxyresponsestranslate.moc"
