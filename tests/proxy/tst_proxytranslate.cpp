// The translating proxy end to end: OpenAI and Anthropic clients against OpenAI, Anthropic and Gemini
// upstreams (all played by the one fake upstream), asserting what each client gets in its own format, whole
// and streamed, with tool calls and token figures, and what the gateway recorded.

#include "fakeupstream.h"
#include "proxyharness.h"
#include "testhttp.h"
#include "translatecase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QTest>

using namespace Qt::StringLiterals;

class TestProxyTranslate final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void nonStream_data();
    void nonStream();
    void stream_data();
    void stream();
    void tools_data();
    void tools();
    void tokenDetails_data();
    void tokenDetails();

private:
    void checkRecord(const QByteArray &requestId, const TranslatePair &pair, const QString &model,
        bool streamed, const QString &finishReason, int prompt, int completion, double cost);

    ProxyHarness m_harness;
};

void TestProxyTranslate::initTestCase()
{
    ProxyHarness::Options options;
    options.translatingProviders = true;
    QString error;
    QVERIFY2(m_harness.start(options, &error), qPrintable(error));
}

void TestProxyTranslate::checkRecord(const QByteArray &requestId, const TranslatePair &pair,
    const QString &model, bool streamed, const QString &finishReason, int prompt, int completion, double cost)
{
    const auto row = m_harness.record(requestId);
    QVERIFY(row);
    QCOMPARE(row->value(u"status"_s).toInt(), 200);
    QCOMPARE(row->value(u"endpoint"_s).toString(),
        pair.anthropicClient() ? u"/v1/messages"_s : u"/v1/chat/completions"_s);
    QCOMPARE(row->value(u"requested_model"_s).toString(), pair.routed(model));
    QCOMPARE(row->value(u"used_model"_s).toString(), model);
    QCOMPARE(row->value(u"used_provider"_s).toString(), pair.provider);
    QCOMPARE(row->value(u"streamed"_s).toInt(), streamed ? 1 : 0);
    QCOMPARE(row->value(u"finish_reason"_s).toString(), finishReason);
    QCOMPARE(row->value(u"error"_s).toString(), QString());
    QCOMPARE(row->value(u"api_key_id"_s).toLongLong(), m_harness.apiKeyId());
    QCOMPARE(row->value(u"prompt_tokens"_s).toInt(), prompt);
    QCOMPARE(row->value(u"completion_tokens"_s).toInt(), completion);
    QCOMPARE(row->value(u"total_tokens"_s).toInt(), prompt + completion);
    if (cost < 0) {
        QVERIFY2(row->value(u"cost"_s).isNull(), "a model without a price has no cost");
    } else {
        QVERIFY2(sameMoney(row->value(u"cost"_s).toDouble(), cost),
            qPrintable(u"recorded cost %1, expected %2"_s.arg(row->value(u"cost"_s).toDouble()).arg(cost)));
    }
}

void TestProxyTranslate::nonStream_data()
{
    QTest::addColumn<int>("pair");
    TranslatePair::addRows();
}

