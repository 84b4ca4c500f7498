// Canonical Chat Completions answers as Responses objects.
#include "responsesinbound.h"

#include <QJsonDocument>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace ResponsesInbound {
namespace {

// The part of a Chat Completions id the item ids reuse.
QString idSuffix(const QString &responseId)
{
    return responseId.sliced(responseId.indexOf(u'_') + 1);
}

QJsonValue echoed(const ResponseContext &context, QLatin1StringView key, const QJsonValue &fallback)
{
    const QJsonValue value = context.echo.value(key);
    return value.isUndefined() ? fallback : value;
}

QJsonObject functionCallItem(const ResponseContext &context, const QString &id, const QString &callId,
    const QString &upstreamName, const QString &arguments, const QString &status)
{
    QJsonObject item { { u"id"_s, id }, { u"type"_s, u"function_call"_s }, { u"status"_s, status },
        { u"arguments"_s, arguments }, { u"call_id"_s, callId }, { u"name"_s, upstreamName } };
    if (const auto named = context.namespacedTools.constFind(upstreamName);
        named != context.namespacedTools.cend()) {
        item.insert(u"name"_s, named->name);
        item.insert(u"namespace"_s, named->space);
    }
    return item;
}

} // namespace

QString responseIdFor(const QString &openaiId)
{
    if (openaiId.startsWith("resp_"_L1))
        return openaiId;
    if (openaiId.isEmpty())
        return u"resp_"_s + QUuid::createUuid().toString(QUuid::Id128);
    for (const auto prefix : { "chatcmpl-"_L1, "msg_"_L1 }) { // OpenAI's and Anthropic's
        if (openaiId.startsWith(prefix))
            return u"resp_"_s + openaiId.sliced(prefix.size());
    }
    return u"resp_"_s + openaiId;
}

QJsonObject usageFromOpenAI(const QJsonObject &usage)
{
    const auto number = [](const QJsonValue &value) { return double(qint64(value.toDouble())); };
    const double input = number(usage.value("prompt_tokens"_L1));
    const double output = number(usage.value("completion_tokens"_L1));
    QJsonObject out {
        { u"input_tokens"_s, input },
        { u"input_tokens_details"_s,
            QJsonObject { { u"cached_tokens"_s,
                number(usage.value("prompt_tokens_details"_L1).toObject().value("cached_tokens"_L1)) } } },
        { u"output_tokens"_s, output },
        { u"output_tokens_details"_s,
            QJsonObject { { u"reasoning_tokens"_s,
                number(usage.value("completion_tokens_details"_L1)
                           .toObject()
                           .value("reasoning_tokens"_L1)) } } },
        { u"total_tokens"_s, input + output },
    };
    if (usage.value("cost"_L1).isDouble())
        out.insert(u"cost"_s, usage.value("cost"_L1));
    return out;
}

QString statusFor(const QString &finishReason)
{
    return finishReason == "length"_L1 || finishReason == "content_filter"_L1 ? u"incomplete"_s
                                                                              : u"completed"_s;
}

QJsonValue incompleteDetailsFor(const QString &finishReason)
{
    if (finishReason == "length"_L1)
        return QJsonObject { { u"reason"_s, u"max_output_tokens"_s } };
    if (finishReason == "content_filter"_L1)
        return QJsonObject { { u"reason"_s, u"content_filter"_s } };
    return QJsonValue();
}

QJsonObject responseObject(const ResponseContext &context, const QString &id, qint64 createdAt,
    const QString &status, const QJsonArray &output, const QJsonValue &usage)
{
    const QJsonObject reasoning = context.echo.value("reasoning"_L1).toObject();
    return QJsonObject {
        { u"id"_s, id },
        { u"object"_s, u"response"_s },
        { u"created_at"_s, double(createdAt) },
        { u"status"_s, status },
        { u"background"_s, false },
        { u"error"_s, QJsonValue() },
        { u"incomplete_details"_s, QJsonValue() },
        { u"instructions"_s, echoed(context, "instructions"_L1, QJsonValue()) },
        { u"max_output_tokens"_s, echoed(context, "max_output_tokens"_L1, QJsonValue()) },
        { u"metadata"_s, echoed(context, "metadata"_L1, QJsonObject()) },
        { u"model"_s, context.model },
        { u"output"_s, output },
        { u"parallel_tool_calls"_s, echoed(context, "parallel_tool_calls"_L1, true) },
        { u"previous_response_id"_s, QJsonValue() },
        { u"reasoning"_s,
            QJsonObject {
                { u"effort"_s,
                    reasoning.value("effort"_L1).isString() ? reasoning.value("effort"_L1) : QJsonValue() },
                { u"summary"_s,
                    reasoning.value("summary"_L1).isString() ? reasoning.value("summary"_L1)
                                                             : QJsonValue() } } },
        { u"store"_s, false }, // the gateway keeps no responses
        { u"temperature"_s, echoed(context, "temperature"_L1, 1.0) },
        { u"text"_s,
            echoed(context, "text"_L1,
                QJsonObject { { u"format"_s, QJsonObject { { u"type"_s, u"text"_s } } } }) },
        { u"tool_choice"_s, echoed(context, "tool_choice"_L1, u"auto"_s) },
        { u"tools"_s, echoed(context, "tools"_L1, QJsonArray()) },
        { u"top_p"_s, echoed(context, "top_p"_L1, 1.0) },
        { u"truncation"_s, u"disabled"_s },
        { u"usage"_s, usage },
        { u"user"_s, echoed(context, "user"_L1, QJsonValue()) },
    };
}

