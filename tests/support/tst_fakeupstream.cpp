// Checks that the fake upstream speaks OpenAI's API byte for byte: bodies, streams, errors, tokens.

#include "fakeupstream.h"
#include "rawhttpclient.h"
#include "testclock.h"
#include "testhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using TestHttp::chatBody;
using TestHttp::sseData;

class TestFakeUpstream final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void nonStreamWireFormat();
    void tokenCounts_data();
    void tokenCounts();
    void configuredCachedAndReasoningTokens();
    void streamWithoutUsage();
    void streamWithUsage();
    void errorsByModelName_data();
    void errorsByModelName();
    void authentication_data();
    void authentication();
    void toolCalls();
    void toolCallsStream();
    void lengthFinish();
    void notJson();
    void modelsAndUnknownPath();
    void embeddings();

private:
    TestHttpResult call(const QByteArray &method, const QString &path, const QByteArray &body = {},
        const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        return TestHttp::call(*m_nam, m_upstream->port(), method, path, body, headers);
    }

    TestClock m_clock;
    FakeUpstream *m_upstream = nullptr;
    QNetworkAccessManager *m_nam = nullptr;
};

void TestFakeUpstream::init()
{
    m_upstream = new FakeUpstream(&m_clock, this);
    QVERIFY2(m_upstream->listen(), qPrintable(m_upstream->errorString()));
    m_nam = new QNetworkAccessManager(this);
}

void TestFakeUpstream::cleanup()
{
    delete m_nam;
    delete m_upstream;
}

void TestFakeUpstream::nonStreamWireFormat()
{
    const TestHttpResult result
        = call("POST", u"/v1/chat/completions"_qs, chatBody(u"gpt-4o-mini"_qs, u"hello world"_qs));
    QCOMPARE(result.status, 200);
    QCOMPARE(result.header("content-type"), QByteArray("application/json"));
    QVERIFY(result.header("x-request-id").startsWith("req_"));

    // Byte for byte, field order included, as OpenAI sends it; only the id is random-looking.
    static const QRegularExpression idPattern(u"^\\{\"id\":\"chatcmpl-[0-9a-f]{29}\""_qs);
    QVERIFY2(idPattern.match(QString::fromUtf8(result.body)).hasMatch(), result.body.constData());
    const QByteArray created = QByteArray::number(m_clock.now().toSecsSinceEpoch());
    const QByteArray expected = "\"object\":\"chat.completion\",\"created\":" + created
        + ",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
          "\"content\":\"Echo: hello world\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,"
          "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":18,\"completion_tokens\":3,"
          "\"total_tokens\":21,\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
          "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
          "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},\"service_tier\":\"default\","
          "\"system_fingerprint\":\"fp_f4ce0pen01\"}";
    QCOMPARE(result.body.mid(result.body.indexOf(",\"object\"") + 1), expected);
}

void TestFakeUpstream::tokenCounts_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("content");
    QTest::addColumn<int>("promptTokens");
    QTest::addColumn<int>("completionTokens");

    // prompt = words of all messages + 7 per message; completion = words of the reply.
    QTest::newRow("system and user") << chatBody(u"gpt-4o"_qs, u"one two three"_qs)
                                     << u"Echo: one two three"_qs << (2 + 3 + 14) << 4;
    QTest::newRow("spacing kept") << chatBody(u"m"_qs, u"  a\n b  "_qs) << u"Echo:   a\n b  "_qs
                                  << (2 + 2 + 14) << 3;
    QTest::newRow("content parts") << QByteArray(
        R"({"model":"m","messages":[{"role":"user","content":[)"
        R"({"type":"text","text":"look at"},{"type":"image_url","image_url":)"
        R"({"url":"data:x"}},{"type":"text","text":"this"}]}]})")
                                   << u"Echo: look at this"_qs << (3 + 7) << 4;
    QTest::newRow("last user message wins") << QByteArray(
        R"({"model":"m","messages":[{"role":"user","content":"first"},)"
        R"({"role":"assistant","content":"Echo: first"},{"role":"user","content":"second one"}]})")
                                            << u"Echo: second one"_qs << (1 + 2 + 2 + 21) << 3;
    QTest::newRow("no user message") << QByteArray(
        R"({"model":"m","messages":[{"role":"system","content":"x"}]})")
                                     << u"Echo: "_qs << 8 << 1;
}

