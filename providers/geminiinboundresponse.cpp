// Canonical OpenAI answers, streams and errors → Gemini GenerateContentResponse objects and SSE events.
#include "geminiinbound.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace GeminiInbound {

namespace {

QJsonObject parseArguments(const QString &arguments)
{
    // Gemini's args must be an object; a model that produced anything else gets it wrapped, not dropped.
    const QJsonDocument document = QJsonDocument::fromJson(arguments.toUtf8());
    if (document.isObject())
        return document.object();
    if (arguments.trimmed().isEmpty())
        return {};
    return QJsonObject { { "arguments"_L1, arguments } };
}

QJsonObject functionCallPart(const QString &name, const QString &arguments)
{
    return QJsonObject { { "functionCall"_L1,
        QJsonObject { { "name"_L1, name }, { "args"_L1, parseArguments(arguments) } } } };
}

} // namespace

QString finishReasonFor(const QString &openaiFinishReason)
{
    if (openaiFinishReason == "length"_L1)
        return u"MAX_TOKENS"_s;
    if (openaiFinishReason == "content_filter"_L1)
        return u"SAFETY"_s;
    return u"STOP"_s; // stop, tool_calls (Gemini reports STOP after function calls), null
}

QJsonObject usageMetadataFromOpenAI(const QJsonObject &openaiUsage)
{
    const qint64 prompt = openaiUsage.value("prompt_tokens"_L1).toInteger();
    const qint64 completion = openaiUsage.value("completion_tokens"_L1).toInteger();
    const qint64 cached
        = openaiUsage.value("prompt_tokens_details"_L1).toObject().value("cached_tokens"_L1).toInteger();
    const qint64 thoughts = openaiUsage.value("completion_tokens_details"_L1)
                                .toObject()
                                .value("reasoning_tokens"_L1)
                                .toInteger();
    QJsonObject usage {
        { "promptTokenCount"_L1, prompt },
        { "candidatesTokenCount"_L1, completion - thoughts },
        { "totalTokenCount"_L1, openaiUsage.value("total_tokens"_L1).toInteger(prompt + completion) },
    };
    // Google leaves these out when they are zero.
    if (cached > 0)
        usage.insert("cachedContentTokenCount"_L1, cached);
    if (thoughts > 0)
        usage.insert("thoughtsTokenCount"_L1, thoughts);
    return usage;
}

QJsonObject fromOpenAIResponse(const QJsonObject &openai, const QString &model)
{
    QJsonArray candidates;
    for (const QJsonValue &value : openai.value("choices"_L1).toArray()) {
        const QJsonObject choice = value.toObject();
        const QJsonObject message = choice.value("message"_L1).toObject();
        QJsonArray parts;
        const QString reasoning = message.value("reasoning_content"_L1).toString();
        if (!reasoning.isEmpty())
            parts.append(QJsonObject { { "text"_L1, reasoning }, { "thought"_L1, true } });
        const QString text = message.value("content"_L1).toString();
        if (!text.isEmpty())
            parts.append(QJsonObject { { "text"_L1, text } });
        for (const QJsonValue &call : message.value("tool_calls"_L1).toArray()) {
            const QJsonObject function = call["function"_L1].toObject();
            parts.append(functionCallPart(
                function.value("name"_L1).toString(), function.value("arguments"_L1).toString()));
        }
        candidates.append(QJsonObject {
            { "content"_L1, QJsonObject { { "parts"_L1, parts }, { "role"_L1, u"model"_s } } },
            { "finishReason"_L1, finishReasonFor(choice.value("finish_reason"_L1).toString()) },
            { "index"_L1, choice.value("index"_L1).toInt() },
        });
    }
    QJsonObject response { { "candidates"_L1, candidates } };
    if (openai.value("usage"_L1).isObject())
        response.insert("usageMetadata"_L1, usageMetadataFromOpenAI(openai.value("usage"_L1).toObject()));
    response.insert("modelVersion"_L1, model);
    response.insert("responseId"_L1, openai.value("id"_L1).toString());
    return response;
}

QString statusNameFor(int status)
{
    switch (status) {
    case 401:
        return u"UNAUTHENTICATED"_s;
    case 403:
        return u"PERMISSION_DENIED"_s;
    case 404:
        return u"NOT_FOUND"_s;
    case 429:
        return u"RESOURCE_EXHAUSTED"_s;
    case 503:
        return u"UNAVAILABLE"_s;
    case 504:
        return u"DEADLINE_EXCEEDED"_s;
    default:
        return status >= 500 ? u"INTERNAL"_s : u"INVALID_ARGUMENT"_s;
    }
}

