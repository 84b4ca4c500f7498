#include "translatecase.h"

#include "fakechatcompletion.h"
#include "gateway.h"
#include "proxyharness.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

const QList<TranslatePair> &TranslatePair::all()
{
    using C = TranslatePair::Client;
    static const QList<TranslatePair> pairs {
        { "openai->anthropic", C::OpenAI, u"anthropic"_s, u"claude-haiku-4-5"_s,
            u"claude-haiku-4-5-tools"_s },
        { "openai->gemini", C::OpenAI, u"google"_s, u"gemini-2.5-flash"_s, u"gemini-2.5-flash-tools"_s },
        { "anthropic->openai", C::Anthropic, u"openai"_s, u"gpt-4o-mini"_s, u"fake-tools"_s },
        { "anthropic->anthropic", C::Anthropic, u"anthropic"_s, u"claude-haiku-4-5"_s,
            u"claude-haiku-4-5-tools"_s },
        { "anthropic->gemini", C::Anthropic, u"google"_s, u"gemini-2.5-flash"_s,
            u"gemini-2.5-flash-tools"_s },
    };
    return pairs;
}

void TranslatePair::addRows(const QString &suffix)
{
    for (int i = 0; i < all().size(); ++i)
        QTest::newRow(qPrintable(QString::fromLatin1(all()[i].tag) + suffix)) << i;
}

QByteArray TranslatePair::upstreamPath() const
{
    if (provider == u"anthropic")
        return "/v1/messages";
    if (provider == u"google")
        return "/v1beta/models/";
    return "/v1/chat/completions";
}