void TestFakeUpstream::tokenCounts()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, content);
    QFETCH(int, promptTokens);
    QFETCH(int, completionTokens);
    const TestHttpResult result = call("POST", u"/v1/chat/completions"_qs, body);
    QCOMPARE(result.status, 200);
    const QJsonObject json = result.json();
    QCOMPARE(json[u"choices"][0][u"message"][u"content"].toString(), content);
    QCOMPARE(json[u"usage"][u"prompt_tokens"].toInt(), promptTokens);
    QCOMPARE(json[u"usage"][u"completion_tokens"].toInt(), completionTokens);
    QCOMPARE(json[u"usage"][u"total_tokens"].toInt(), promptTokens + completionTokens);
}

void TestFakeUpstream::configuredCachedAndReasoningTokens()
{
    m_upstream->setCachedTokens(5);
    m_upstream->setReasoningTokens(11);
    const QJsonObject usage = call("POST", u"/v1/chat/completions"_qs, chatBody(u"o3-mini"_qs, u"hi"_qs))
                                  .json()[u"usage"]
                                  .toObject();
    QCOMPARE(usage[u"prompt_tokens"].toInt(), 2 + 1 + 14);
    QCOMPARE(usage[u"prompt_tokens_details"][u"cached_tokens"].toInt(), 5);
    QCOMPARE(usage[u"completion_tokens_details"][u"reasoning_tokens"].toInt(), 11);
    QCOMPARE(usage[u"completion_tokens"].toInt(), 2 + 11); // reasoning is part of completion, as at OpenAI
    QCOMPARE(usage[u"total_tokens"].toInt(), 17 + 13);

    m_upstream->setCachedTokens(1000); // never more cached than prompt tokens
    QCOMPARE(call("POST", u"/v1/chat/completions"_qs, chatBody(u"m"_qs, u"hi"_qs))
                 .json()[u"usage"][u"prompt_tokens_details"][u"cached_tokens"]
                 .toInt(),
        17);
}

void TestFakeUpstream::streamWithoutUsage()
{
    RawHttpClient client;
    QVERIFY(client.connectToServer(m_upstream->port()));
    client.send(RawHttpClient::request(
        "POST", "/v1/chat/completions", chatBody(u"gpt-4o-mini"_qs, u"hello big world"_qs, true)));
    const RawHttpResponse response = client.readResponse();
    QVERIFY(response.complete);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("content-type"), QByteArray("text/event-stream; charset=utf-8"));
    QVERIFY(response.chunked);

    // One SSE event per HTTP chunk: role, one delta per word, finish, [DONE].
    const QByteArrayList chunks = response.chunks;
    QCOMPARE(chunks.size(), 1 + 4 + 1 + 1);
    for (const QByteArray &chunk : chunks) {
        QVERIFY2(chunk.startsWith("data: ") && chunk.endsWith("\n\n") && chunk.count("\n\n") == 1,
            chunk.constData());
        QVERIFY2(!chunk.contains("\"usage\""), chunk.constData());
    }
    QCOMPARE(chunks.last(), QByteArray("data: [DONE]\n\n"));
    const QByteArray created = QByteArray::number(m_clock.now().toSecsSinceEpoch());
    const QByteArray head = ",\"object\":\"chat.completion.chunk\",\"created\":" + created
        + ",\"model\":\"gpt-4o-mini\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_f4ce0pen01\","
          "\"choices\":[{\"index\":0,\"delta\":";
    const auto tail = [](const QByteArray &chunk) { return chunk.mid(chunk.indexOf(",\"object\"")); };
    QCOMPARE(tail(chunks[0]),
        head
            + "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,"
              "\"finish_reason\":null}]}\n\n");
    QCOMPARE(
        tail(chunks[2]), head + "{\"content\":\" hello\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
    QCOMPARE(tail(chunks[5]), head + "{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n");

    QString text;
    QByteArray id;
    for (const QByteArray &data : sseData(response.body).mid(0, 6)) {
        const QJsonObject chunk = QJsonDocument::fromJson(data).object();
        QCOMPARE(chunk[u"object"].toString(), u"chat.completion.chunk"_qs);
        if (id.isEmpty())
            id = chunk[u"id"].toString().toUtf8();
        QCOMPARE(chunk[u"id"].toString().toUtf8(), id); // one id for the whole stream
        text += chunk[u"choices"][0][u"delta"][u"content"].toString();
    }
    const TestHttpResult whole
        = call("POST", u"/v1/chat/completions"_qs, chatBody(u"gpt-4o-mini"_qs, u"hello big world"_qs));
    QCOMPARE(text, whole.json()[u"choices"][0][u"message"][u"content"].toString());
}