void TestProxyTranslate::nonStream()
{
    QFETCH(int, pair);
    const TranslatePair &p = TranslatePair::at(pair);
    const QString text = u"How tall is the Eiffel tower?"_s;
    const TestHttpResult result = sendTranslated(m_harness, p, translateRequest(p, p.model(), text));
    QCOMPARE(result.status, 200);
    QVERIFY2(result.header("content-type").startsWith("application/json"), result.header("content-type"));
    const QJsonObject json = result.json();
    const int prompt = expectedPromptTokens(text);
    const int completion = expectedCompletionTokens(text);
    const double cost = catalogCost(m_harness.gateway(), p.provider, p.upstreamModel, prompt, completion);
    QVERIFY(cost > 0);
    const QStringList models { p.model(), p.upstreamModel };
    QVERIFY2(models.contains(json.value(u"model").toString()), qPrintable(json.value(u"model").toString()));
    QCOMPARE(wholeText(p, json), u"Echo: "_s + text);

    QJsonObject usage = json.value(u"usage").toObject();
    if (!p.anthropicClient()) {
        QCOMPARE(json.value(u"object").toString(), u"chat.completion"_s);
        QVERIFY(!json.value(u"id").toString().isEmpty());
        QVERIFY(json.value(u"created").isDouble());
        const QJsonArray choices = json.value(u"choices").toArray();
        QCOMPARE(choices.size(), 1);
        const QJsonObject choice = choices.first().toObject();
        QCOMPARE(choice.value(u"index").toInt(-1), 0);
        QCOMPARE(choice.value(u"message").toObject().value(u"role").toString(), u"assistant"_s);
        QCOMPARE(choice.value(u"finish_reason").toString(), u"stop"_s);
        QCOMPARE(usage.value(u"prompt_tokens").toInt(), prompt);
        QCOMPARE(usage.value(u"completion_tokens").toInt(), completion);
        QCOMPARE(usage.value(u"total_tokens").toInt(), prompt + completion);
    } else {
        QCOMPARE(json.value(u"type").toString(), u"message"_s);
        QCOMPARE(json.value(u"role").toString(), u"assistant"_s);
        QVERIFY2(json.value(u"id").toString().startsWith(u"msg_"), qPrintable(json.value(u"id").toString()));
        const QJsonArray content = json.value(u"content").toArray();
        QCOMPARE(content.size(), 1);
        const QJsonObject expectedBlock { { u"type"_s, u"text"_s },
            { u"text"_s, QString(u"Echo: "_s + text) } };
        QCOMPARE(content.first().toObject(), expectedBlock);
        QCOMPARE(json.value(u"stop_reason").toString(), u"end_turn"_s);
        QVERIFY2(json.contains(u"stop_sequence"), "Messages responses always carry stop_sequence");
        QCOMPARE(usage.value(u"input_tokens").toInt(), prompt);
        QCOMPARE(usage.value(u"output_tokens").toInt(), completion);
        QCOMPARE(usage.value(u"cache_read_input_tokens").toInt(), 0);
    }
    QVERIFY2(usage.value(u"cost").isDouble(), "usage.cost in USD (INTERFACE.md: responses carry usage.cost)");
    if (usage.value(u"cost").isDouble()) {
        QVERIFY2(sameMoney(usage.value(u"cost").toDouble(), cost),
            qPrintable(u"cost %1, expected %2"_s.arg(usage.value(u"cost").toDouble()).arg(cost)));
    }

    checkRecord(
        result.header("x-request-id"), p, p.upstreamModel, false, u"stop"_s, prompt, completion, cost);
}

void TestProxyTranslate::stream_data()
{
    QTest::addColumn<int>("pair");
    QTest::addColumn<bool>("includeUsage");
    for (int i = 0; i < TranslatePair::all().size(); ++i) {
        const TranslatePair &p = TranslatePair::at(i);
        if (p.anthropicClient()) {
            QTest::newRow(p.tag) << i << false;
        } else {
            QTest::newRow(qPrintable(QString::fromLatin1(p.tag) + u"/usage")) << i << true;
            QTest::newRow(qPrintable(QString::fromLatin1(p.tag) + u"/no-usage")) << i << false;
        }
    }
}