QByteArray translateRequest(const TranslatePair &pair, const QString &model, const QString &userText,
    bool stream, bool includeUsage, bool tools)
{
    const QJsonObject schema { { u"type"_s, u"object"_s },
        { u"properties"_s,
            QJsonObject { { u"location"_s,
                QJsonObject { { u"type"_s, u"string"_s }, { u"description"_s, u"City name"_s } } } } },
        { u"required"_s, QJsonArray { u"location"_s } } };
    const QString description = u"Current weather of a city"_s;
    if (!pair.anthropicClient()) {
        QJsonObject body
            = QJsonDocument::fromJson(TestHttp::chatBody(model, userText, stream, includeUsage)).object();
        if (tools) {
            body.insert(u"tools"_s,
                QJsonArray { QJsonObject { { u"type"_s, u"function"_s },
                    { u"function"_s,
                        QJsonObject { { u"name"_s, u"get_weather"_s }, { u"description"_s, description },
                            { u"parameters"_s, schema } } } } });
        }
        return QJsonDocument(body).toJson(QJsonDocument::Compact);
    }
    QJsonObject body { { u"model"_s, model }, { u"max_tokens"_s, 256 }, { u"system"_s, u"Be brief."_s },
        { u"messages"_s,
            QJsonArray { QJsonObject { { u"role"_s, u"user"_s }, { u"content"_s, userText } } } } };
    if (stream)
        body.insert(u"stream"_s, true);
    if (tools) {
        body.insert(u"tools"_s,
            QJsonArray { QJsonObject { { u"name"_s, u"get_weather"_s }, { u"description"_s, description },
                { u"input_schema"_s, schema } } });
    }
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

TestHttpResult sendTranslated(ProxyHarness &harness, const TranslatePair &pair, const QByteArray &body,
    const QList<QPair<QByteArray, QByteArray>> &headers)
{
    return pair.anthropicClient() ? harness.messages(body, headers) : harness.chat(body, headers);
}

int expectedPromptTokens(const QString &userText)
{
    return FakeChatCompletion::countWords(u"Be brief."_s) + 7 + FakeChatCompletion::countWords(userText) + 7;
}

int expectedCompletionTokens(const QString &userText)
{
    return FakeChatCompletion::countWords(u"Echo: "_s + userText);
}

double catalogCost(
    const Gateway &gateway, const QString &provider, const QString &model, qint64 prompt, qint64 completion)
{
    const ModelInfo *info = gateway.catalog().find(provider, model);
    if (!info || !info->price)
        return -1;
    return double(prompt) * info->price->input / 1e6 + double(completion) * info->price->output / 1e6;
}

namespace {
SeenToolCall toolCall(const QString &id, const QString &name, const QString &arguments)
{
    QJsonParseError error;
    const QJsonDocument parsed = QJsonDocument::fromJson(arguments.toUtf8(), &error);
    return { id, name, parsed.object(), error.error == QJsonParseError::NoError && parsed.isObject() };
}
} // namespace

OpenAIStream OpenAIStream::parse(const QByteArray &body)
{
    OpenAIStream out;
    const QByteArrayList events = Sse::events(body);
    QStringList arguments;
    int finishes = 0;
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QByteArray &event = events[i];
        if (event == "data: [DONE]\n\n") {
            if (i != events.size() - 1)
                out.problem = u"data: [DONE] is not the last event"_s;
            continue;
        }
        if (i == events.size() - 1)
            out.problem = u"the stream does not end with data: [DONE]"_s;
        const QJsonObject chunk = Sse::json(event);
        if (!event.endsWith("\n\n") || chunk.isEmpty()) {
            out.problem = u"event %1 is not a data: {json} event: %2"_s.arg(i).arg(QString::fromUtf8(event));
            continue;
        }
        if (chunk.value(u"object").toString() != u"chat.completion.chunk")
            out.problem = u"event %1 is not a chat.completion.chunk"_s.arg(i);
        if (chunk.value(u"usage").isObject()) {
            ++out.usageChunks;
            if (chunk.value(u"choices").toArray().isEmpty()) {
                out.usage = chunk.value(u"usage").toObject();
                out.usageLast = i == events.size() - 2;
            }
        }
        const QJsonArray choices = chunk.value(u"choices").toArray();
        if (choices.isEmpty())
            continue;
        const QJsonObject choice = choices.first().toObject();
        const QJsonObject delta = choice.value(u"delta").toObject();
        out.text += delta.value(u"content").toString();
        if (!choice.value(u"finish_reason").isNull() && !choice.value(u"finish_reason").isUndefined()) {
            ++finishes;
            out.finishReason = choice.value(u"finish_reason").toString();
        }
        const QJsonArray calls = delta.value(u"tool_calls").toArray();
        for (const QJsonValue &value : calls) {
            const QJsonObject call = value.toObject();
            const int index = call.value(u"index").toInt(-1);
            if (index < 0 || index > out.toolCalls.size()) {
                out.problem = u"tool call index %1 out of order"_s.arg(index);
                continue;
            }
            if (index == out.toolCalls.size()) {
                out.toolCalls.append(SeenToolCall());
                arguments.append(QString());
            }
            SeenToolCall &seen = out.toolCalls[index];
            const QJsonObject function = call.value(u"function").toObject();
            if (call.contains(u"id"))
                seen.id = call.value(u"id").toString();
            if (function.contains(u"name"))
                seen.name += function.value(u"name").toString();
            arguments[index] += function.value(u"arguments").toString();
        }
    }
    if (events.isEmpty())
        out.problem = u"no events"_s;
    if (finishes != 1 && out.problem.isEmpty())
        out.problem = u"%1 chunks with a finish_reason, expected 1"_s.arg(finishes);
    for (qsizetype i = 0; i < out.toolCalls.size(); ++i)
        out.toolCalls[i] = toolCall(out.toolCalls[i].id, out.toolCalls[i].name, arguments[i]);
    return out;
}