void TestFakeUpstream::streamWithUsage()
{
    const TestHttpResult result = call(
        "POST", u"/v1/chat/completions"_qs, chatBody(u"gpt-4o-mini"_qs, u"hello world"_qs, true, true));
    QCOMPARE(result.status, 200);
    const QByteArrayList data = sseData(result.body);
    QCOMPARE(data.size(), 1 + 3 + 1 + 1 + 1);
    QCOMPARE(data.last(), QByteArray("[DONE]"));
    for (qsizetype i = 0; i < data.size() - 2; ++i) {
        QVERIFY2(data[i].endsWith(",\"usage\":null}"), data[i].constData());
        QCOMPARE(QJsonDocument::fromJson(data[i]).object()[u"choices"].toArray().size(), 1);
    }
    const QJsonObject last = QJsonDocument::fromJson(data[data.size() - 2]).object();
    QVERIFY(last[u"choices"].isArray());
    QCOMPARE(last[u"choices"].toArray().size(), 0);
    QCOMPARE(last[u"usage"][u"prompt_tokens"].toInt(), 18);
    QCOMPARE(last[u"usage"][u"completion_tokens"].toInt(), 3);
    QCOMPARE(last[u"usage"][u"total_tokens"].toInt(), 21);
    QCOMPARE(last[u"usage"][u"completion_tokens_details"][u"reasoning_tokens"].toInt(), 0);
}

void TestFakeUpstream::errorsByModelName_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QJsonValue>("code");
    QTest::newRow("400") << 400 << u"invalid_request_error"_qs << QJsonValue(QJsonValue::Null);
    QTest::newRow("401") << 401 << u"invalid_request_error"_qs << QJsonValue(u"invalid_api_key"_qs);
    QTest::newRow("404") << 404 << u"invalid_request_error"_qs << QJsonValue(u"model_not_found"_qs);
    QTest::newRow("429") << 429 << u"requests"_qs << QJsonValue(u"rate_limit_exceeded"_qs);
    QTest::newRow("500") << 500 << u"server_error"_qs << QJsonValue(QJsonValue::Null);
    QTest::newRow("503") << 503 << u"server_error"_qs << QJsonValue(u"overloaded"_qs);
}

void TestFakeUpstream::errorsByModelName()
{
    QFETCH(int, status);
    QFETCH(QString, type);
    QFETCH(QJsonValue, code);
    for (const bool stream : { false, true }) {
        const TestHttpResult result = call(
            "POST", u"/v1/chat/completions"_qs, chatBody(u"fake-error-%1"_qs.arg(status), u"hi"_qs, stream));
        QCOMPARE(result.status, status);
        QCOMPARE(result.header("content-type"), QByteArray("application/json"));
        const QJsonObject error = result.json()[u"error"].toObject();
        QCOMPARE(error.keys(), (QStringList { u"code"_qs, u"message"_qs, u"param"_qs, u"type"_qs }));
        QVERIFY(!error[u"message"].toString().isEmpty());
        QCOMPARE(error[u"type"].toString(), type);
        QCOMPARE(error[u"code"], code);
        QVERIFY(error[u"param"].isNull());
    }
}

void TestFakeUpstream::authentication_data()
{
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<int>("status");
    QTest::newRow("no header") << QByteArray() << 401;
    QTest::newRow("wrong key") << QByteArray("Bearer sk-wrong") << 401;
    QTest::newRow("not bearer") << QByteArray("Basic sk-upstream") << 401;
    QTest::newRow("right key") << QByteArray("Bearer sk-upstream") << 200;
}

