// POST /v1/responses passed through to OpenAI: the answer's bytes as OpenAI sent them but for usage.cost,
// whole and streamed; the request's bytes but for the model; the record; and the errors a Responses client
// gets, in OpenAI's envelope, on every route.

#include "fakeresponses.h"
#include "fakeupstream.h"
#include "proxyharness.h"
#include "responsescase.h"
#include "translatecase.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QString question = u"Is the passthrough exact?"_s;

// `text` without its `,"cost":<number>` member; *cost gets the number (-1 when there was none).
QByteArray withoutCost(QByteArray text, double *cost)
{
    static const QRegularExpression member(u",\"cost\":([-0-9.eE+]+)"_s);
    const auto match = member.match(QString::fromUtf8(text));
    *cost = match.hasMatch() ? match.captured(1).toDouble() : -1;
    if (match.hasMatch())
        text.remove(match.capturedStart(), match.capturedLength());
    return text;
}

// What the fake upstream sent for `request`, with the ids of the relayed answer.
FakeResponses replayFor(const QByteArray &upstreamBody, qint64 createdAt)
{
    return FakeResponses(QJsonDocument::fromJson(upstreamBody).object(), {}, "replay", createdAt);
}

QByteArray withIds(QByteArray bytes, const FakeResponses &replay, const QJsonObject &relayed)
{
    bytes.replace(replay.id(), relayed.value(u"id"_s).toString().toUtf8());
    const QJsonArray output = relayed.value(u"output"_s).toArray();
    if (!output.isEmpty())
        bytes.replace(replay.messageId(), output.first().toObject().value(u"id"_s).toString().toUtf8());
    return bytes;
}

} // namespace

