// Canonical OpenAI chunks as a Messages stream.
#include "anthropicinbound.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace AnthropicInbound {
namespace {

QByteArray event(QByteArrayView type, const QJsonObject &data)
{
    return "event: " + type.toByteArray() + "\ndata: " + QJsonDocument(data).toJson(QJsonDocument::Compact)
        + "\n\n";
}

QByteArray errorTypeOf(const QJsonObject &error)
{
    const QString type = error.value("type"_L1).toString() + u' ' + error.value("code"_L1).toString();
    if (type.contains("rate_limit"_L1))
        return "rate_limit_error";
    if (type.contains("overloaded"_L1))
        return "overloaded_error";
    if (type.contains("invalid_request"_L1))
        return "invalid_request_error";
    return "api_error";
}

} // namespace

StreamFromOpenAI::StreamFromOpenAI(QString requestedModel)
    : m_model(std::move(requestedModel))
{ }

QByteArray StreamFromOpenAI::start(const QJsonObject &chunk)
{
    m_started = true;
    m_id = messageIdFor(chunk.value("id"_L1).toString());
    // Input tokens are known only from the usage chunk at the end; message_delta reports them then.
    const QJsonObject message {
        { u"id"_s, m_id },
        { u"type"_s, u"message"_s },
        { u"role"_s, u"assistant"_s },
        { u"model"_s, m_model },
        { u"content"_s, QJsonArray() },
        { u"stop_reason"_s, QJsonValue() },
        { u"stop_sequence"_s, QJsonValue() },
        { u"usage"_s, QJsonObject { { u"input_tokens"_s, 0 }, { u"output_tokens"_s, 0 } } },
    };
    return event("message_start", { { u"type"_s, u"message_start"_s }, { u"message"_s, message } });
}

QByteArray StreamFromOpenAI::openBlock(Block kind, const QJsonObject &contentBlock)
{
    QByteArray out = closeBlock();
    m_open = kind;
    m_openIndex = m_nextIndex++;
    out += event("content_block_start",
        { { u"type"_s, u"content_block_start"_s }, { u"index"_s, m_openIndex },
            { u"content_block"_s, contentBlock } });
    return out;
}

QByteArray StreamFromOpenAI::closeBlock()
{
    if (m_open == Block::None)
        return {};
    m_open = Block::None;
    return event(
        "content_block_stop", { { u"type"_s, u"content_block_stop"_s }, { u"index"_s, m_openIndex } });
}

QByteArray StreamFromOpenAI::end()
{
    QByteArray out = closeBlock();
    QJsonObject usage = m_usage.isEmpty() ? QJsonObject { { u"output_tokens"_s, 0 } } : m_usage;
    out += event("message_delta",
        { { u"type"_s, u"message_delta"_s },
            { u"delta"_s,
                QJsonObject { { u"stop_reason"_s, m_stopReason.isEmpty() ? u"end_turn"_s : m_stopReason },
                    { u"stop_sequence"_s, QJsonValue() } } },
            { u"usage"_s, usage } });
    out += event("message_stop", { { u"type"_s, u"message_stop"_s } });
    m_stopped = true;
    return out;
}

QByteArray StreamFromOpenAI::feed(const QJsonObject &openaiChunk)
{
    if (m_stopped)
        return {};
    if (openaiChunk.value("error"_L1).isObject()) { // a provider's error in the middle of a stream
        const QJsonObject error = openaiChunk.value("error"_L1).toObject();
        m_stopped = true;
        const QJsonObject inner { { u"type"_s, QString::fromLatin1(errorTypeOf(error)) },
            { u"message"_s, error.value("message"_L1).toString() } };
        return event("error", { { u"type"_s, u"error"_s }, { u"error"_s, inner } });
    }

    QByteArray out;
    if (!m_started)
        out += start(openaiChunk);
    const QJsonArray choices = openaiChunk.value("choices"_L1).toArray();
    if (!choices.isEmpty()) {
        const QJsonObject choice = choices.first().toObject();
        const QJsonObject delta = choice.value("delta"_L1).toObject();
        auto blockDelta = [&](int index, const QJsonObject &payload) {
            out += event("content_block_delta",
                { { u"type"_s, u"content_block_delta"_s }, { u"index"_s, index }, { u"delta"_s, payload } });
        };

        QString reasoning = delta.value("reasoning_content"_L1).toString();
        if (reasoning.isEmpty())
            reasoning = delta.value("reasoning"_L1).toString(); // OpenRouter, Ollama
        if (!reasoning.isEmpty()) {
            if (m_open != Block::Thinking)
                out += openBlock(Block::Thinking, { { u"type"_s, u"thinking"_s }, { u"thinking"_s, u""_s } });
            blockDelta(m_openIndex, { { u"type"_s, u"thinking_delta"_s }, { u"thinking"_s, reasoning } });
        }

        const QString text = delta.value("content"_L1).toString();
        if (!text.isEmpty()) {
            if (m_open != Block::Text)
                out += openBlock(Block::Text, { { u"type"_s, u"text"_s }, { u"text"_s, u""_s } });
            blockDelta(m_openIndex, { { u"type"_s, u"text_delta"_s }, { u"text"_s, text } });
        }

        const QJsonArray toolCalls = delta.value("tool_calls"_L1).toArray();
        for (qsizetype i = 0; i < toolCalls.size(); ++i) {
            const QJsonObject call = toolCalls.at(i).toObject();
            const QJsonObject function = call.value("function"_L1).toObject();
            const int toolIndex = call.value("index"_L1).toInt(int(i));
            if (!m_toolBlocks.contains(toolIndex)) {
                QString id = call.value("id"_L1).toString();
                if (id.isEmpty())
                    id = u"toolu_"_s % m_id.sliced(4) % u'_' % QString::number(toolIndex);
                out += openBlock(Block::ToolUse,
                    { { u"type"_s, u"tool_use"_s }, { u"id"_s, id }, { u"name"_s, function.value("name"_L1) },
                        { u"input"_s, QJsonObject() } });
                m_toolBlocks.insert(toolIndex, m_openIndex);
            }
            // Providers send one call after the other; a late piece of an earlier call still goes to
            // that call's block, which Anthropic's SDKs accumulate by index.
            const QString arguments = function.value("arguments"_L1).toString();
            if (!arguments.isEmpty())
                blockDelta(m_toolBlocks.value(toolIndex),
                    { { u"type"_s, u"input_json_delta"_s }, { u"partial_json"_s, arguments } });
        }

        const QJsonValue finishReason = choice.value("finish_reason"_L1);
        if (finishReason.isString()) {
            m_stopReason = stopReasonFor(finishReason.toString());
            out += closeBlock();
        }
    }
    if (openaiChunk.value("usage"_L1).isObject())
        m_usage = usageFromOpenAI(openaiChunk.value("usage"_L1).toObject());
    // message_delta carries the usage, which the gateway always asks for and which comes right after
    // the finish_reason: it waits for that one chunk (or for finish()).
    if (!m_stopReason.isEmpty() && !m_usage.isEmpty())
        out += end();
    return out;
}

QByteArray StreamFromOpenAI::finish()
{
    if (m_stopped)
        return {};
    QByteArray out;
    if (!m_started)
        out += start({});
    return out + end();
}

} // namespace AnthropicInbound