QJsonObject fromOpenAIResponse(const QJsonObject &openaiResponse, const ResponseContext &context)
{
    const QString id = responseIdFor(openaiResponse.value("id"_L1).toString());
    const QString suffix = idSuffix(id);
    const QJsonObject choice = openaiResponse.value("choices"_L1).toArray().at(0).toObject();
    const QJsonObject message = choice.value("message"_L1).toObject();
    const QString finishReason = choice.value("finish_reason"_L1).toString();

    QJsonArray output;
    QString reasoning = message.value("reasoning_content"_L1).toString();
    if (reasoning.isEmpty())
        reasoning = message.value("reasoning"_L1).toString(); // OpenRouter, Ollama
    if (!reasoning.isEmpty()) {
        output.append(QJsonObject { { u"id"_s, QString(u"rs_"_s + suffix) }, { u"type"_s, u"reasoning"_s },
            { u"summary"_s,
                QJsonArray {
                    QJsonObject { { u"type"_s, u"summary_text"_s }, { u"text"_s, reasoning } } } } });
    }
    QString text;
    const QJsonValue content = message.value("content"_L1);
    if (content.isArray()) {
        for (const QJsonValue &part : content.toArray())
            text += part.toObject().value("text"_L1).toString();
    } else {
        text = content.toString();
    }
    const QString refusal = message.value("refusal"_L1).toString();
    if (!text.isEmpty() || !refusal.isEmpty()) {
        const QJsonObject part = text.isEmpty()
            ? QJsonObject { { u"type"_s, u"refusal"_s }, { u"refusal"_s, refusal } }
            : QJsonObject { { u"type"_s, u"output_text"_s }, { u"annotations"_s, QJsonArray() },
                  { u"logprobs"_s, QJsonArray() }, { u"text"_s, text } };
        output.append(QJsonObject { { u"id"_s, QString(u"msg_"_s + suffix) }, { u"type"_s, u"message"_s },
            { u"status"_s, u"completed"_s }, { u"role"_s, u"assistant"_s },
            { u"content"_s, QJsonArray { part } } });
    }
    const QJsonArray toolCalls = message.value("tool_calls"_L1).toArray();
    for (qsizetype i = 0; i < toolCalls.size(); ++i) {
        const QJsonObject call = toolCalls.at(i).toObject();
        const QJsonObject function = call.value("function"_L1).toObject();
        QString callId = call.value("id"_L1).toString();
        if (callId
                .isEmpty()) // call ids come back in function_call_output items, so only a missing one is made
            callId = u"call_"_s % suffix % u'_' % QString::number(i);
        output.append(functionCallItem(context, u"fc_"_s + callId, callId,
            function.value("name"_L1).toString(), function.value("arguments"_L1).toString(), u"completed"_s));
    }

    const QJsonValue usage = openaiResponse.value("usage"_L1).isObject()
        ? QJsonValue(usageFromOpenAI(openaiResponse.value("usage"_L1).toObject()))
        : QJsonValue();
    QJsonObject response = responseObject(context, id, qint64(openaiResponse.value("created"_L1).toDouble()),
        statusFor(finishReason), output, usage);
    response.insert(u"incomplete_details"_s, incompleteDetailsFor(finishReason));
    return response;
}

QJsonObject errorEvent(const QString &message, const QString &type, const QString &code, int sequenceNumber)
{
    const QJsonValue codeValue = code.isEmpty() ? QJsonValue() : QJsonValue(code);
    return QJsonObject {
        { u"type"_s, u"error"_s },
        { u"code"_s, codeValue },
        { u"message"_s, message },
        { u"param"_s, QJsonValue() },
        { u"sequence_number"_s, sequenceNumber },
        { u"error"_s,
            QJsonObject { { u"type"_s, type }, { u"code"_s, codeValue }, { u"message"_s, message },
                { u"param"_s, QJsonValue() } } },
    };
}

QByteArray sseEvent(const QJsonObject &data)
{
    return "event: " + data.value("type"_L1).toString().toUtf8()
        + "\ndata: " + QJsonDocument(data).toJson(QJsonDocument::Compact) + "\n\n";
}

} // namespace ResponsesInbound
