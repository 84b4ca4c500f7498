// OpenAI messages as Messages turns: content parts, tool calls and tool results.
#include "anthropicmessages.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace AnthropicAdapter {
namespace {

// Anthropic wants user and assistant turns to alternate, so consecutive messages of one role (a run
// of tool results, or a tool result followed by the user's next words) are merged into one message.
class MessageList
{
public:
    void append(const QString &role, const QJsonArray &blocks)
    {
        if (blocks.isEmpty())
            return;
        if (!m_roles.isEmpty() && m_roles.constLast() == role) {
            for (const QJsonValue &block : blocks)
                m_content.last().append(block);
            return;
        }
        m_roles.append(role);
        m_content.append(blocks);
    }

    // Tool results must open their user message, ahead of any text that goes with them.
    void appendToolResult(const QJsonObject &block)
    {
        if (m_roles.isEmpty() || m_roles.constLast() != u"user"_s) {
            append(u"user"_s, QJsonArray { block });
            return;
        }
        QJsonArray &content = m_content.last();
        qsizetype position = 0;
        for (qsizetype i = 0; i < content.size(); ++i) {
            if (content.at(i).toObject().value("type"_L1).toString() == u"tool_result"_s)
                position = i + 1;
        }
        content.insert(position, block);
    }

    bool isEmpty() const { return m_roles.isEmpty(); }

    // Extended thinking cannot resume a tool loop whose assistant turn has no (signed) thinking block,
    // and the OpenAI side never has one to send back.
    bool lastAssistantUsedTools() const
    {
        for (qsizetype i = m_roles.size() - 1; i >= 0; --i) {
            if (m_roles.at(i) != u"assistant"_s)
                continue;
            for (const QJsonValue &block : m_content.at(i)) {
                if (block.toObject().value("type"_L1).toString() == u"tool_use"_s)
                    return true;
            }
            return false;
        }
        return false;
    }

    QJsonArray toJson() const
    {
        QJsonArray messages;
        for (qsizetype i = 0; i < m_roles.size(); ++i) {
            const QJsonArray &blocks = m_content.at(i);
            // A lone plain text block reads better, and means the same, as a string.
            const QJsonObject first = blocks.first().toObject();
            const bool plainText
                = blocks.size() == 1 && first.size() == 2 && first.value("type"_L1).toString() == u"text"_s;
            messages.append(QJsonObject {
                { u"role"_s, m_roles.at(i) },
                { u"content"_s, plainText ? first.value("text"_L1) : QJsonValue(blocks) },
            });
        }
        return messages;
    }

private:
    QStringList m_roles;
    QList<QJsonArray> m_content;
};

QJsonObject textBlock(const QString &text)
{
    return QJsonObject { { u"type"_s, u"text"_s }, { u"text"_s, text } };
}

// "data:<media type>;base64,<data>" → a base64 source; nullopt when the URL is not of that form.
std::optional<QJsonObject> base64Source(const QString &url)
{
    if (!url.startsWith("data:"_L1))
        return std::nullopt;
    const qsizetype comma = url.indexOf(u',');
    if (comma < 0)
        return std::nullopt;
    const QStringView header = QStringView(url).sliced(5, comma - 5);
    if (!header.endsWith(";base64"_L1) || header.size() == 7)
        return std::nullopt;
    return QJsonObject {
        { u"type"_s, u"base64"_s },
        { u"media_type"_s, header.chopped(7).toString() },
        { u"data"_s, url.sliced(comma + 1) },
    };
}

std::optional<QJsonObject> imageBlock(const QJsonObject &part, const QString &where, QString *error)
{
    const QJsonValue imageUrl = part.value("image_url"_L1);
    const QString url
        = imageUrl.isString() ? imageUrl.toString() : imageUrl.toObject().value("url"_L1).toString();
    if (const auto source = base64Source(url))
        return QJsonObject { { u"type"_s, u"image"_s }, { u"source"_s, *source } };
    if (url.startsWith("https://"_L1) || url.startsWith("http://"_L1)) {
        return QJsonObject { { u"type"_s, u"image"_s },
            { u"source"_s, QJsonObject { { u"type"_s, u"url"_s }, { u"url"_s, url } } } };
    }
    *error = where
        % u".image_url.url must be an http(s) URL or a base64 data URL "
          "(data:image/png;base64,...)"_s;
    return std::nullopt;
}

std::optional<QJsonObject> documentBlock(const QJsonObject &part, const QString &where, QString *error)
{
    const auto source = base64Source(part.value("file"_L1).toObject().value("file_data"_L1).toString());
    if (!source) {
        *error = where
            % u".file needs file_data as a base64 data URL (data:application/pdf;base64,...); "
              "file ids cannot be sent to Anthropic models"_s;
        return std::nullopt;
    }
    return QJsonObject { { u"type"_s, u"document"_s }, { u"source"_s, *source } };
}

// The blocks of an OpenAI message `content` (a string or an array of parts). `allowMedia` is false for
// roles whose content Anthropic only takes as text.
std::optional<QJsonArray> contentBlocks(
    const QJsonValue &content, const QString &where, bool allowMedia, QString *error)
{
    QJsonArray blocks;
    if (content.isString()) {
        if (!content.toString().isEmpty()) // Anthropic rejects empty text blocks
            blocks.append(textBlock(content.toString()));
        return blocks;
    }
    if (content.isNull() || content.isUndefined())
        return blocks;
    if (!content.isArray()) {
        *error = where % u".content must be a string or an array of content parts"_s;
        return std::nullopt;
    }
    const QJsonArray parts = content.toArray();
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QJsonObject part = parts.at(i).toObject();
        const QString type = part.value("type"_L1).toString();
        const QString partWhere = where % u".content["_s % QString::number(i) % u']';
        if (type == u"text"_s || type == u"refusal"_s) {
            const QString text = part.value(type).toString();
            if (!text.isEmpty())
                blocks.append(textBlock(text));
            continue;
        }
        std::optional<QJsonObject> block;
        if (allowMedia && type == u"image_url"_s)
            block = imageBlock(part, partWhere, error);
        else if (allowMedia && type == u"file"_s)
            block = documentBlock(part, partWhere, error);
        else {
            *error = partWhere % u": content part type '"_s % type
                % u"' is not supported here by Anthropic models (supported: "_s
                % (allowMedia ? u"text, image_url, file"_s : u"text"_s) % u')';
        }
        if (!block)
            return std::nullopt;
        blocks.append(*block);
    }
    return blocks;
}