class TestProxyResponses final : public QObject
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

    void passthroughWhole()
    {
        const QByteArray sent = QJsonDocument(responsesRequest(u"openai/gpt-4o-mini"_s, question))
                                    .toJson(QJsonDocument::Compact);
        const TestHttpResult result = postResponses(m_harness, sent);
        QCOMPARE(result.status, 200);
        const auto upstream = m_harness.lastUpstreamRequest("/v1/responses");
        QVERIFY(upstream);
        QByteArray expectedSent = sent;
        expectedSent.replace("\"model\":\"openai/gpt-4o-mini\"", "\"model\":\"gpt-4o-mini\"");
        QCOMPARE(upstream->body, expectedSent); // the request's bytes, but for the model
        QCOMPARE(upstream->header("authorization"), "Bearer " + QByteArray(ProxyHarness::openAIUpstreamKey));

        const QJsonObject json = result.json();
        const FakeResponses replay
            = replayFor(upstream->body, qint64(json.value(u"created_at"_s).toDouble()));
        double cost = 0;
        QCOMPARE(withoutCost(result.body, &cost), withIds(replay.body(), replay, json));
        const int prompt = expectedPromptTokens(question);
        const int completion = expectedCompletionTokens(question);
        QVERIFY2(sameMoney(cost, expectedCost(m_harness.gateway(), prompt, completion)),
            qPrintable(QString::number(cost)));

        const auto row = m_harness.record(result.header("x-request-id"));
        QVERIFY(row);
        QCOMPARE(row->value(u"endpoint"_s).toString(), u"/v1/responses"_s);
        QCOMPARE(row->value(u"status"_s).toInt(), 200);
        QCOMPARE(row->value(u"requested_model"_s).toString(), u"openai/gpt-4o-mini"_s);
        QCOMPARE(row->value(u"used_model"_s).toString(), u"gpt-4o-mini"_s);
        QCOMPARE(row->value(u"used_provider"_s).toString(), u"openai"_s);
        QCOMPARE(row->value(u"streamed"_s).toInt(), 0);
        QCOMPARE(row->value(u"finish_reason"_s).toString(), u"stop"_s);
        QCOMPARE(row->value(u"prompt_tokens"_s).toInt(), prompt);
        QCOMPARE(row->value(u"completion_tokens"_s).toInt(), completion);
        QVERIFY(sameMoney(row->value(u"cost"_s).toDouble(), cost));
        QCOMPARE(row->value(u"response_body"_s).toByteArray(), result.body);
    }

    void passthroughStream()
    {
        const QByteArray sent = QJsonDocument(responsesRequest(u"openai/gpt-4o-mini"_s, question, true))
                                    .toJson(QJsonDocument::Compact);
        const TestHttpResult result = postResponses(m_harness, sent);
        QCOMPARE(result.status, 200);
        QVERIFY(result.header("content-type").startsWith("text/event-stream"));
        const ResponsesStream stream = ResponsesStream::parse(result.body);
        QVERIFY2(stream.problem.isEmpty(), qPrintable(stream.problem));
        const auto upstream = m_harness.lastUpstreamRequest("/v1/responses");
        QVERIFY(upstream);
        QVERIFY(!upstream->body.contains("openai/"));

        const FakeResponses replay
            = replayFor(upstream->body, qint64(stream.final.value(u"created_at"_s).toDouble()));
        const QByteArrayList got = Sse::events(result.body);
        const QByteArrayList sentByUpstream = replay.streamEvents();
        QCOMPARE(got.size(), sentByUpstream.size());
        for (qsizetype i = 0; i + 1 < got.size(); ++i) // every event as the upstream sent it …
            QCOMPARE(got[i], withIds(sentByUpstream[i], replay, stream.final));
        double cost = 0; // … the last one with usage.cost added
        QCOMPARE(withoutCost(got.last(), &cost), withIds(sentByUpstream.last(), replay, stream.final));
        const int prompt = expectedPromptTokens(question);
        const int completion = expectedCompletionTokens(question);
        QVERIFY(sameMoney(cost, expectedCost(m_harness.gateway(), prompt, completion)));
        QCOMPARE(stream.text, u"Echo: "_s + question);

        const auto row = m_harness.record(result.header("x-request-id"));
        QVERIFY(row);
        QCOMPARE(row->value(u"endpoint"_s).toString(), u"/v1/responses"_s);
        QCOMPARE(row->value(u"streamed"_s).toInt(), 1);
        QCOMPARE(row->value(u"prompt_tokens"_s).toInt(), prompt);
        QCOMPARE(row->value(u"completion_tokens"_s).toInt(), completion);
        QCOMPARE(row->value(u"finish_reason"_s).toString(), u"stop"_s);
        QVERIFY(!row->value(u"ttft_ms"_s).isNull());
        QVERIFY(sameMoney(row->value(u"cost"_s).toDouble(), cost));
    }

    // OpenAI keeps responses: there previous_response_id and store go on as the client sent them.
    void passthroughKeepsStoredResponseFields()
    {
        QJsonObject body = responsesRequest(u"openai/gpt-4o-mini"_s, question);
        body.insert(u"previous_response_id"_s, u"resp_earlier"_s);
        body.insert(u"store"_s, true);
        const TestHttpResult result = postResponses(m_harness, body);
        QCOMPARE(result.status, 200);
        const QJsonObject upstream = m_harness.lastUpstreamRequest("/v1/responses")->json().toObject();
        QCOMPARE(upstream.value(u"previous_response_id"_s).toString(), u"resp_earlier"_s);
        QCOMPARE(result.json().value(u"previous_response_id"_s).toString(), u"resp_earlier"_s);
        QCOMPARE(result.json().value(u"store"_s).toBool(), true);
    }

    void passthroughToolsAndHostedTools()
    {
        const TestHttpResult result = postResponses(
            m_harness, responsesRequest(u"openai/gpt-4o-mini-tools"_s, question, false, true));
        QCOMPARE(result.status, 200);
        QVERIFY2(result.header("x-llmgw-dropped-tools").isEmpty(), "OpenAI runs its hosted tools itself");
        const QJsonObject upstream = m_harness.lastUpstreamRequest("/v1/responses")->json().toObject();
        QCOMPARE(upstream.value(u"tools"_s).toArray().size(), 2);
        const QList<QJsonObject> calls = functionCalls(result.json().value(u"output"_s).toArray());
        QCOMPARE(calls.size(), 2);
        QCOMPARE(calls[0].value(u"arguments"_s).toString(), u"{\"location\":\"Paris\"}"_s);
        const auto row = m_harness.record(result.header("x-request-id"));
        QCOMPARE(row->value(u"finish_reason"_s).toString(), u"tool_calls"_s);
    }

    // The upstream hangs up in the middle of a stream: the client's stream ends with OpenAI's error event (a
    // translated one with response.failed first), in sequence, and the record says what happened.
    void streamBrokenOff_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<bool>("translated");
        QTest::newRow("openai") << u"openai/fake-drop-mid-stream"_s << false;
        QTest::newRow("mistral") << u"mistral/fake-drop-mid-stream"_s << true;
    }
    void streamBrokenOff()
    {
        QFETCH(QString, model);
        QFETCH(bool, translated);
        const TestHttpResult result = postResponses(m_harness, responsesRequest(model, question, true));
        QCOMPARE(result.status, 200);
        const ResponsesStream stream = ResponsesStream::parse(result.body);
        QVERIFY2(stream.problem.isEmpty(), qPrintable(stream.problem));
        QCOMPARE(stream.types.last(), u"error"_s);
        QCOMPARE(stream.types.contains(u"response.failed"_s), translated);
        const QJsonObject error = stream.events.last();
        QVERIFY2(error.value(u"message"_s).toString().contains(u"broke off during the stream"_s),
            qPrintable(error.value(u"message"_s).toString()));
        QCOMPARE(error.value(u"error"_s).toObject().value(u"message"_s),
            error.value(u"message"_s)); // what the SDKs raise
        if (translated)
            QCOMPARE(stream.final.value(u"status"_s).toString(), u"failed"_s);
        const auto row = m_harness.record(result.header("x-request-id"));
        QVERIFY(row);
        QVERIFY2(row->value(u"error"_s).toString().contains(u"broke off"_s),
            qPrintable(row->value(u"error"_s).toString()));
        QCOMPARE(row->value(u"endpoint"_s).toString(), u"/v1/responses"_s);
    }

    // Under Metadata Only the record keeps no content of a Responses exchange, and nothing else keeps it
    // either.
    void metadataOnlyKeepsNoContent()
    {
        ProxyHarness harness;
        ProxyHarness::Options options;
        options.translatingProviders = true;
        options.retention = RetentionLevel::MetadataOnly;
        QString error;
        QVERIFY2(harness.start(options, &error), qPrintable(error));
        for (const QString &model : { u"openai/gpt-4o-mini"_s, u"anthropic/claude-haiku-4-5"_s }) {
            const TestHttpResult result = postResponses(harness, responsesRequest(model, question, true));
            QCOMPARE(result.status, 200);
            const auto row = harness.record(result.header("x-request-id"));
            QVERIFY(row);
            QVERIFY2(row->value(u"request_body"_s).toByteArray().isEmpty(), qPrintable(model));
            QVERIFY2(row->value(u"response_body"_s).toByteArray().isEmpty(), qPrintable(model));
            QVERIFY(row->value(u"prompt_tokens"_s).toInt() > 0);
        }
        QJsonObject continued = responsesRequest(u"anthropic/claude-haiku-4-5"_s, question);
        continued.insert(u"previous_response_id"_s, u"resp_1"_s);
        QCOMPARE(postResponses(harness, continued).status, 400);
    }

    void upstreamError()
    {
        const TestHttpResult result
            = postResponses(m_harness, responsesRequest(u"openai/fake-error-400"_s, question));
        QCOMPARE(result.status, 400);
        const QJsonObject error = result.json().value(u"error"_s).toObject();
        QVERIFY2(error.value(u"message"_s).toString().contains(u"fake 400"_s), result.body.constData());
        QCOMPARE(error.value(u"type"_s).toString(), u"invalid_request_error"_s);
        const auto row = m_harness.record(result.header("x-request-id"));
        QCOMPARE(row->value(u"status"_s).toInt(), 400);
        QCOMPARE(row->value(u"endpoint"_s).toString(), u"/v1/responses"_s);
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("param");
        QTest::addColumn<QString>("message");
        const QByteArray json = "application/json";
        QTest::newRow("bad json") << QByteArray("{\"model\":") << json << 400 << QString() << QString()
                                  << u"We could not parse the JSON body"_s;
        QTest::newRow("no model") << QByteArray(R"({"input":"hi"})") << json << 400 << QString() << u"model"_s
                                  << u"Missing required parameter: 'model'."_s;
        QTest::newRow("unknown model") << QByteArray(R"({"model":"nosuch/model","input":"hi"})") << json
                                       << 404 << u"model_not_found"_s << u"model"_s << QString();
        QTest::newRow("not json") << QByteArray("model=x") << QByteArray("text/plain") << 415
                                  << u"unsupported_media_type"_s << QString() << QString();
        QTest::newRow("previous_response_id to anthropic")
            << QByteArray(
                   R"({"model":"anthropic/claude-haiku-4-5","input":"hi","previous_response_id":"resp_1"})")
            << json << 400 << QString() << u"previous_response_id"_s
            << u"previous_response_id: this gateway does not store responses"_s;
        QTest::newRow("item_reference to google")
            << QByteArray(
                   R"({"model":"google/gemini-2.5-flash","input":[{"type":"item_reference","id":"msg_1"}]})")
            << json << 400 << QString() << u"input"_s << u"input[0]: item_reference needs stored responses"_s;
        QTest::newRow("no input to mistral")
            << QByteArray(R"({"model":"mistral/mistral-large-latest"})") << json << 400 << QString()
            << u"input"_s << u"input: Field required"_s;
    }
    void errors()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, contentType);
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(QString, param);
        QFETCH(QString, message);
        m_harness.upstream().clearReceivedRequests();
        const TestHttpResult result = TestHttp::call(m_harness.nam(), m_harness.port(), "POST",
            u"/v1/responses"_s, body, { m_harness.authHeader(), { "content-type", contentType } });
        QCOMPARE(result.status, status);
        const QJsonObject error = result.json().value(u"error"_s).toObject();
        QVERIFY2(!error.isEmpty(), result.body.constData());
        QVERIFY2(error.value(u"message"_s).toString().startsWith(message), result.body.constData());
        QCOMPARE(error.value(u"code"_s).toString(), code);
        QCOMPARE(error.value(u"param"_s).toString(), param);
        QCOMPARE(m_harness.upstream().receivedRequests().size(), 0);
        const auto row = m_harness.record(result.header("x-request-id"));
        QVERIFY(row);
        QCOMPARE(row->value(u"status"_s).toInt(), status);
        QCOMPARE(row->value(u"endpoint"_s).toString(), u"/v1/responses"_s);
    }

    void noKey()
    {
        const TestHttpResult result
            = TestHttp::call(m_harness.nam(), m_harness.port(), "POST", u"/v1/responses"_s,
                R"({"model":"openai/gpt-4o-mini","input":"hi"})", { { "content-type", "application/json" } });
        QCOMPARE(result.status, 401);
        QCOMPARE(
            result.json().value(u"error"_s).toObject().value(u"code"_s).toString(), u"invalid_api_key"_s);
    }

    void storedResponsesAreNotServed()
    {
        const TestHttpResult result = TestHttp::call(m_harness.nam(), m_harness.port(), "GET",
            u"/v1/responses/resp_123"_s, {}, { m_harness.authHeader() });
        QCOMPARE(result.status, 404);
        QVERIFY2(result.json()
                     .value(u"error"_s)
                     .toObject()
                     .value(u"message"_s)
                     .toString()
                     .contains(u"does not store responses"_s),
            result.body.constData());
    }

private:
    ProxyHarness m_harness;
};

QTEST_GUILESS_MAIN(TestProxyResponses)
#include "tst_proxyresponses.moc"
