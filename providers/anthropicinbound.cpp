#include "anthropicinbound.h"
#include "reasoningeffort.h"

#include "jsonscan.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace AnthropicInbound {
namespace {

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QString at(const QString &where, qsizetype index)
{
    return where % u'.' % QString::number(index);
}

// An image or document `source` → a data URL or a plain URL; nullopt for sources only Anthropic has
// (file ids).
std::optional<QString> sourceUrl(const QJsonObject &source)
{
    const QString type = source.value("type"_L1).toString();
    if (type == u"base64"_s) {
        return u"data:"_s % source.value("media_type"_L1).toString() % u";base64,"_s
            % source.value("data"_L1).toString();
    }
    if (type == u"url"_s)
        return source.value("url"_L1).toString();
    return std::nullopt;
}

std::optional<QJsonObject> imagePart(const QJsonObject &block, const QString &where, QString *error)
{
    const auto url = sourceUrl(block.value("source"_L1).toObject());
    if (!url) {
        *error = where % u".source: only base64 and url image sources can be sent to this model"_s;
        return std::nullopt;
    }
    return QJsonObject { { u"type"_s, u"image_url"_s },
        { u"image_url"_s, QJsonObject { { u"url"_s, *url } } } };
}

std::optional<QJsonObject> documentPart(const QJsonObject &block, const QString &where, QString *error)
{
    const QJsonObject source = block.value("source"_L1).toObject();
    if (source.value("type"_L1).toString() == u"text"_s)
        return QJsonObject { { u"type"_s, u"text"_s }, { u"text"_s, source.value("data"_L1) } };
    if (source.value("type"_L1).toString() == u"base64"_s) {
        QJsonObject file { { u"file_data"_s, *sourceUrl(source) } };
        if (block.contains("title"_L1))
            file.insert(u"filename"_s, block.value("title"_L1));
        return QJsonObject { { u"type"_s, u"file"_s }, { u"file"_s, file } };
    }
    *error = where % u".source: only base64 and text document sources can be sent to this model"_s;
    return std::nullopt;
}

// tool_result content: a string, or text and image blocks. The text goes into the tool message; images,
// which OpenAI tool messages cannot hold, are handed back for the user message that follows.
std::optional<QString> toolResultText(
    const QJsonValue &content, const QString &where, QJsonArray *images, QString *error)
{
    if (!content.isArray())
        return content.toString();
    QStringList texts;
    const QJsonArray blocks = content.toArray();
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        const QJsonObject block = blocks.at(i).toObject();
        const QString type = block.value("type"_L1).toString();
        if (type == u"text"_s) {
            texts.append(block.value("text"_L1).toString());
        } else if (type == u"image"_s) {
            const auto part = imagePart(block, at(where, i), error);
            if (!part)
                return std::nullopt;
            images->append(*part);
        } else {
            *error = at(where, i) % u".type: '"_s % type % u"' is not supported in tool results"_s;
            return std::nullopt;
        }
    }
    return texts.join(u'\n');
}

// One user message: its tool results become `tool` messages, which OpenAI wants right after the
// assistant's tool calls, and the rest a user message after them.
bool appendUser(const QJsonValue &content, const QString &where, QJsonArray *out, QString *error)
{
    if (!content.isArray()) {
        out->append(QJsonObject { { u"role"_s, u"user"_s }, { u"content"_s, content.toString() } });
        return true;
    }
    QJsonArray parts;
    QJsonArray images;
    const QJsonArray blocks = content.toArray();
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        const QJsonObject block = blocks.at(i).toObject();
        const QString type = block.value("type"_L1).toString();
        const QString blockWhere = at(where % u".content"_s, i);
        std::optional<QJsonObject> part;
        if (type == u"text"_s) {
            part = QJsonObject { { u"type"_s, u"text"_s }, { u"text"_s, block.value("text"_L1) } };
        } else if (type == u"image"_s) {
            part = imagePart(block, blockWhere, error);
        } else if (type == u"document"_s) {
            part = documentPart(block, blockWhere, error);
        } else if (type == u"tool_result"_s) {
            const auto text
                = toolResultText(block.value("content"_L1), blockWhere % u".content"_s, &images, error);
            if (!text)
                return false;
            out->append(QJsonObject { { u"role"_s, u"tool"_s },
                { u"tool_call_id"_s, block.value("tool_use_id"_L1) }, { u"content"_s, *text } });
            continue;
        } else {
            *error = blockWhere % u".type: content block type '"_s % type
                % u"' is not supported in user messages (supported: text, image, document, tool_result)"_s;
            return false;
        }
        if (!part)
            return false;
        parts.append(*part);
    }
    for (const QJsonValue &image : std::as_const(images))
        parts.append(image);
    if (parts.isEmpty())
        return true;
    const bool oneText
        = parts.size() == 1 && parts.first().toObject().value("type"_L1).toString() == u"text"_s;
    out->append(QJsonObject { { u"role"_s, u"user"_s },
        { u"content"_s, oneText ? parts.first().toObject().value("text"_L1) : parts } });
    return true;
}