void TestFakeUpstream::authentication()
{
    QFETCH(QByteArray, authorization);
    QFETCH(int, status);
    m_upstream->setExpectedKey("sk-upstream");
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!authorization.isEmpty())
        headers.emplaceBack("Authorization", authorization);
    for (const QString &path : { u"/v1/chat/completions"_qs, u"/v1/models"_qs }) {
        const TestHttpResult result = call(path.endsWith(u"models") ? "GET" : "POST", path,
            path.endsWith(u"models") ? QByteArray() : chatBody(u"m"_qs, u"x"_qs), headers);
        QCOMPARE(result.status, status);
        if (status == 401) {
            QCOMPARE(result.json()[u"error"][u"code"].toString(), u"invalid_api_key"_qs);
            QCOMPARE(result.json()[u"error"][u"type"].toString(), u"invalid_request_error"_qs);
        }
    }
}

void TestFakeUpstream::toolCalls()
{
    const TestHttpResult result
        = call("POST", u"/v1/chat/completions"_qs, chatBody(u"fake-tools"_qs, u"weather?"_qs));
    QCOMPARE(result.status, 200);
    const QJsonObject choice = result.json()[u"choices"][0].toObject();
    QCOMPARE(choice[u"finish_reason"].toString(), u"tool_calls"_qs);
    QVERIFY(choice[u"message"][u"content"].isNull());
    const QJsonArray calls = choice[u"message"][u"tool_calls"].toArray();
    QCOMPARE(calls.size(), 2);
    QStringList arguments;
    for (const QJsonValue &call : calls) {
        QVERIFY(call[u"id"].toString().startsWith(u"call_"));
        QCOMPARE(call[u"type"].toString(), u"function"_qs);
        QCOMPARE(call[u"function"][u"name"].toString(), u"get_weather"_qs);
        arguments.append(call[u"function"][u"arguments"].toString());
    }
    QVERIFY(calls[0][u"id"] != calls[1][u"id"]);
    QCOMPARE(arguments, (QStringList { uR"({"location":"Paris"})"_qs, uR"({"location":"Tokyo"})"_qs }));
    QCOMPARE(result.json()[u"usage"][u"completion_tokens"].toInt(), 10);
}

void TestFakeUpstream::toolCallsStream()
{
    const TestHttpResult result
        = call("POST", u"/v1/chat/completions"_qs, chatBody(u"fake-tools"_qs, u"weather?"_qs, true, true));
    QCOMPARE(result.status, 200);
    const QByteArrayList data = sseData(result.body);
    QVERIFY(data.size() > 4);
    // Accumulate as a client does: by index, id/name from the first delta of each call, arguments appended.
    QMap<int, QJsonObject> calls;
    QString finishReason;
    const QJsonObject first
        = QJsonDocument::fromJson(data.first()).object()[u"choices"][0][u"delta"].toObject();
    QCOMPARE(first[u"role"].toString(), u"assistant"_qs);
    QVERIFY(first[u"content"].isNull());
    for (const QByteArray &event : data.mid(0, data.size() - 2)) {
        const QJsonObject choice = QJsonDocument::fromJson(event).object()[u"choices"][0].toObject();
        if (!choice[u"finish_reason"].isNull())
            finishReason = choice[u"finish_reason"].toString();
        for (const QJsonValue &delta : choice[u"delta"][u"tool_calls"].toArray()) {
            QJsonObject &call = calls[delta[u"index"].toInt()];
            if (delta.toObject().contains(u"id")) {
                QVERIFY2(!call.contains(u"id"), "a call's id is sent once");
                call[u"id"] = delta[u"id"];
                call[u"name"] = delta[u"function"][u"name"];
                QCOMPARE(delta[u"type"].toString(), u"function"_qs);
            }
            call[u"arguments"]
                = QString(call[u"arguments"].toString() + delta[u"function"][u"arguments"].toString());
        }
    }
    QCOMPARE(finishReason, u"tool_calls"_qs);
    QCOMPARE(calls.size(), 2);
    QCOMPARE(calls[0][u"name"].toString(), u"get_weather"_qs);
    QCOMPARE(calls[0][u"arguments"].toString(), uR"({"location":"Paris"})"_qs);
    QCOMPARE(calls[1][u"arguments"].toString(), uR"({"location":"Tokyo"})"_qs);
    QVERIFY(calls[1][u"id"].toString().startsWith(u"call_"));
    QCOMPARE(
        QJsonDocument::fromJson(data[data.size() - 2]).object()[u"usage"][u"completion_tokens"].toInt(), 10);
}

