// Canonical Chat Completions chunks as a Responses event stream.
#include "responsesinbound.h"

#include <QJsonDocument>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace ResponsesInbound {

StreamFromOpenAI::StreamFromOpenAI(ResponseContext context)
    : m_context(std::move(context))
{ }

QByteArray StreamFromOpenAI::event(const QString &type, QJsonObject fields)
{
    fields.insert(u"type"_s, type);
    fields.insert(u"sequence_number"_s, m_sequence++);
    return sseEvent(fields);
}

QJsonObject StreamFromOpenAI::currentResponse(const QString &status, const QJsonValue &usage) const
{
    QJsonArray output;
    for (const Item &item : m_items)
        output.append(itemObject(item));
    return responseObject(m_context, m_id, m_createdAt, status, output, usage);
}

QByteArray StreamFromOpenAI::start(const QJsonObject &chunk)
{
    m_started = true;
    m_id = responseIdFor(chunk.value("id"_L1).toString());
    m_suffix = m_id.sliced(5);
    m_createdAt = qint64(chunk.value("created"_L1).toDouble());
    const QJsonObject response = currentResponse(u"in_progress"_s, QJsonValue());
    QByteArray out = event(u"response.created"_s, { { u"response"_s, response } });
    return out + event(u"response.in_progress"_s, { { u"response"_s, response } });
}

QJsonObject StreamFromOpenAI::itemObject(const Item &item) const
{
    const QString status = item.open ? u"in_progress"_s : u"completed"_s;
    switch (item.kind) {
    case Kind::Reasoning: {
        QJsonArray summary;
        if (!item.open)
            summary.append(QJsonObject { { u"type"_s, u"summary_text"_s }, { u"text"_s, item.text } });
        return { { u"id"_s, item.id }, { u"type"_s, u"reasoning"_s }, { u"summary"_s, summary } };
    }
    case Kind::Message: {
        QJsonArray content;
        if (!item.open)
            content.append(QJsonObject { { u"type"_s, u"output_text"_s }, { u"annotations"_s, QJsonArray() },
                { u"logprobs"_s, QJsonArray() }, { u"text"_s, item.text } });
        return { { u"id"_s, item.id }, { u"type"_s, u"message"_s }, { u"status"_s, status },
            { u"role"_s, u"assistant"_s }, { u"content"_s, content } };
    }
    case Kind::FunctionCall: {
        QJsonObject call { { u"id"_s, item.id }, { u"type"_s, u"function_call"_s }, { u"status"_s, status },
            { u"arguments"_s, item.open ? QString() : item.text }, { u"call_id"_s, item.callId },
            { u"name"_s, item.name.name } };
        if (!item.name.space.isEmpty())
            call.insert(u"namespace"_s, item.name.space);
        return call;
    }
    }
    return {};
}

QByteArray StreamFromOpenAI::openItem(Kind kind, const QString &callId, const QString &upstreamName)
{
    Item item { kind, int(m_items.size()), {}, {}, callId, {}, true };
    const auto taken = [this](const QString &id) {
        return std::any_of(m_items.cbegin(), m_items.cend(), [&id](const Item &i) { return i.id == id; });
    };
    if (kind == Kind::FunctionCall) {
        item.id = u"fc_"_s + callId;
        item.name = m_context.namespacedTools.value(upstreamName, ToolName { upstreamName, {} });
    } else {
        item.id = (kind == Kind::Reasoning ? u"rs_"_s : u"msg_"_s) + m_suffix;
        if (taken(item.id))
            item.id += u'_' + QString::number(item.outputIndex);
    }
    m_items.append(item);
    QByteArray out = event(u"response.output_item.added"_s,
        { { u"output_index"_s, item.outputIndex }, { u"item"_s, itemObject(item) } });
    if (kind == Kind::Reasoning) {
        out += event(u"response.reasoning_summary_part.added"_s,
            { { u"item_id"_s, item.id }, { u"output_index"_s, item.outputIndex }, { u"summary_index"_s, 0 },
                { u"part"_s, QJsonObject { { u"type"_s, u"summary_text"_s }, { u"text"_s, u""_s } } } });
    } else if (kind == Kind::Message) {
        out += event(u"response.content_part.added"_s,
            { { u"item_id"_s, item.id }, { u"output_index"_s, item.outputIndex }, { u"content_index"_s, 0 },
                { u"part"_s,
                    QJsonObject { { u"type"_s, u"output_text"_s }, { u"annotations"_s, QJsonArray() },
                        { u"logprobs"_s, QJsonArray() }, { u"text"_s, u""_s } } } });
    }
    return out;
}