void TestProxyTranslate::stream()
{
    QFETCH(int, pair);
    QFETCH(bool, includeUsage);
    const TranslatePair &p = TranslatePair::at(pair);
    const QString text = u"Stream me the answer in pieces please"_s;
    const TestHttpResult result
        = sendTranslated(m_harness, p, translateRequest(p, p.model(), text, true, includeUsage));
    QCOMPARE(result.status, 200);
    QVERIFY2(result.header("content-type").startsWith("text/event-stream"), result.header("content-type"));
    const int prompt = expectedPromptTokens(text);
    const int completion = expectedCompletionTokens(text);
    const double cost = catalogCost(m_harness.gateway(), p.provider, p.upstreamModel, prompt, completion);

    if (!p.anthropicClient()) {
        const OpenAIStream stream = OpenAIStream::parse(result.body);
        QVERIFY2(
            stream.problem.isEmpty(), qPrintable(stream.problem + u"\n"_s + QString::fromUtf8(result.body)));
        QCOMPARE(stream.text, u"Echo: "_s + text);
        QCOMPARE(stream.finishReason, u"stop"_s);
        if (includeUsage) {
            QCOMPARE(stream.usageChunks, 1);
            QVERIFY2(stream.usageLast, "the usage chunk comes last, before data: [DONE]");
            QCOMPARE(stream.usage.value(u"prompt_tokens").toInt(), prompt);
            QCOMPARE(stream.usage.value(u"completion_tokens").toInt(), completion);
            QCOMPARE(stream.usage.value(u"total_tokens").toInt(), prompt + completion);
            QVERIFY2(sameMoney(stream.usage.value(u"cost").toDouble(), cost),
                qPrintable(u"cost %1, expected %2"_s.arg(stream.usage.value(u"cost").toDouble()).arg(cost)));
        } else {
            QCOMPARE(stream.usageChunks, 0);
        }
    } else {
        const AnthropicStream stream = AnthropicStream::parse(result.body);
        QVERIFY2(
            stream.problem.isEmpty(), qPrintable(stream.problem + u"\n"_s + QString::fromUtf8(result.body)));
        QVERIFY(stream.message.value(u"id").toString().startsWith(u"msg_"));
        QCOMPARE(stream.message.value(u"role").toString(), u"assistant"_s);
        QCOMPARE(stream.text, u"Echo: "_s + text);
        QCOMPARE(stream.stopReason, u"end_turn"_s);
        QCOMPARE(stream.deltaUsage.value(u"output_tokens").toInt(), completion);
        // message_delta may repeat input_tokens (the gateway learns them at the end of an OpenAI or Gemini
        // stream); the SDKs then take those over message_start's.
        const QJsonObject startUsage = stream.message.value(u"usage").toObject();
        const int input = stream.deltaUsage.contains(u"input_tokens")
            ? stream.deltaUsage.value(u"input_tokens").toInt()
            : startUsage.value(u"input_tokens").toInt();
        QCOMPARE(input, prompt);
    }

    checkRecord(result.header("x-request-id"), p, p.upstreamModel, true, u"stop"_s, prompt, completion, cost);
}

void TestProxyTranslate::tools_data()
{
    QTest::addColumn<int>("pair");
    QTest::addColumn<bool>("stream");
    for (int i = 0; i < TranslatePair::all().size(); ++i) {
        QTest::newRow(qPrintable(QString::fromLatin1(TranslatePair::at(i).tag) + u"/whole")) << i << false;
        QTest::newRow(qPrintable(QString::fromLatin1(TranslatePair::at(i).tag) + u"/stream")) << i << true;
    }
}