bool appendAssistant(const QJsonValue &content, const QString &where, QJsonArray *out, QString *error)
{
    if (!content.isArray()) {
        out->append(QJsonObject { { u"role"_s, u"assistant"_s }, { u"content"_s, content.toString() } });
        return true;
    }
    QString text;
    QJsonArray toolCalls;
    const QJsonArray blocks = content.toArray();
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        const QJsonObject block = blocks.at(i).toObject();
        const QString type = block.value("type"_L1).toString();
        if (type == u"text"_s) {
            text += block.value("text"_L1).toString();
        } else if (type == u"tool_use"_s) {
            toolCalls.append(QJsonObject {
                { u"id"_s, block.value("id"_L1) },
                { u"type"_s, u"function"_s },
                { u"function"_s,
                    QJsonObject { { u"name"_s, block.value("name"_L1) },
                        { u"arguments"_s, compact(block.value("input"_L1).toObject()) } } },
            });
        } else if (type != u"thinking"_s && type != u"redacted_thinking"_s) {
            // Thinking is signed for Anthropic's eyes only; other models neither need nor take it.
            *error = at(where % u".content"_s, i) % u".type: content block type '"_s % type
                % u"' is not supported in assistant messages (supported: text, tool_use, thinking)"_s;
            return false;
        }
    }
    QJsonObject message { { u"role"_s, u"assistant"_s },
        { u"content"_s, text.isEmpty() && !toolCalls.isEmpty() ? QJsonValue() : QJsonValue(text) } };
    if (!toolCalls.isEmpty())
        message.insert(u"tool_calls"_s, toolCalls);
    out->append(message);
    return true;
}

// A system message inside `messages` (Anthropic's beta for mid-conversation changes, which Claude Code
// sends): an OpenAI system message in the same place, so the instruction keeps its position in the
// conversation.
bool appendSystem(const QJsonValue &content, const QString &where, QJsonArray *out, QString *error)
{
    QString text = content.toString();
    if (content.isArray()) {
        QStringList texts;
        const QJsonArray blocks = content.toArray();
        for (qsizetype i = 0; i < blocks.size(); ++i) {
            const QJsonObject block = blocks.at(i).toObject();
            if (block.value("type"_L1).toString() != u"text"_s) {
                *error = at(where % u".content"_s, i) % u".type: system messages can only hold text blocks"_s;
                return false;
            }
            texts.append(block.value("text"_L1).toString());
        }
        text = texts.join(u"\n\n"_s);
    }
    out->append(QJsonObject { { u"role"_s, u"system"_s }, { u"content"_s, text } });
    return true;
}

std::optional<QJsonArray> tools(const QJsonArray &anthropicTools, QString *error)
{
    QJsonArray out;
    for (qsizetype i = 0; i < anthropicTools.size(); ++i) {
        const QJsonObject tool = anthropicTools.at(i).toObject();
        const QString type = tool.value("type"_L1).toString();
        if (!type.isEmpty() && type != u"custom"_s) {
            *error = at(u"tools"_s, i) % u".type: '"_s % type
                % u"' is one of Anthropic's server tools, which only Anthropic's own models can run"_s;
            return std::nullopt;
        }
        QJsonObject function { { u"name"_s, tool.value("name"_L1) },
            { u"parameters"_s, tool.value("input_schema"_L1) } };
        if (tool.contains("description"_L1))
            function.insert(u"description"_s, tool.value("description"_L1));
        out.append(QJsonObject { { u"type"_s, u"function"_s }, { u"function"_s, function } });
    }
    return out;
}

} // namespace

std::optional<RequestHead> readHead(const QByteArray &messagesBody, QString *error)
{
    QString invalid;
    const JsonScan::Span root = JsonScan::validate(messagesBody, &invalid);
    if (JsonScan::typeAt(messagesBody, root) != JsonScan::Type::Object) {
        *error = root.isValid() ? u"The request body must be a JSON object"_s
                                : u"The request body is not valid JSON: "_s + invalid;
        return std::nullopt;
    }
    RequestHead head;
    head.model
        = JsonScan::toString(messagesBody, JsonScan::member(messagesBody, root, "model")).value_or(QString());
    if (head.model.isEmpty()) {
        *error = u"model: Field required"_s;
        return std::nullopt;
    }
    const JsonScan::Span stream = JsonScan::member(messagesBody, root, "stream");
    head.stream = JsonScan::typeAt(messagesBody, stream) == JsonScan::Type::True;
    return head;
}

