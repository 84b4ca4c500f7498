// Canonical OpenAI answers and errors as Messages responses and error bodies.
#include "anthropicinbound.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QUuid>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcAnthropicInbound, "gateway.anthropic.inbound")

namespace AnthropicInbound {

QString messageIdFor(const QString &openaiId)
{
    if (openaiId.startsWith("msg_"_L1))
        return openaiId;
    if (openaiId.isEmpty())
        return u"msg_"_s + QUuid::createUuid().toString(QUuid::Id128);
    return u"msg_"_s + (openaiId.startsWith("chatcmpl-"_L1) ? openaiId.sliced(9) : openaiId);
}

QJsonObject usageFromOpenAI(const QJsonObject &usage)
{
    const auto number = [](const QJsonValue &value) { return qint64(value.toDouble()); };
    const QJsonObject details = usage.value("prompt_tokens_details"_L1).toObject();
    const qint64 cached = number(details.value("cached_tokens"_L1));
    const qint64 written = number(details.value("cache_write_tokens"_L1));
    return QJsonObject {
        { u"input_tokens"_s,
            double(qMax<qint64>(0, number(usage.value("prompt_tokens"_L1)) - cached - written)) },
        { u"output_tokens"_s, double(number(usage.value("completion_tokens"_L1))) },
        { u"cache_read_input_tokens"_s, double(cached) },
        { u"cache_creation_input_tokens"_s, double(written) },
    };
}

QString stopReasonFor(const QString &finishReason)
{
    if (finishReason == u"length"_s)
        return u"max_tokens"_s;
    if (finishReason == u"tool_calls"_s || finishReason == u"function_call"_s)
        return u"tool_use"_s;
    if (finishReason == u"content_filter"_s)
        return u"refusal"_s;
    return u"end_turn"_s;
}

QJsonObject fromOpenAIResponse(const QJsonObject &openaiResponse, const QString &requestedModel)
{
    const QJsonObject choice = openaiResponse.value("choices"_L1).toArray().at(0).toObject();
    const QJsonObject message = choice.value("message"_L1).toObject();

    QJsonArray content;
    QString reasoning = message.value("reasoning_content"_L1).toString();
    if (reasoning.isEmpty())
        reasoning = message.value("reasoning"_L1).toString(); // OpenRouter, Ollama
    if (!reasoning.isEmpty())
        content.append(QJsonObject {
            { u"type"_s, u"thinking"_s }, { u"thinking"_s, reasoning }, { u"signature"_s, u""_s } });
    QString text;
    const QJsonValue messageContent = message.value("content"_L1);
    if (messageContent.isArray()) {
        for (const QJsonValue &part : messageContent.toArray())
            text += part.toObject().value("text"_L1).toString();
    } else {
        text = messageContent.toString();
    }
    if (text.isEmpty())
        text = message.value("refusal"_L1).toString();
    if (!text.isEmpty())
        content.append(QJsonObject { { u"type"_s, u"text"_s }, { u"text"_s, text } });
    const QJsonArray toolCalls = message.value("tool_calls"_L1).toArray();
    for (qsizetype i = 0; i < toolCalls.size(); ++i) {
        const QJsonObject call = toolCalls.at(i).toObject();
        const QJsonObject function = call.value("function"_L1).toObject();
        const QByteArray arguments = function.value("arguments"_L1).toString().toUtf8();
        QJsonParseError parseError;
        const QJsonDocument input
            = QJsonDocument::fromJson(arguments.isEmpty() ? "{}" : arguments, &parseError);
        if (!input.isObject()) {
            qCWarning(lcAnthropicInbound,
                "the model's arguments for tool %s are not a JSON object; sent as {}: %s",
                qPrintable(function.value("name"_L1).toString()), arguments.left(200).constData());
        }
        QString id = call.value("id"_L1).toString();
        if (id.isEmpty()) // ids are echoed back in tool_result blocks, so only a missing one is invented
            id = u"toolu_"_s % messageIdFor(openaiResponse.value("id"_L1).toString()).sliced(4) % u'_'
                % QString::number(i);
        content.append(QJsonObject {
            { u"type"_s, u"tool_use"_s },
            { u"id"_s, id },
            { u"name"_s, function.value("name"_L1) },
            { u"input"_s, input.object() },
        });
    }

    return QJsonObject {
        { u"id"_s, messageIdFor(openaiResponse.value("id"_L1).toString()) },
        { u"type"_s, u"message"_s },
        { u"role"_s, u"assistant"_s },
        { u"model"_s, requestedModel },
        { u"content"_s, content },
        { u"stop_reason"_s, stopReasonFor(choice.value("finish_reason"_L1).toString()) },
        { u"stop_sequence"_s, QJsonValue() },
        { u"usage"_s, usageFromOpenAI(openaiResponse.value("usage"_L1).toObject()) },
    };
}

QByteArray errorBody(const QByteArray &anthropicErrorType, const QString &message)
{
    const QJsonObject envelope {
        { u"type"_s, u"error"_s },
        { u"error"_s,
            QJsonObject {
                { u"type"_s, QString::fromLatin1(anthropicErrorType) }, { u"message"_s, message } } },
    };
    return QJsonDocument(envelope).toJson(QJsonDocument::Compact);
}

QByteArray errorTypeForStatus(int status)
{
    switch (status) {
    case 400:
        return "invalid_request_error";
    case 401:
        return "authentication_error";
    case 402:
        return "billing_error";
    case 403:
        return "permission_error";
    case 404:
        return "not_found_error";
    case 413:
        return "request_too_large";
    case 429:
        return "rate_limit_error";
    case 529:
        return "overloaded_error";
    default:
        return status >= 400 && status < 500 ? "invalid_request_error" : "api_error";
    }
}

} // namespace AnthropicInbound
