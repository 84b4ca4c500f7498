// A Messages stream in OpenAI chat.completion.chunk form.
#include "anthropicadapter.h"

#include "jsonscan.h"
#include "textdeltachunk.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace AnthropicAdapter {

StreamToOpenAI::StreamToOpenAI(QString requestedModel, qint64 created)
    : m_model(std::move(requestedModel))
    , m_created(created)
{ }

QJsonObject StreamToOpenAI::chunk(const QJsonObject &delta, const QJsonValue &finishReason) const
{
    return QJsonObject {
        { u"id"_s, m_id },
        { u"object"_s, u"chat.completion.chunk"_s },
        { u"created"_s, double(m_created) },
        { u"model"_s, m_model },
        { u"choices"_s,
            QJsonArray { QJsonObject {
                { u"index"_s, 0 },
                { u"delta"_s, delta },
                { u"logprobs"_s, QJsonValue() },
                { u"finish_reason"_s, finishReason },
            } } },
    };
}

std::optional<QByteArray> StreamToOpenAI::textDeltaChunk(QByteArrayView data, qsizetype *textBytes) const
{
    if (!data.contains("text_delta") || m_id.isEmpty())
        return std::nullopt;
    const JsonScan::Span root = JsonScan::validate(data);
    if (JsonScan::typeAt(data, root) != JsonScan::Type::Object)
        return std::nullopt;
    JsonScan::Member event[2];
    if (!JsonScan::findMembers(data, root, { "type", "delta" }, event) || !event[0].value.isValid()
        || !event[1].value.isValid() || JsonScan::toString(data, event[0].value) != u"content_block_delta"_s
        || JsonScan::typeAt(data, event[1].value) != JsonScan::Type::Object)
        return std::nullopt;
    JsonScan::Member delta[2];
    if (!JsonScan::findMembers(data, event[1].value, { "type", "text" }, delta) || !delta[0].value.isValid()
        || !delta[1].value.isValid() || JsonScan::toString(data, delta[0].value) != u"text_delta"_s
        || JsonScan::typeAt(data, delta[1].value) != JsonScan::Type::String)
        return std::nullopt;
    const QByteArrayView text = data.sliced(delta[1].value.begin, delta[1].value.size());
    *textBytes = text.size() - 2;
    return TextDeltaChunk::build(text, m_created, m_id, m_model);
}

QJsonObject StreamToOpenAI::usageChunk()
{
    m_usageSent = true;
    return QJsonObject {
        { u"id"_s, m_id },
        { u"object"_s, u"chat.completion.chunk"_s },
        { u"created"_s, double(m_created) },
        { u"model"_s, m_model },
        { u"choices"_s, QJsonArray() },
        { u"usage"_s, openAIUsage(m_usage) },
    };
}

void StreamToOpenAI::takeUsage(const QJsonObject &usage)
{
    // message_delta's counts are cumulative and may name only output_tokens: keep the rest.
    for (auto it = usage.begin(); it != usage.end(); ++it)
        m_rawUsage.insert(it.key(), it.value());
    m_usage = readUsage(m_rawUsage);
}

QList<QJsonObject> StreamToOpenAI::feed(const SseEvent &event)
{
    if (event.data.trimmed().isEmpty())
        return {};
    QJsonParseError parseError;
    const QJsonObject data = QJsonDocument::fromJson(event.data, &parseError).object();
    if (parseError.error != QJsonParseError::NoError) {
        m_failed = true;
        m_error = { u"Anthropic sent a stream event that is not valid JSON: "_s + parseError.errorString(),
            "server_error", {} };
        return {};
    }
    QString type = data.value("type"_L1).toString();
    if (type.isEmpty())
        type = QString::fromUtf8(event.event);
    const int index = data.value("index"_L1).toInt();

    if (type == u"message_start"_s) {
        const QJsonObject message = data.value("message"_L1).toObject();
        m_id = message.value("id"_L1).toString();
        takeUsage(message.value("usage"_L1).toObject());
        return { chunk({ { u"role"_s, u"assistant"_s }, { u"content"_s, u""_s } }) };
    }
    if (type == u"content_block_start"_s) {
        const QJsonObject block = data.value("content_block"_L1).toObject();
        const QString blockType = block.value("type"_L1).toString();
        if (blockType == u"text"_s) {
            const QString text = block.value("text"_L1).toString();
            if (!text.isEmpty())
                return { chunk({ { u"content"_s, text } }) };
        } else if (blockType == u"thinking"_s) {
            const QString thinking = block.value("thinking"_L1).toString();
            if (!thinking.isEmpty())
                return { chunk({ { u"reasoning_content"_s, thinking } }) };
        } else if (blockType == u"tool_use"_s) {
            const int toolIndex = int(m_toolIndex.size());
            m_toolIndex.insert(index, toolIndex);
            const QJsonObject input = block.value("input"_L1).toObject();
            // The input arrives as input_json_delta pieces; a non-empty one here is already complete.
            const QString arguments = input.isEmpty()
                ? QString()
                : QString::fromUtf8(QJsonDocument(input).toJson(QJsonDocument::Compact));
            const QJsonObject call {
                { u"index"_s, toolIndex },
                { u"id"_s, block.value("id"_L1) },
                { u"type"_s, u"function"_s },
                { u"function"_s,
                    QJsonObject { { u"name"_s, block.value("name"_L1) }, { u"arguments"_s, arguments } } },
            };
            return { chunk({ { u"tool_calls"_s, QJsonArray { call } } }) };
        }
        return {}; // redacted thinking, server tools: nothing an OpenAI client could use
    }
    if (type == u"content_block_delta"_s) {
        const QJsonObject delta = data.value("delta"_L1).toObject();
        const QString deltaType = delta.value("type"_L1).toString();
        if (deltaType == u"text_delta"_s)
            return { chunk({ { u"content"_s, delta.value("text"_L1) } }) };
        if (deltaType == u"thinking_delta"_s)
            return { chunk({ { u"reasoning_content"_s, delta.value("thinking"_L1) } }) };
        if (deltaType == u"input_json_delta"_s && m_toolIndex.contains(index)) {
            const QString piece = delta.value("partial_json"_L1).toString();
            if (piece.isEmpty())
                return {};
            const QJsonObject call {
                { u"index"_s, m_toolIndex.value(index) },
                { u"function"_s, QJsonObject { { u"arguments"_s, piece } } },
            };
            return { chunk({ { u"tool_calls"_s, QJsonArray { call } } }) };
        }
        return {}; // signature_delta, citations_delta
    }
    if (type == u"message_delta"_s) {
        takeUsage(data.value("usage"_L1).toObject());
        const QJsonValue stopReason = data.value("delta"_L1).toObject().value("stop_reason"_L1);
        if (!stopReason.isString())
            return {};
        m_finishReason = finishReasonFor(stopReason.toString());
        return { chunk({}, m_finishReason) };
    }
    if (type == u"message_stop"_s) {
        if (m_usageSent || !m_usage.known)
            return {};
        return { usageChunk() };
    }
    if (type == u"error"_s) {
        m_failed = true;
        m_error = toOpenAIError(500, event.data); // mid-stream errors happen after a 200
        return {};
    }
    return {}; // ping, and event types added after this was written
}

QList<QJsonObject> StreamToOpenAI::finish()
{
    if (m_usageSent || !m_usage.known)
        return {};
    return { usageChunk() };
}

} // namespace AnthropicAdapter
