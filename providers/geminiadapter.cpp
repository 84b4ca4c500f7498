// Gemini responses and errors → canonical OpenAI form.
#include "geminiadapter.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace GeminiAdapter {

namespace {

// Gemini's responseId when it sent one, so that a record can be matched with Google's logs.
QString completionId(const QJsonObject &response)
{
    const QString responseId = response.value("responseId"_L1).toString();
    return u"chatcmpl-"_s + (responseId.isEmpty() ? QUuid::createUuid().toString(QUuid::Id128) : responseId);
}

} // namespace

QJsonObject openAIToolCall(const QJsonObject &part, int index)
{
    const QJsonObject call = part.value("functionCall"_L1).toObject();
    const QByteArray arguments
        = QJsonDocument(call.value("args"_L1).toObject()).toJson(QJsonDocument::Compact);
    QJsonObject toolCall {
        { "id"_L1, u"call_%1"_s.arg(index) },
        { "type"_L1, u"function"_s },
        { "function"_L1,
            QJsonObject {
                { "name"_L1, call.value("name"_L1) }, { "arguments"_L1, QString::fromUtf8(arguments) } } },
    };
    // Gemini 3 wants the signature back with the call; Google's own OpenAI endpoint carries it here.
    if (part.value("thoughtSignature"_L1).isString())
        toolCall.insert("extra_content"_L1,
            QJsonObject { { "google"_L1,
                QJsonObject { { "thought_signature"_L1, part.value("thoughtSignature"_L1) } } } });
    return toolCall;
}

TokenUsage readUsage(const QJsonObject &usageMetadata)
{
    TokenUsage usage;
    const qint64 thoughts = usageMetadata.value("thoughtsTokenCount"_L1).toInteger();
    usage.promptTokens = usageMetadata.value("promptTokenCount"_L1).toInteger();
    usage.completionTokens = usageMetadata.value("candidatesTokenCount"_L1).toInteger() + thoughts;
    usage.cachedTokens = usageMetadata.value("cachedContentTokenCount"_L1).toInteger();
    usage.reasoningTokens = thoughts;
    usage.known = usageMetadata.contains("promptTokenCount"_L1)
        || usageMetadata.contains("candidatesTokenCount"_L1) || usageMetadata.contains("totalTokenCount"_L1);
    return usage;
}

QJsonObject openAIUsage(const TokenUsage &usage)
{
    return QJsonObject {
        { "prompt_tokens"_L1, usage.promptTokens },
        { "completion_tokens"_L1, usage.completionTokens },
        { "total_tokens"_L1, usage.totalTokens() },
        { "prompt_tokens_details"_L1, QJsonObject { { "cached_tokens"_L1, usage.cachedTokens } } },
        { "completion_tokens_details"_L1, QJsonObject { { "reasoning_tokens"_L1, usage.reasoningTokens } } },
    };
}

QString openAIFinishReason(const QString &geminiReason, bool hasToolCalls)
{
    if (geminiReason == "MAX_TOKENS"_L1)
        return u"length"_s;
    static const QStringList filtered {
        u"SAFETY"_s,
        u"RECITATION"_s,
        u"BLOCKLIST"_s,
        u"PROHIBITED_CONTENT"_s,
        u"SPII"_s,
        u"IMAGE_SAFETY"_s,
        u"IMAGE_PROHIBITED_CONTENT"_s,
        u"IMAGE_RECITATION"_s,
    };
    if (filtered.contains(geminiReason))
        return u"content_filter"_s;
    // STOP, OTHER, LANGUAGE, MALFORMED_FUNCTION_CALL, …: the model stopped; OpenAI has no finer word.
    return hasToolCalls ? u"tool_calls"_s : u"stop"_s;
}