QByteArray StreamFromOpenAI::closeItem(Item &item)
{
    if (!item.open)
        return {};
    item.open = false;
    const QJsonObject where { { u"item_id"_s, item.id }, { u"output_index"_s, item.outputIndex } };
    const auto with = [&where](std::initializer_list<std::pair<QString, QJsonValue>> fields) {
        QJsonObject object = where;
        for (const auto &[key, value] : fields)
            object.insert(key, value);
        return object;
    };
    QByteArray out;
    switch (item.kind) {
    case Kind::Reasoning:
        out += event(u"response.reasoning_summary_text.done"_s,
            with({ { u"summary_index"_s, 0 }, { u"text"_s, item.text } }));
        out += event(u"response.reasoning_summary_part.done"_s,
            with({ { u"summary_index"_s, 0 },
                { u"part"_s, QJsonObject { { u"type"_s, u"summary_text"_s }, { u"text"_s, item.text } } } }));
        break;
    case Kind::Message:
        out += event(u"response.output_text.done"_s,
            with({ { u"content_index"_s, 0 }, { u"text"_s, item.text }, { u"logprobs"_s, QJsonArray() } }));
        out += event(u"response.content_part.done"_s,
            with({ { u"content_index"_s, 0 },
                { u"part"_s, itemObject(item).value("content"_L1).toArray().first() } }));
        break;
    case Kind::FunctionCall:
        out += event(u"response.function_call_arguments.done"_s,
            with({ { u"arguments"_s, item.text }, { u"name"_s, item.name.name } }));
        break;
    }
    return out
        + event(u"response.output_item.done"_s,
            { { u"output_index"_s, item.outputIndex }, { u"item"_s, itemObject(item) } });
}

QByteArray StreamFromOpenAI::closeAll()
{
    QByteArray out;
    for (Item &item : m_items)
        out += closeItem(item);
    return out;
}

StreamFromOpenAI::Item *StreamFromOpenAI::openTextItem(Kind kind)
{
    for (auto it = m_items.rbegin(); it != m_items.rend(); ++it) {
        if (it->open && it->kind == kind)
            return &*it;
    }
    return nullptr;
}

QByteArray StreamFromOpenAI::end()
{
    QByteArray out = closeAll();
    const QString status = statusFor(m_finishReason);
    QJsonObject response = currentResponse(status, m_usage.isEmpty() ? QJsonValue() : QJsonValue(m_usage));
    response.insert(u"incomplete_details"_s, incompleteDetailsFor(m_finishReason));
    out += event(status == "completed"_L1 ? u"response.completed"_s : u"response.incomplete"_s,
        { { u"response"_s, response } });
    m_done = true;
    return out;
}

QByteArray StreamFromOpenAI::fail(const QString &message, const QString &type, const QString &code)
{
    if (m_done)
        return {};
    QByteArray out;
    if (!m_started)
        out += start({});
    QJsonObject response
        = currentResponse(u"failed"_s, m_usage.isEmpty() ? QJsonValue() : QJsonValue(m_usage));
    response.insert(u"error"_s,
        QJsonObject { { u"code"_s, code.isEmpty() ? u"server_error"_s : code }, { u"message"_s, message } });
    out += event(u"response.failed"_s, { { u"response"_s, response } });
    out += sseEvent(errorEvent(message, type, code, m_sequence++));
    m_done = true;
    return out;
}

