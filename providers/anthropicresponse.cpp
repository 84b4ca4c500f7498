// Messages responses, usage and errors in OpenAI form.
#include "anthropicadapter.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace AnthropicAdapter {

TokenUsage readUsage(const QJsonObject &anthropicUsage)
{
    TokenUsage usage;
    const auto number = [&](QLatin1StringView key) { return qint64(anthropicUsage.value(key).toDouble()); };
    usage.cachedTokens = number("cache_read_input_tokens"_L1);
    usage.cacheWriteTokens = number("cache_creation_input_tokens"_L1);
    // Anthropic counts cache reads and writes apart from input_tokens; OpenAI's prompt count has them all.
    usage.promptTokens = number("input_tokens"_L1) + usage.cachedTokens + usage.cacheWriteTokens;
    // Thinking is billed as output and not reported apart, so reasoningTokens stays 0.
    usage.completionTokens = number("output_tokens"_L1);
    usage.known = true;
    return usage;
}

TokenUsage responseUsage(const QByteArray &body)
{
    const QJsonValue usage = QJsonDocument::fromJson(body).object().value("usage"_L1);
    return usage.isObject() ? readUsage(usage.toObject()) : TokenUsage();
}

QJsonObject openAIUsage(const TokenUsage &usage)
{
    QJsonObject promptDetails { { u"cached_tokens"_s, double(usage.cachedTokens) } };
    if (usage.cacheWriteTokens > 0)
        promptDetails.insert(u"cache_write_tokens"_s, double(usage.cacheWriteTokens));
    return QJsonObject {
        { u"prompt_tokens"_s, double(usage.promptTokens) },
        { u"completion_tokens"_s, double(usage.completionTokens) },
        { u"total_tokens"_s, double(usage.totalTokens()) },
        { u"prompt_tokens_details"_s, promptDetails },
        { u"completion_tokens_details"_s,
            QJsonObject { { u"reasoning_tokens"_s, double(usage.reasoningTokens) } } },
    };
}

QString finishReasonFor(const QString &stopReason)
{
    if (stopReason == u"max_tokens"_s || stopReason == u"model_context_window_exceeded"_s)
        return u"length"_s;
    if (stopReason == u"tool_use"_s)
        return u"tool_calls"_s;
    if (stopReason == u"refusal"_s)
        return u"content_filter"_s;
    return u"stop"_s; // end_turn, stop_sequence, pause_turn (the client may simply continue)
}

std::optional<QJsonObject> toOpenAIResponse(
    const QByteArray &body, const QString &requestedModel, QString *error, qint64 created)
{
    QJsonParseError parseError;
    const QJsonObject message = QJsonDocument::fromJson(body, &parseError).object();
    if (message.value("type"_L1).toString() != u"message"_s) {
        if (error) {
            *error = parseError.error != QJsonParseError::NoError
                ? u"Anthropic sent a response that is not valid JSON: "_s + parseError.errorString()
                : u"Anthropic sent a response that is not a Messages response (no \"type\":\"message\")"_s;
        }
        return std::nullopt;
    }

    QStringList texts;
    QStringList thoughts;
    QJsonArray toolCalls;
    for (const QJsonValue &value : message.value("content"_L1).toArray()) {
        const QJsonObject block = value.toObject();
        const QString type = block.value("type"_L1).toString();
        if (type == u"text"_s) {
            texts.append(block.value("text"_L1).toString());
        } else if (type == u"thinking"_s) {
            thoughts.append(block.value("thinking"_L1).toString());
        } else if (type == u"tool_use"_s) {
            toolCalls.append(QJsonObject {
                { u"id"_s, block.value("id"_L1) },
                { u"type"_s, u"function"_s },
                { u"function"_s,
                    QJsonObject {
                        { u"name"_s, block.value("name"_L1) },
                        { u"arguments"_s,
                            QString::fromUtf8(QJsonDocument(block.value("input"_L1).toObject())
                                                  .toJson(QJsonDocument::Compact)) },
                    } },
            });
        }
        // redacted_thinking and server-side tool blocks have no OpenAI counterpart.
    }

    QJsonObject assistant { { u"role"_s, u"assistant"_s } };
    const QString text = texts.join(QString());
    assistant.insert(u"content"_s, text.isEmpty() && !toolCalls.isEmpty() ? QJsonValue() : QJsonValue(text));
    if (!toolCalls.isEmpty())
        assistant.insert(u"tool_calls"_s, toolCalls);
    if (!thoughts.isEmpty())
        assistant.insert(u"reasoning_content"_s, thoughts.join(u"\n\n"_s));

    QJsonObject response {
        { u"id"_s, message.value("id"_L1) },
        { u"object"_s, u"chat.completion"_s },
        { u"created"_s, double(created) },
        { u"model"_s, requestedModel },
        { u"choices"_s,
            QJsonArray { QJsonObject {
                { u"index"_s, 0 },
                { u"message"_s, assistant },
                { u"logprobs"_s, QJsonValue() },
                { u"finish_reason"_s, finishReasonFor(message.value("stop_reason"_L1).toString()) },
            } } },
    };
    if (message.value("usage"_L1).isObject())
        response.insert(u"usage"_s, openAIUsage(readUsage(message.value("usage"_L1).toObject())));
    return response;
}

ErrorInfo toOpenAIError(int status, const QByteArray &body)
{
    const QJsonObject root = QJsonDocument::fromJson(body).object();
    const QJsonObject error = root.value("error"_L1).toObject();
    const QString type = error.value("type"_L1).toString();
    QString message = error.value("message"_L1).toString();
    if (message.isEmpty()) {
        const QByteArray excerpt = body.trimmed().left(200);
        message = u"Anthropic answered HTTP %1"_s.arg(status)
            + (excerpt.isEmpty() ? QString() : u": "_s + QString::fromUtf8(excerpt));
    }

    if (type == u"invalid_request_error"_s)
        return { message, "invalid_request_error", {} };
    if (type == u"authentication_error"_s)
        return { message, "authentication_error", "invalid_api_key" };
    if (type == u"permission_error"_s)
        return { message, "permission_error", "permission_denied" };
    if (type == u"billing_error"_s)
        return { message, "insufficient_quota", "insufficient_quota" };
    if (type == u"not_found_error"_s) // Anthropic's 404s on /v1/messages name the model: "model: …"
        return { message, "invalid_request_error",
            message.contains("model"_L1) ? "model_not_found" : "not_found" };
    if (type == u"request_too_large"_s)
        return { message, "invalid_request_error", "request_too_large" };
    if (type == u"rate_limit_error"_s)
        return { message, "rate_limit_error", "rate_limit_exceeded" };
    if (type == u"overloaded_error"_s)
        return { message, "server_error", "overloaded" };
    if (type == u"timeout_error"_s)
        return { message, "server_error", "timeout" };
    if (type == u"api_error"_s)
        return { message, "server_error", {} };

    if (status == 401)
        return { message, "authentication_error", "invalid_api_key" };
    if (status == 429)
        return { message, "rate_limit_error", "rate_limit_exceeded" };
    if (status >= 400 && status < 500)
        return { message, "invalid_request_error", {} };
    return { message, "server_error", {} };
}

} // namespace AnthropicAdapter