void TestFakeUpstream::lengthFinish()
{
    QByteArray body = chatBody(u"fake-length"_qs, u"a b c d e f g"_qs);
    TestHttpResult result = call("POST", u"/v1/chat/completions"_qs, body);
    QCOMPARE(result.json()[u"choices"][0][u"finish_reason"].toString(), u"length"_qs);
    QCOMPARE(result.json()[u"choices"][0][u"message"][u"content"].toString(), u"Echo: a b c"_qs);
    QCOMPARE(result.json()[u"usage"][u"completion_tokens"].toInt(), 4);

    body.replace("\"model\"", "\"max_tokens\":2,\"model\"");
    result = call("POST", u"/v1/chat/completions"_qs, body);
    QCOMPARE(result.json()[u"choices"][0][u"message"][u"content"].toString(), u"Echo: a"_qs);
    const QByteArrayList events = sseData(
        call("POST", u"/v1/chat/completions"_qs, chatBody(u"fake-length"_qs, u"x y z w v"_qs, true)).body);
    QVERIFY(events[events.size() - 2].contains("\"finish_reason\":\"length\""));
}

void TestFakeUpstream::notJson()
{
    const TestHttpResult result
        = call("POST", u"/v1/chat/completions"_qs, chatBody(u"fake-not-json"_qs, u"x"_qs));
    QCOMPARE(result.status, 200);
    QVERIFY(!result.body.isEmpty());
    QJsonParseError error {};
    QJsonDocument::fromJson(result.body, &error);
    QVERIFY(error.error != QJsonParseError::NoError);
}

void TestFakeUpstream::modelsAndUnknownPath()
{
    const TestHttpResult models = call("GET", u"/v1/models"_qs);
    QCOMPARE(models.status, 200);
    QCOMPARE(models.json()[u"object"].toString(), u"list"_qs);
    const QJsonObject first = models.json()[u"data"][0].toObject();
    QCOMPARE(first[u"id"].toString(), u"gpt-4o-mini"_qs);
    QCOMPARE(first[u"object"].toString(), u"model"_qs);
    QCOMPARE(first[u"owned_by"].toString(), u"openai"_qs);
    QVERIFY(first[u"created"].toInteger() > 1'600'000'000);

    QCOMPARE(call("GET", u"/v1/models/gpt-4o"_qs).json()[u"id"].toString(), u"gpt-4o"_qs);
    const TestHttpResult missing = call("GET", u"/v1/models/nope"_qs);
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.json()[u"error"][u"code"].toString(), u"model_not_found"_qs);

    const TestHttpResult unknown = call("POST", u"/v1/nothing-here"_qs, "{}");
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.json()[u"error"][u"message"].toString(), u"Invalid URL (POST /v1/nothing-here)"_qs);
    QCOMPARE(unknown.json()[u"error"][u"type"].toString(), u"invalid_request_error"_qs);
}

void TestFakeUpstream::embeddings()
{
    const TestHttpResult result = call("POST", u"/v1/embeddings"_qs,
        R"({"model":"text-embedding-3-small","input":["a b","c"],"dimensions":4})");
    QCOMPARE(result.status, 200);
    const QJsonArray data = result.json()[u"data"].toArray();
    QCOMPARE(data.size(), 2);
    QCOMPARE(data[1][u"index"].toInt(), 1);
    QCOMPARE(data[0][u"embedding"].toArray().size(), 4);
    QCOMPARE(result.json()[u"usage"][u"prompt_tokens"].toInt(), 3);

    // base64 is what the official SDKs ask for by default: little-endian float32.
    const TestHttpResult packed = call("POST", u"/v1/embeddings"_qs,
        R"({"model":"m","input":"a b","dimensions":4,"encoding_format":"base64"})");
    const QByteArray bytes
        = QByteArray::fromBase64(packed.json()[u"data"][0][u"embedding"].toString().toLatin1());
    QCOMPARE(bytes.size(), 16);
    float firstValue = 0;
    std::memcpy(&firstValue, bytes.constData(), sizeof firstValue);
    QCOMPARE(firstValue, float(data[0][u"embedding"][0].toDouble()));
}

QTEST_GUILESS_MAIN(TestFakeUpstream)
#include "tst_fakeupstream.moc"