std::optional<QJsonObject> toOpenAIRequest(const QByteArray &messagesBody, QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(messagesBody, &parseError);
    if (!document.isObject()) {
        *error = parseError.error != QJsonParseError::NoError
            ? u"The request body is not valid JSON: "_s + parseError.errorString()
            : u"The request body must be a JSON object"_s;
        return std::nullopt;
    }
    const QJsonObject in = document.object();
    if (in.value("model"_L1).toString().isEmpty()) {
        *error = u"model: Field required"_s;
        return std::nullopt;
    }
    const double maxTokens = in.value("max_tokens"_L1).toDouble(-1);
    if (maxTokens < 1 || maxTokens != qint64(maxTokens)) {
        *error = u"max_tokens: Field required (a positive integer)"_s;
        return std::nullopt;
    }
    if (!in.value("messages"_L1).isArray()) {
        *error = u"messages: Field required (an array)"_s;
        return std::nullopt;
    }

    QJsonArray messages;
    const QJsonValue system = in.value("system"_L1);
    if (system.isArray()) {
        QStringList texts;
        for (const QJsonValue &block : system.toArray())
            texts.append(block.toObject().value("text"_L1).toString());
        messages.append(QJsonObject { { u"role"_s, u"system"_s }, { u"content"_s, texts.join(u"\n\n"_s) } });
    } else if (system.isString() && !system.toString().isEmpty()) {
        messages.append(QJsonObject { { u"role"_s, u"system"_s }, { u"content"_s, system } });
    }
    const QJsonArray input = in.value("messages"_L1).toArray();
    for (qsizetype i = 0; i < input.size(); ++i) {
        const QJsonObject message = input.at(i).toObject();
        const QString role = message.value("role"_L1).toString();
        const QString where = at(u"messages"_s, i);
        bool ok = false;
        if (role == u"user"_s)
            ok = appendUser(message.value("content"_L1), where, &messages, error);
        else if (role == u"assistant"_s)
            ok = appendAssistant(message.value("content"_L1), where, &messages, error);
        else if (role == u"system"_s)
            ok = appendSystem(message.value("content"_L1), where, &messages, error);
        else
            *error = where % u".role: Input should be 'user', 'assistant' or 'system'"_s;
        if (!ok)
            return std::nullopt;
    }

    QJsonObject out {
        { u"model"_s, in.value("model"_L1) },
        { u"messages"_s, messages },
        // max_tokens rather than max_completion_tokens: every OpenAI-compatible server knows it.
        { u"max_tokens"_s, maxTokens },
    };
    if (in.value("tools"_L1).isArray()) {
        const auto converted = tools(in.value("tools"_L1).toArray(), error);
        if (!converted)
            return std::nullopt;
        if (!converted->isEmpty())
            out.insert(u"tools"_s, *converted);
    }
    const QJsonObject choice = in.value("tool_choice"_L1).toObject();
    const QString choiceType = choice.value("type"_L1).toString();
    if (choiceType == u"auto"_s || choiceType == u"none"_s)
        out.insert(u"tool_choice"_s, choiceType);
    else if (choiceType == u"any"_s)
        out.insert(u"tool_choice"_s, u"required"_s);
    else if (choiceType == u"tool"_s)
        out.insert(u"tool_choice"_s,
            QJsonObject { { u"type"_s, u"function"_s },
                { u"function"_s, QJsonObject { { u"name"_s, choice.value("name"_L1) } } } });
    if (choice.value("disable_parallel_tool_use"_L1).toBool())
        out.insert(u"parallel_tool_calls"_s, false);

    if (in.value("stop_sequences"_L1).isArray() && !in.value("stop_sequences"_L1).toArray().isEmpty())
        out.insert(u"stop"_s, in.value("stop_sequences"_L1));
    for (const auto key : { "temperature"_L1, "top_p"_L1, "top_k"_L1 }) {
        if (in.value(key).isDouble())
            out.insert(key, in.value(key));
    }
    if (in.value("stream"_L1).toBool()) {
        out.insert(u"stream"_s, true);
        out.insert(u"stream_options"_s, QJsonObject { { u"include_usage"_s, true } });
    }
    const QJsonObject thinking = in.value("thinking"_L1).toObject();
    if (thinking.value("type"_L1).toString() == u"enabled"_s) {
        const QString effort = ReasoningEffort::effortFor(
            ReasoningEffort::Family::Anthropic, thinking.value("budget_tokens"_L1).toInteger());
        if (!effort.isEmpty())
            out.insert(u"reasoning_effort"_s, effort);
    }
    const QString user = in.value("metadata"_L1).toObject().value("user_id"_L1).toString();
    if (!user.isEmpty())
        out.insert(u"user"_s, user);
    return out;
}

} // namespace AnthropicInbound