std::optional<QJsonObject> toOpenAIResponse(
    const QByteArray &body, const QString &requestedModel, QString *error, std::optional<qint64> created)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (!document.isObject()) {
        *error = u"Gemini's response is not a JSON object: "_s
            + (parseError.error != QJsonParseError::NoError ? parseError.errorString() : u"other JSON"_s);
        return std::nullopt;
    }
    const QJsonObject response = document.object();
    if (response.value("error"_L1).isObject()) {
        *error = u"Gemini answered with an error: "_s
            + response.value("error"_L1).toObject().value("message"_L1).toString();
        return std::nullopt;
    }

    QJsonArray choices;
    const QJsonArray candidates = response.value("candidates"_L1).toArray();
    for (qsizetype i = 0; i < candidates.size(); ++i) {
        const QJsonObject candidate = candidates.at(i).toObject();
        QString text;
        QString reasoning;
        bool hasText = false;
        QJsonArray toolCalls;
        for (const auto &value : candidate.value("content"_L1).toObject().value("parts"_L1).toArray()) {
            const QJsonObject part = value.toObject();
            if (part.contains("functionCall"_L1)) {
                toolCalls.append(openAIToolCall(part, int(toolCalls.size())));
            } else if (part.value("text"_L1).isString()) {
                if (part.value("thought"_L1).toBool()) {
                    reasoning += part.value("text"_L1).toString();
                } else {
                    text += part.value("text"_L1).toString();
                    hasText = true;
                }
            }
        }
        QJsonObject message { { "role"_L1, u"assistant"_s },
            { "content"_L1, hasText ? QJsonValue(text) : QJsonValue() } };
        if (!reasoning.isEmpty())
            message.insert("reasoning_content"_L1, reasoning);
        if (!toolCalls.isEmpty())
            message.insert("tool_calls"_L1, toolCalls);
        choices.append(QJsonObject {
            { "index"_L1, candidate.value("index"_L1).toInt(int(i)) },
            { "message"_L1, message },
            { "logprobs"_L1, QJsonValue() },
            { "finish_reason"_L1,
                openAIFinishReason(candidate.value("finishReason"_L1).toString(), !toolCalls.isEmpty()) },
        });
    }
    if (candidates.isEmpty()) {
        // A blocked prompt comes back without candidates, the reason in promptFeedback.
        const bool blocked
            = !response.value("promptFeedback"_L1).toObject().value("blockReason"_L1).toString().isEmpty();
        choices.append(QJsonObject {
            { "index"_L1, 0 },
            { "message"_L1, QJsonObject { { "role"_L1, u"assistant"_s }, { "content"_L1, QJsonValue() } } },
            { "logprobs"_L1, QJsonValue() },
            { "finish_reason"_L1, blocked ? u"content_filter"_s : u"stop"_s },
        });
    }

    return QJsonObject {
        { "id"_L1, completionId(response) },
        { "object"_L1, u"chat.completion"_s },
        { "created"_L1, created.value_or(QDateTime::currentSecsSinceEpoch()) },
        { "model"_L1, requestedModel },
        { "choices"_L1, choices },
        { "usage"_L1, openAIUsage(readUsage(response.value("usageMetadata"_L1).toObject())) },
    };
}

ErrorInfo toOpenAIError(int status, const QByteArray &body)
{
    const QJsonDocument document = QJsonDocument::fromJson(body);
    // Errors on streaming calls may come wrapped in an array.
    const QJsonObject root = document.isArray() ? document.array().at(0).toObject() : document.object();
    const QJsonObject error = root.value("error"_L1).toObject();

    ErrorInfo info;
    info.message = error.value("message"_L1).toString();
    if (info.message.isEmpty()) {
        const QString text = QString::fromUtf8(body.left(300)).simplified();
        info.message = text.isEmpty() ? u"Gemini answered HTTP %1 without a message"_s.arg(status)
                                      : u"Gemini answered HTTP %1: %2"_s.arg(status).arg(text);
    }
    QString reason;
    for (const auto &detail : error.value("details"_L1).toArray()) {
        if (reason.isEmpty())
            reason = detail.toObject().value("reason"_L1).toString();
    }
    QString grpcStatus = error.value("status"_L1).toString();
    if (grpcStatus.isEmpty()) {
        static const QHash<int, QString> byHttp {
            { 400, u"INVALID_ARGUMENT"_s },
            { 401, u"UNAUTHENTICATED"_s },
            { 403, u"PERMISSION_DENIED"_s },
            { 404, u"NOT_FOUND"_s },
            { 429, u"RESOURCE_EXHAUSTED"_s },
            { 503, u"UNAVAILABLE"_s },
            { 504, u"DEADLINE_EXCEEDED"_s },
        };
        grpcStatus = byHttp.value(status, status >= 500 ? u"INTERNAL"_s : u"INVALID_ARGUMENT"_s);
    }

    if (reason == "API_KEY_INVALID"_L1 || grpcStatus == "UNAUTHENTICATED"_L1) {
        info = { info.message, "authentication_error", "invalid_api_key", 401 };
    } else if (grpcStatus == "PERMISSION_DENIED"_L1) {
        info = { info.message, "permission_error", {}, 403 };
    } else if (grpcStatus == "NOT_FOUND"_L1) {
        info = { info.message, "invalid_request_error", "model_not_found", 404 };
    } else if (grpcStatus == "RESOURCE_EXHAUSTED"_L1) {
        info = { info.message, "requests", "rate_limit_exceeded", 429 }; // as OpenAI words it
    } else if (grpcStatus == "UNAVAILABLE"_L1) {
        info = { info.message, "server_error", "overloaded", 503 };
    } else if (grpcStatus == "DEADLINE_EXCEEDED"_L1) {
        info = { info.message, "server_error", "timeout", 504 };
    } else if (grpcStatus == "INVALID_ARGUMENT"_L1 || grpcStatus == "FAILED_PRECONDITION"_L1
        || grpcStatus == "OUT_OF_RANGE"_L1) {
        info = { info.message, "invalid_request_error", {}, 400 };
    } else { // INTERNAL, UNKNOWN, CANCELLED, …: Google's side failed
        info = { info.message, "server_error", {}, 502 };
    }
    return info;
}

} // namespace GeminiAdapter