QByteArray errorBody(int status, const QString &message)
{
    const QJsonObject error { { "code"_L1, status }, { "message"_L1, message },
        { "status"_L1, statusNameFor(status) } };
    return QJsonDocument(QJsonObject { { "error"_L1, error } }).toJson(QJsonDocument::Compact);
}

StreamFromOpenAI::StreamFromOpenAI(QString model)
    : m_model(std::move(model))
{ }

QByteArray StreamFromOpenAI::event(const QJsonObject &candidate, const QJsonObject &usageMetadata) const
{
    QJsonObject response { { "candidates"_L1, QJsonArray { candidate } } };
    if (!usageMetadata.isEmpty())
        response.insert("usageMetadata"_L1, usageMetadata);
    response.insert("modelVersion"_L1, m_model);
    response.insert("responseId"_L1, m_id);
    return "data: " + QJsonDocument(response).toJson(QJsonDocument::Compact) + "\r\n\r\n";
}

QJsonObject StreamFromOpenAI::callPart(const PendingCall &call) const
{
    return functionCallPart(call.name, call.arguments);
}

QByteArray StreamFromOpenAI::flushCall()
{
    if (!m_call)
        return {};
    const QJsonObject content { { "parts"_L1, QJsonArray { callPart(*m_call) } }, { "role"_L1, u"model"_s } };
    m_call.reset();
    return event(QJsonObject { { "content"_L1, content }, { "index"_L1, 0 } });
}

QByteArray StreamFromOpenAI::end()
{
    // The last event carries the call still being collected, if any, with finishReason and usage.
    QJsonObject candidate;
    if (m_call) {
        candidate.insert("content"_L1,
            QJsonObject { { "parts"_L1, QJsonArray { callPart(*m_call) } }, { "role"_L1, u"model"_s } });
        m_call.reset();
    }
    candidate.insert("finishReason"_L1, finishReasonFor(m_finishReason));
    candidate.insert("index"_L1, 0);
    m_done = true;
    return event(candidate, m_usage);
}

QByteArray StreamFromOpenAI::feed(const QJsonObject &openaiChunk)
{
    if (m_done)
        return {};
    if (m_id.isEmpty())
        m_id = openaiChunk.value("id"_L1).toString();
    if (openaiChunk.value("usage"_L1).isObject())
        m_usage = usageMetadataFromOpenAI(openaiChunk.value("usage"_L1).toObject());

    QByteArray out;
    const QJsonArray choices = openaiChunk.value("choices"_L1).toArray();
    for (const QJsonValue &value : choices) {
        const QJsonObject choice = value.toObject();
        if (choice.value("index"_L1).toInt() != 0)
            continue; // one candidate: what the SDK's streaming helpers read
        const QJsonObject delta = choice.value("delta"_L1).toObject();
        const QString reasoning = delta.value("reasoning_content"_L1).toString();
        if (!reasoning.isEmpty()) {
            const QJsonObject content {
                { "parts"_L1,
                    QJsonArray { QJsonObject { { "text"_L1, reasoning }, { "thought"_L1, true } } } },
                { "role"_L1, u"model"_s }
            };
            out += event(QJsonObject { { "content"_L1, content }, { "index"_L1, 0 } });
        }
        const QString text = delta.value("content"_L1).toString();
        if (!text.isEmpty()) {
            const QJsonObject content { { "parts"_L1, QJsonArray { QJsonObject { { "text"_L1, text } } } },
                { "role"_L1, u"model"_s } };
            out += event(QJsonObject { { "content"_L1, content }, { "index"_L1, 0 } });
        }
        for (const QJsonValue &callValue : delta.value("tool_calls"_L1).toArray()) {
            const QJsonObject call = callValue.toObject();
            const int index = call.value("index"_L1).toInt();
            if (!m_call || m_call->index != index) {
                out += flushCall();
                m_call = PendingCall { index, {}, {} };
            }
            const QJsonObject function = call.value("function"_L1).toObject();
            m_call->name += function.value("name"_L1).toString();
            m_call->arguments += function.value("arguments"_L1).toString();
        }
        if (choice.value("finish_reason"_L1).isString()) {
            m_finishReason = choice.value("finish_reason"_L1).toString();
            m_finished = true;
        }
    }
    // The usage chunk follows the finish_reason; a chunk carrying both ends the stream as well.
    if (m_finished && !m_usage.isEmpty())
        out += end();
    return out;
}

QByteArray StreamFromOpenAI::finish()
{
    if (m_done)
        return {};
    return end();
}

} // namespace GeminiInbound