QByteArray StreamFromOpenAI::feed(const QJsonObject &openaiChunk)
{
    if (m_done)
        return {};
    if (openaiChunk.value("error"_L1).isObject()) { // a provider's error in the middle of the stream
        const QJsonObject error = openaiChunk.value("error"_L1).toObject();
        return fail(error.value("message"_L1).toString(), error.value("type"_L1).toString(u"server_error"_s),
            error.value("code"_L1).toString());
    }
    QByteArray out;
    if (!m_started)
        out += start(openaiChunk);
    const QJsonArray choices = openaiChunk.value("choices"_L1).toArray();
    if (!choices.isEmpty()) {
        const QJsonObject choice = choices.first().toObject();
        const QJsonObject delta = choice.value("delta"_L1).toObject();
        const auto textDelta = [&](Kind kind, const QString &piece) {
            if (piece.isEmpty())
                return;
            Item *item = openTextItem(kind);
            if (!item) {
                if (Item *other = openTextItem(kind == Kind::Message ? Kind::Reasoning : Kind::Message))
                    out += closeItem(*other);
                out += openItem(kind);
                item = &m_items.last();
            }
            item->text += piece;
            if (kind == Kind::Reasoning)
                out += event(u"response.reasoning_summary_text.delta"_s,
                    { { u"item_id"_s, item->id }, { u"output_index"_s, item->outputIndex },
                        { u"summary_index"_s, 0 }, { u"delta"_s, piece } });
            else
                out += event(u"response.output_text.delta"_s,
                    { { u"item_id"_s, item->id }, { u"output_index"_s, item->outputIndex },
                        { u"content_index"_s, 0 }, { u"delta"_s, piece }, { u"logprobs"_s, QJsonArray() } });
        };
        QString reasoning = delta.value("reasoning_content"_L1).toString();
        if (reasoning.isEmpty())
            reasoning = delta.value("reasoning"_L1).toString(); // OpenRouter, Ollama
        textDelta(Kind::Reasoning, reasoning);
        textDelta(Kind::Message, delta.value("content"_L1).toString());

        const QJsonArray toolCalls = delta.value("tool_calls"_L1).toArray();
        for (qsizetype i = 0; i < toolCalls.size(); ++i) {
            const QJsonObject call = toolCalls.at(i).toObject();
            const QJsonObject function = call.value("function"_L1).toObject();
            const int index = call.value("index"_L1).toInt(int(i));
            if (!m_calls.contains(index)) {
                for (Item &item : m_items) { // a call ends the text before it
                    if (item.kind != Kind::FunctionCall)
                        out += closeItem(item);
                }
                QString callId = call.value("id"_L1).toString();
                if (callId.isEmpty())
                    callId = u"call_"_s % m_suffix % u'_' % QString::number(index);
                out += openItem(Kind::FunctionCall, callId, function.value("name"_L1).toString());
                m_calls.insert(index, m_items.size() - 1);
            }
            Item &item = m_items[m_calls.value(index)];
            const QString arguments = function.value("arguments"_L1).toString();
            if (!arguments.isEmpty() && item.open) {
                item.text += arguments;
                out += event(u"response.function_call_arguments.delta"_s,
                    { { u"item_id"_s, item.id }, { u"output_index"_s, item.outputIndex },
                        { u"delta"_s, arguments } });
            }
        }
        const QJsonValue finishReason = choice.value("finish_reason"_L1);
        if (finishReason.isString()) {
            m_finishReason = finishReason.toString();
            out += closeAll();
        }
    }
    if (openaiChunk.value("usage"_L1).isObject())
        m_usage = usageFromOpenAI(openaiChunk.value("usage"_L1).toObject());
    // response.completed carries the usage, which comes in the chunk right after the finish_reason.
    if (!m_finishReason.isEmpty() && !m_usage.isEmpty())
        out += end();
    return out;
}

QByteArray StreamFromOpenAI::finish()
{
    if (m_done)
        return {};
    QByteArray out;
    if (!m_started)
        out += start({});
    return out + end();
}

} // namespace ResponsesInbound