void TestProxyTranslate::tools()
{
    QFETCH(int, pair);
    QFETCH(bool, stream);
    const TranslatePair &p = TranslatePair::at(pair);
    const TestHttpResult result = sendTranslated(m_harness, p,
        translateRequest(p, p.routed(p.toolsModel), u"Weather in Paris and Tokyo?"_s, stream, stream, true));
    QCOMPARE(result.status, 200);

    QList<SeenToolCall> calls;
    if (!stream) {
        const QJsonObject json = result.json();
        calls = wholeToolCalls(p, json);
        if (p.anthropicClient()) {
            QCOMPARE(json.value(u"stop_reason").toString(), u"tool_use"_s);
        } else {
            const QJsonObject choice = json.value(u"choices").toArray().first().toObject();
            QCOMPARE(choice.value(u"finish_reason").toString(), u"tool_calls"_s);
            for (const QJsonValue &call : choice.value(u"message").toObject().value(u"tool_calls").toArray())
                QCOMPARE(call.toObject().value(u"type").toString(), u"function"_s);
        }
    } else if (p.anthropicClient()) {
        const AnthropicStream events = AnthropicStream::parse(result.body);
        QVERIFY2(
            events.problem.isEmpty(), qPrintable(events.problem + u"\n"_s + QString::fromUtf8(result.body)));
        QCOMPARE(events.stopReason, u"tool_use"_s);
        calls = events.toolUses;
    } else {
        const OpenAIStream events = OpenAIStream::parse(result.body);
        QVERIFY2(
            events.problem.isEmpty(), qPrintable(events.problem + u"\n"_s + QString::fromUtf8(result.body)));
        QCOMPARE(events.finishReason, u"tool_calls"_s);
        calls = events.toolCalls;
    }

    QCOMPARE(calls.size(), 2);
    const QStringList cities { u"Paris"_s, u"Tokyo"_s };
    for (qsizetype i = 0; i < calls.size(); ++i) {
        QVERIFY2(!calls[i].id.isEmpty(), "every tool call has an id to answer it by");
        QCOMPARE(calls[i].name, u"get_weather"_s);
        QVERIFY2(calls[i].argumentsParsed, "the arguments are a JSON object");
        QCOMPARE(calls[i].arguments, (QJsonObject { { u"location"_s, cities[i] } }));
    }
    QVERIFY(calls[0].id != calls[1].id);

    // The tool went upstream in the upstream's own format.
    const auto upstream = m_harness.lastUpstreamRequest(p.upstreamPath());
    QVERIFY(upstream);
    const QJsonObject tool = upstream->json().toObject().value(u"tools").toArray().first().toObject();
    if (p.provider == u"anthropic") {
        QCOMPARE(tool.value(u"name").toString(), u"get_weather"_s);
        QCOMPARE(tool.value(u"input_schema").toObject().value(u"required").toArray(),
            QJsonArray { u"location"_s });
    } else if (p.provider == u"google") {
        const QJsonObject declaration = tool.value(u"functionDeclarations").toArray().first().toObject();
        QCOMPARE(declaration.value(u"name").toString(), u"get_weather"_s);
        QVERIFY(declaration.contains(u"parameters") || declaration.contains(u"parametersJsonSchema"));
    } else {
        QCOMPARE(tool.value(u"type").toString(), u"function"_s);
        QCOMPARE(tool.value(u"function").toObject().value(u"name").toString(), u"get_weather"_s);
        QCOMPARE(
            tool.value(u"function").toObject().value(u"parameters").toObject().value(u"required").toArray(),
            QJsonArray { u"location"_s });
    }

    // Two calls of five argument pieces each (FakeAnswer); the -tools models have no catalog price.
    const int prompt = expectedPromptTokens(u"Weather in Paris and Tokyo?"_s);
    checkRecord(result.header("x-request-id"), p, p.toolsModel, stream, u"tool_calls"_s, prompt, 10, -1);
}

void TestProxyTranslate::tokenDetails_data()
{
    QTest::addColumn<int>("pair");
    QTest::addColumn<bool>("stream");
    for (int i = 0; i < TranslatePair::all().size(); ++i) {
        if (TranslatePair::at(i).provider == u"openai")
            continue;
        QTest::newRow(qPrintable(QString::fromLatin1(TranslatePair::at(i).tag) + u"/whole")) << i << false;
        QTest::newRow(qPrintable(QString::fromLatin1(TranslatePair::at(i).tag) + u"/stream")) << i << true;
    }
}