AnthropicStream AnthropicStream::parse(const QByteArray &body)
{
    AnthropicStream out;
    const auto fail = [&out](const QString &problem) {
        if (out.problem.isEmpty())
            out.problem = problem;
    };
    int nextIndex = 0;
    int open = -1;
    QString openKind;
    QString arguments;
    const QByteArrayList events = Sse::events(body);
    for (const QByteArray &event : events) {
        const qsizetype newline = event.indexOf('\n');
        if (!event.startsWith("event: ") || newline < 0 || !event.mid(newline + 1).startsWith("data: ")
            || !event.endsWith("\n\n")) {
            fail(u"not an event: T / data: J event: %1"_s.arg(QString::fromUtf8(event)));
            continue;
        }
        const QString type = QString::fromUtf8(event.mid(7, newline - 7));
        const QJsonObject data = QJsonDocument::fromJson(event.mid(newline + 7).trimmed()).object();
        if (data.value(u"type").toString() != type)
            fail(u"event %1 carries data of type %2"_s.arg(type, data.value(u"type").toString()));
        if (type == u"ping")
            continue;
        if (out.types.isEmpty() && type != u"message_start")
            fail(u"the first event is %1, not message_start"_s.arg(type));
        if (!out.types.isEmpty() && out.types.last() == u"message_stop")
            fail(u"%1 after message_stop"_s.arg(type));
        out.types.append(type);
        const int index = data.value(u"index").toInt(-1);
        if (type == u"message_start") {
            out.message = data.value(u"message").toObject();
        } else if (type == u"content_block_start") {
            if (open >= 0 || index != nextIndex)
                fail(u"block %1 starts while %2 is open or out of order"_s.arg(index).arg(open));
            open = index;
            ++nextIndex;
            const QJsonObject block = data.value(u"content_block").toObject();
            openKind = block.value(u"type").toString();
            if (openKind == u"tool_use") {
                out.toolUses.append(SeenToolCall {
                    block.value(u"id").toString(), block.value(u"name").toString(), {}, false });
                arguments.clear();
            }
        } else if (type == u"content_block_delta") {
            const QJsonObject delta = data.value(u"delta").toObject();
            const QString kind = delta.value(u"type").toString();
            if (index != open)
                fail(u"delta for block %1 while %2 is open"_s.arg(index).arg(open));
            if ((openKind == u"text" && kind != u"text_delta")
                || (openKind == u"tool_use" && kind != u"input_json_delta"))
                fail(u"%1 in a %2 block"_s.arg(kind, openKind));
            out.text += delta.value(u"text").toString();
            arguments += delta.value(u"partial_json").toString();
        } else if (type == u"content_block_stop") {
            if (index != open)
                fail(u"block %1 stops while %2 is open"_s.arg(index).arg(open));
            if (openKind == u"tool_use" && !out.toolUses.isEmpty()) {
                SeenToolCall &call = out.toolUses.last();
                call = toolCall(call.id, call.name, arguments.isEmpty() ? u"{}"_s : arguments);
            }
            open = -1;
        } else if (type == u"message_delta") {
            if (open >= 0)
                fail(u"message_delta while block %1 is open"_s.arg(open));
            out.stopReason = data.value(u"delta").toObject().value(u"stop_reason").toString();
            out.deltaUsage = data.value(u"usage").toObject();
        } else if (type != u"message_stop") {
            fail(u"unexpected event %1: %2"_s.arg(type, QString::fromUtf8(event)));
        }
    }
    if (out.types.size() < 2 || out.types.last() != u"message_stop"
        || out.types.at(out.types.size() - 2) != u"message_delta")
        fail(u"the stream does not end with message_delta, message_stop: %1"_s.arg(out.types.join(u", ")));
    return out;
}

QList<SeenToolCall> wholeToolCalls(const TranslatePair &pair, const QJsonObject &response)
{
    QList<SeenToolCall> calls;
    if (pair.anthropicClient()) {
        const QJsonArray content = response.value(u"content").toArray();
        for (const QJsonValue &value : content) {
            const QJsonObject block = value.toObject();
            if (block.value(u"type").toString() == u"tool_use") {
                calls.append(SeenToolCall { block.value(u"id").toString(), block.value(u"name").toString(),
                    block.value(u"input").toObject(), block.value(u"input").isObject() });
            }
        }
        return calls;
    }
    const QJsonArray toolCalls = response.value(u"choices")
                                     .toArray()
                                     .first()
                                     .toObject()
                                     .value(u"message")
                                     .toObject()
                                     .value(u"tool_calls")
                                     .toArray();
    for (const QJsonValue &value : toolCalls) {
        const QJsonObject function = value.toObject().value(u"function").toObject();
        calls.append(toolCall(value.toObject().value(u"id").toString(), function.value(u"name").toString(),
            function.value(u"arguments").toString()));
    }
    return calls;
}

QString wholeText(const TranslatePair &pair, const QJsonObject &response)
{
    if (!pair.anthropicClient()) {
        return response.value(u"choices")
            .toArray()
            .first()
            .toObject()
            .value(u"message")
            .toObject()
            .value(u"content")
            .toString();
    }
    QString text;
    const QJsonArray content = response.value(u"content").toArray();
    for (const QJsonValue &block : content) {
        if (block.toObject().value(u"type").toString() == u"text")
            text += block.toObject().value(u"text").toString();
    }
    return text;
}
