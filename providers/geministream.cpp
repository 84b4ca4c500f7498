// Gemini's streamGenerateContent?alt=sse events → canonical chat.completion.chunk objects.
#include "geminiadapter.h"

#include "jsonscan.h"
#include "textdeltachunk.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace GeminiAdapter {

StreamToOpenAI::StreamToOpenAI(QString requestedModel, std::optional<qint64> created)
    : m_model(std::move(requestedModel))
    , m_created(created.value_or(QDateTime::currentSecsSinceEpoch()))
{ }

QJsonObject StreamToOpenAI::chunk(int index, const QJsonObject &delta, const QJsonValue &finishReason) const
{
    return QJsonObject {
        { "id"_L1, m_id },
        { "object"_L1, u"chat.completion.chunk"_s },
        { "created"_L1, m_created },
        { "model"_L1, m_model },
        { "choices"_L1,
            QJsonArray { QJsonObject { { "index"_L1, index }, { "delta"_L1, delta },
                { "logprobs"_L1, QJsonValue() }, { "finish_reason"_L1, finishReason } } } },
    };
}

QList<QJsonObject> StreamToOpenAI::feed(const SseEvent &event)
{
    const QByteArray data = event.data.trimmed();
    if (m_failed || data.isEmpty())
        return {};
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(data, &parseError);
    if (!document.isObject()) {
        m_failed = true;
        m_errorMessage
            = u"Gemini sent a stream event that is not a JSON object: "_s + QString::fromUtf8(data.left(200));
        return {};
    }
    const QJsonObject response = document.object();
    if (response.value("error"_L1).isObject()) {
        m_failed = true;
        const ErrorInfo error = toOpenAIError(500, data);
        m_errorMessage = error.message;
        return {};
    }
    if (m_id.isEmpty()) {
        const QString responseId = response.value("responseId"_L1).toString();
        m_id = u"chatcmpl-"_s
            + (responseId.isEmpty() ? QUuid::createUuid().toString(QUuid::Id128) : responseId);
    }
    if (response.contains("usageMetadata"_L1)) {
        const TokenUsage usage = readUsage(response.value("usageMetadata"_L1).toObject());
        if (usage.known)
            m_usage = usage;
    }

    QList<QJsonObject> chunks;
    const auto start = [&](int index) -> Choice & {
        Choice &choice = m_choices[index];
        if (!choice.started) {
            chunks.append(
                chunk(index, QJsonObject { { "role"_L1, u"assistant"_s }, { "content"_L1, u""_s } }, {}));
            choice.started = true;
        }
        return choice;
    };
    const auto finishChoice = [&](int index, Choice &choice, const QString &reason) {
        if (choice.finished)
            return;
        choice.finished = true;
        chunks.append(chunk(index, QJsonObject {}, reason));
        if (m_finishReason.isEmpty())
            m_finishReason = reason;
    };

    const QJsonArray candidates = response.value("candidates"_L1).toArray();
    for (qsizetype i = 0; i < candidates.size(); ++i) {
        const QJsonObject candidate = candidates.at(i).toObject();
        const int index = candidate.value("index"_L1).toInt(int(i));
        Choice &choice = start(index);
        for (const auto &value : candidate.value("content"_L1).toObject().value("parts"_L1).toArray()) {
            const QJsonObject part = value.toObject();
            if (part.contains("functionCall"_L1)) {
                QJsonObject toolCall = openAIToolCall(part, choice.toolCalls);
                toolCall.insert("index"_L1, choice.toolCalls++);
                chunks.append(chunk(index, QJsonObject { { "tool_calls"_L1, QJsonArray { toolCall } } }, {}));
            } else if (const QString text = part.value("text"_L1).toString(); !text.isEmpty()) {
                const auto key = part.value("thought"_L1).toBool() ? "reasoning_content"_L1 : "content"_L1;
                chunks.append(chunk(index, QJsonObject { { key, text } }, {}));
            }
        }
        const QString reason = candidate.value("finishReason"_L1).toString();
        if (!reason.isEmpty())
            finishChoice(index, choice, openAIFinishReason(reason, choice.toolCalls > 0));
    }
    // A blocked prompt: no candidates at all, the reason in promptFeedback.
    if (candidates.isEmpty()
        && !response.value("promptFeedback"_L1).toObject().value("blockReason"_L1).toString().isEmpty())
        finishChoice(0, start(0), u"content_filter"_s);
    return chunks;
}

std::optional<QByteArray> StreamToOpenAI::textChunk(QByteArrayView data, qsizetype *textBytes)
{
    using JsonScan::Type;
    const auto first = m_choices.constFind(0);
    if (m_failed || m_id.isEmpty() || m_choices.size() != 1 || first == m_choices.cend() || first->finished)
        return std::nullopt;
    const JsonScan::Span root = JsonScan::validate(data);
    if (JsonScan::typeAt(data, root) != Type::Object)
        return std::nullopt;
    JsonScan::Member response[3];
    if (!JsonScan::findMembers(data, root, { "candidates", "usageMetadata", "error" }, response)
        || response[2].value.isValid() || JsonScan::elementCount(data, response[0].value) != 1)
        return std::nullopt;
    const JsonScan::Span candidate = JsonScan::element(data, response[0].value, 0);
    JsonScan::Member fields[3];
    if (JsonScan::typeAt(data, candidate) != Type::Object
        || !JsonScan::findMembers(data, candidate, { "content", "finishReason", "index" }, fields)
        || fields[1].value.isValid()
        || (fields[2].value.isValid() && JsonScan::toInteger(data, fields[2].value) != 0))
        return std::nullopt;
    const JsonScan::Span parts = JsonScan::path(data, fields[0].value, { "parts" });
    if (JsonScan::elementCount(data, parts) != 1)
        return std::nullopt;
    const JsonScan::Span part = JsonScan::element(data, parts, 0);
    JsonScan::Member partFields[3];
    if (JsonScan::typeAt(data, part) != Type::Object
        || !JsonScan::findMembers(data, part, { "text", "thought", "functionCall" }, partFields)
        || partFields[1].value.isValid() || partFields[2].value.isValid()
        || JsonScan::typeAt(data, partFields[0].value) != Type::String || partFields[0].value.size() <= 2)
        return std::nullopt;
    if (const JsonScan::Span usage = response[1].value; usage.isValid()) {
        const QByteArray usageText = data.sliced(usage.begin, usage.size()).toByteArray();
        const TokenUsage read = readUsage(QJsonDocument::fromJson(usageText).object());
        if (read.known)
            m_usage = read;
    }
    const QByteArrayView text = data.sliced(partFields[0].value.begin, partFields[0].value.size());
    *textBytes = text.size() - 2;
    return TextDeltaChunk::build(text, m_created, m_id, m_model);
}

QList<QJsonObject> StreamToOpenAI::finish()
{
    if (m_usageSent || !m_usage.known)
        return {};
    m_usageSent = true;
    if (m_id.isEmpty())
        m_id = u"chatcmpl-"_s + QUuid::createUuid().toString(QUuid::Id128);
    return { QJsonObject {
        { "id"_L1, m_id },
        { "object"_L1, u"chat.completion.chunk"_s },
        { "created"_L1, m_created },
        { "model"_L1, m_model },
        { "choices"_L1, QJsonArray() },
        { "usage"_L1, openAIUsage(m_usage) },
    } };
}

} // namespace GeminiAdapter