std::optional<QString> systemText(const QJsonValue &content, const QString &where, QString *error)
{
    const auto blocks = contentBlocks(content, where, false, error);
    if (!blocks)
        return std::nullopt;
    QStringList texts;
    for (const QJsonValue &block : *blocks)
        texts.append(block.toObject().value("text"_L1).toString());
    return texts.join(u'\n');
}

std::optional<QJsonArray> toolUseBlocks(const QJsonArray &toolCalls, const QString &where, QString *error)
{
    QJsonArray blocks;
    for (qsizetype i = 0; i < toolCalls.size(); ++i) {
        const QJsonObject call = toolCalls.at(i).toObject();
        const QJsonObject function = call.value("function"_L1).toObject();
        const QString callWhere = where % u".tool_calls["_s % QString::number(i) % u']';
        const QString arguments = function.value("arguments"_L1).toString();
        QJsonObject input;
        if (!arguments.trimmed().isEmpty()) {
            QJsonParseError parseError;
            const QJsonDocument document = QJsonDocument::fromJson(arguments.toUtf8(), &parseError);
            if (!document.isObject()) {
                *error = callWhere % u".function.arguments must be a JSON object encoded as a string"_s
                    % (parseError.error != QJsonParseError::NoError ? u" (" % parseError.errorString()
                                % u" at offset " % QString::number(parseError.offset) % u')'
                                                                    : QString());
                return std::nullopt;
            }
            input = document.object();
        }
        if (call.value("id"_L1).toString().isEmpty() || function.value("name"_L1).toString().isEmpty()) {
            *error = callWhere % u" needs an id and a function name"_s;
            return std::nullopt;
        }
        blocks.append(QJsonObject {
            { u"type"_s, u"tool_use"_s },
            { u"id"_s, call.value("id"_L1) },
            { u"name"_s, function.value("name"_L1) },
            { u"input"_s, input },
        });
    }
    return blocks;
}

std::optional<QJsonObject> toolResultBlock(const QJsonObject &message, const QString &where, QString *error)
{
    const QString id = message.value("tool_call_id"_L1).toString();
    if (id.isEmpty()) {
        *error = where % u".tool_call_id is required on tool messages"_s;
        return std::nullopt;
    }
    QJsonObject block { { u"type"_s, u"tool_result"_s }, { u"tool_use_id"_s, id } };
    const QJsonValue content = message.value("content"_L1);
    if (content.isString()) {
        if (!content.toString().isEmpty())
            block.insert(u"content"_s, content);
        return block;
    }
    const auto blocks = contentBlocks(content, where, true, error);
    if (!blocks)
        return std::nullopt;
    if (!blocks->isEmpty())
        block.insert(u"content"_s, *blocks);
    return block;
}

} // namespace

std::optional<ConvertedMessages> convertMessages(const QJsonArray &input, QString *error)
{
    QStringList system;
    MessageList messages;
    for (qsizetype i = 0; i < input.size(); ++i) {
        const QJsonObject message = input.at(i).toObject();
        const QString role = message.value("role"_L1).toString();
        const QString where = u"messages["_s % QString::number(i) % u']';
        if (role == u"system"_s || role == u"developer"_s) {
            const auto text = systemText(message.value("content"_L1), where, error);
            if (!text)
                return std::nullopt;
            if (!text->isEmpty())
                system.append(*text);
        } else if (role == u"user"_s) {
            const auto blocks = contentBlocks(message.value("content"_L1), where, true, error);
            if (!blocks)
                return std::nullopt;
            messages.append(role, *blocks);
        } else if (role == u"assistant"_s) {
            auto blocks = contentBlocks(message.value("content"_L1), where, false, error);
            if (!blocks)
                return std::nullopt;
            const auto toolUses = toolUseBlocks(message.value("tool_calls"_L1).toArray(), where, error);
            if (!toolUses)
                return std::nullopt;
            for (const QJsonValue &block : *toolUses)
                blocks->append(block);
            messages.append(role, *blocks);
        } else if (role == u"tool"_s) {
            const auto block = toolResultBlock(message, where, error);
            if (!block)
                return std::nullopt;
            messages.appendToolResult(*block);
        } else {
            *error = where % u".role '"_s % role
                % u"' is not supported (use system, developer, user, assistant or tool)"_s;
            return std::nullopt;
        }
    }
    if (messages.isEmpty()) {
        *error = u"messages must contain at least one user or assistant message with content"_s;
        return std::nullopt;
    }

    ConvertedMessages converted;
    converted.system = system.join(u"\n\n"_s);
    converted.messages = messages.toJson();
    converted.lastAssistantUsedTools = messages.lastAssistantUsedTools();
    return converted;
}

} // namespace AnthropicAdapter