// Cache reads and writes (Anthropic) and thoughts (Gemini) reach the client, the record and the cost.
void TestProxyTranslate::tokenDetails()
{
    QFETCH(int, pair);
    QFETCH(bool, stream);
    const TranslatePair &p = TranslatePair::at(pair);
    const bool anthropic = p.provider == u"anthropic";
    const int cacheRead = 4;
    const int cacheWrite = anthropic ? 3 : 0;
    const int reasoning = anthropic ? 0 : 5;
    m_harness.upstream().setCachedTokens(cacheRead);
    m_harness.upstream().setCacheWriteTokens(cacheWrite);
    m_harness.upstream().setReasoningTokens(reasoning);
    const auto reset = qScopeGuard([this] {
        m_harness.upstream().setCachedTokens(0);
        m_harness.upstream().setCacheWriteTokens(0);
        m_harness.upstream().setReasoningTokens(0);
    });
    const QString text = u"Count my cached tokens with care"_s;
    const TestHttpResult result
        = sendTranslated(m_harness, p, translateRequest(p, p.model(), text, stream, stream));
    QCOMPARE(result.status, 200);

    const int prompt = expectedPromptTokens(text);
    const int completion = expectedCompletionTokens(text) + reasoning;
    const ModelInfo *model = m_harness.gateway().catalog().find(p.provider, p.upstreamModel);
    QVERIFY(model && model->price);
    const ModelPrice &price = *model->price;
    const double cost = (double(prompt - cacheRead - cacheWrite) * price.input
                            + double(cacheRead) * price.cachedInput.value_or(price.input)
                            + double(cacheWrite) * price.cacheWrite.value_or(price.input)
                            + double(completion) * price.output)
        / 1e6;

    QJsonObject usage;
    if (!stream)
        usage = result.json().value(u"usage").toObject();
    else if (!p.anthropicClient())
        usage = OpenAIStream::parse(result.body).usage;
    else
        usage = AnthropicStream::parse(result.body).deltaUsage;
    if (p.anthropicClient()) {
        if (stream) {
            // Input figures may come in message_start only (anthropic->anthropic) or in message_delta.
            const QJsonObject start = AnthropicStream::parse(result.body).message.value(u"usage").toObject();
            for (const QString &key : start.keys()) {
                if (!usage.contains(key))
                    usage.insert(key, start.value(key));
            }
        }
        QCOMPARE(usage.value(u"input_tokens").toInt(), prompt - cacheRead - cacheWrite);
        QCOMPARE(usage.value(u"cache_read_input_tokens").toInt(), cacheRead);
        QCOMPARE(usage.value(u"cache_creation_input_tokens").toInt(), cacheWrite);
        QCOMPARE(usage.value(u"output_tokens").toInt(), completion);
    } else {
        QCOMPARE(usage.value(u"prompt_tokens").toInt(), prompt);
        QCOMPARE(usage.value(u"completion_tokens").toInt(), completion);
        QCOMPARE(usage.value(u"prompt_tokens_details").toObject().value(u"cached_tokens").toInt(), cacheRead);
        QCOMPARE(usage.value(u"completion_tokens_details").toObject().value(u"reasoning_tokens").toInt(),
            reasoning);
        QVERIFY2(sameMoney(usage.value(u"cost").toDouble(), cost),
            qPrintable(u"cost %1, expected %2"_s.arg(usage.value(u"cost").toDouble()).arg(cost)));
    }

    const auto row = m_harness.record(result.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"prompt_tokens"_s).toInt(), prompt);
    QCOMPARE(row->value(u"completion_tokens"_s).toInt(), completion);
    QCOMPARE(row->value(u"cached_tokens"_s).toInt(), cacheRead);
    QCOMPARE(row->value(u"cache_write_tokens"_s).toInt(), cacheWrite);
    QCOMPARE(row->value(u"reasoning_tokens"_s).toInt(), reasoning);
    QVERIFY2(sameMoney(row->value(u"cost"_s).toDouble(), cost),
        qPrintable(u"recorded cost %1, expected %2"_s.arg(row->value(u"cost"_s).toDouble()).arg(cost)));
}

QTEST_GUILESS_MAIN(TestProxyTranslate)
#include "tst_proxytranslate.moc"
