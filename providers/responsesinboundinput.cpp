// Responses input items → canonical Chat Completions messages.
#include "responsesinboundinput.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace ResponsesInbound {

QString at(const QString &where, qsizetype index)
{
    return where % u'[' % QString::number(index) % u']';
}

std::nullopt_t refuse(QString *error, QByteArray *param, const QString &message, const QByteArray &about)
{
    *error = message;
    *param = about;
    return std::nullopt;
}

QString flattenedName(const QString &space, const QString &name)
{
    return space % u"__"_s % name; // upstream function names allow letters, digits, '_' and '-'
}

namespace {

// One content part of an input message → a Chat Completions content part.
std::optional<QJsonObject> contentPart(const QJsonObject &part, const QString &where, QString *error)
{
    const QString type = part.value("type"_L1).toString();
    if (type == "input_text"_L1 || type == "output_text"_L1 || type == "text"_L1)
        return QJsonObject { { u"type"_s, u"text"_s }, { u"text"_s, part.value("text"_L1) } };
    if (type == "refusal"_L1)
        return QJsonObject { { u"type"_s, u"text"_s }, { u"text"_s, part.value("refusal"_L1) } };
    if (type == "input_image"_L1) {
        const QString url = part.value("image_url"_L1).toString();
        if (url.isEmpty()) {
            *error = where
                % u".image_url: only images given by URL or data URL can be sent to this model "
                  "(file_id needs OpenAI's file store)"_s;
            return std::nullopt;
        }
        QJsonObject image { { u"url"_s, url } };
        if (part.value("detail"_L1).isString())
            image.insert(u"detail"_s, part.value("detail"_L1));
        return QJsonObject { { u"type"_s, u"image_url"_s }, { u"image_url"_s, image } };
    }
    if (type == "input_file"_L1 && part.value("file_data"_L1).isString()) {
        QJsonObject file { { u"file_data"_s, part.value("file_data"_L1) } };
        if (part.value("filename"_L1).isString())
            file.insert(u"filename"_s, part.value("filename"_L1));
        return QJsonObject { { u"type"_s, u"file"_s }, { u"file"_s, file } };
    }
    *error = where % u".type: content type '"_s % type
        % u"' cannot be sent to this model (supported: input_text, output_text, refusal, input_image by "
          "URL, input_file with file_data)"_s;
    return std::nullopt;
}

// A message's content: a string stays one; parts become Chat Completions parts, one text part a string.
std::optional<QJsonValue> messageContent(const QJsonValue &content, const QString &where, QString *error)
{
    if (!content.isArray())
        return QJsonValue(content.toString());
    QJsonArray parts;
    const QJsonArray input = content.toArray();
    for (qsizetype i = 0; i < input.size(); ++i) {
        const auto part = contentPart(input.at(i).toObject(), at(where, i), error);
        if (!part)
            return std::nullopt;
        parts.append(*part);
    }
    if (parts.size() == 1 && parts.first().toObject().value("type"_L1).toString() == "text"_L1)
        return parts.first().toObject().value("text"_L1);
    return QJsonValue(parts);
}

// The text of an assistant message's parts (Chat Completions assistant messages hold text only).
QString assistantText(const QJsonValue &content)
{
    if (!content.isArray())
        return content.toString();
    QString text;
    for (const QJsonValue &part : content.toArray()) {
        const QJsonObject object = part.toObject();
        text += object.value(object.contains("refusal"_L1) ? "refusal"_L1 : "text"_L1).toString();
    }
    return text;
}

// function_call_output.output: a string, or parts. The text goes into the tool message; images and files,
// which Chat Completions tool messages cannot hold, are handed back for a user message after the tool
// messages.
std::optional<QString> toolOutput(
    const QJsonValue &output, const QString &where, QJsonArray *media, QString *error)
{
    if (!output.isArray())
        return output.isString()
            ? output.toString()
            : QString::fromUtf8(QJsonDocument(output.toObject()).toJson(QJsonDocument::Compact));
    QStringList texts;
    const QJsonArray parts = output.toArray();
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const auto part = contentPart(parts.at(i).toObject(), at(where, i), error);
        if (!part)
            return std::nullopt;
        if (part->value("type"_L1).toString() == "text"_L1)
            texts.append(part->value("text"_L1).toString());
        else
            media->append(*part);
    }
    return texts.join(u'\n');
}

// Builds the Chat Completions messages from the input items, folding consecutive function calls (and the
// assistant text before them) into one assistant message.
class MessageBuilder
{
public:
    QJsonArray messages;

    void system(const QJsonValue &content) { append(u"system"_s, content); }
    void user(const QJsonValue &content) { append(u"user"_s, content); }
    void assistantText(const QString &text)
    {
        flushAssistant();
        flushMedia();
        m_text = text;
        m_assistantOpen = true;
    }
    void functionCall(const QString &callId, const QString &name, const QString &arguments)
    {
        flushMedia();
        m_assistantOpen = true;
        m_calls.append(QJsonObject { { u"id"_s, callId }, { u"type"_s, u"function"_s },
            { u"function"_s, QJsonObject { { u"name"_s, name }, { u"arguments"_s, arguments } } } });
    }
    void toolOutput(const QString &callId, const QString &output, const QJsonArray &media)
    {
        flushAssistant();
        messages.append(QJsonObject {
            { u"role"_s, u"tool"_s }, { u"tool_call_id"_s, callId }, { u"content"_s, output } });
        for (const QJsonValue &part : media)
            m_media.append(part);
    }
    // The tools' images and files, in a user message once their tool messages are all out.
    void flushMedia()
    {
        if (m_media.isEmpty())
            return;
        messages.append(QJsonObject { { u"role"_s, u"user"_s }, { u"content"_s, m_media } });
        m_media = {};
    }
    void flushAssistant()
    {
        if (!m_assistantOpen)
            return;
        QJsonObject message { { u"role"_s, u"assistant"_s },
            { u"content"_s, m_text.isEmpty() && !m_calls.isEmpty() ? QJsonValue() : QJsonValue(m_text) } };
        if (!m_calls.isEmpty())
            message.insert(u"tool_calls"_s, m_calls);
        messages.append(message);
        m_assistantOpen = false;
        m_text.clear();
        m_calls = {};
    }

private:
    void append(const QString &role, const QJsonValue &content)
    {
        flushAssistant();
        flushMedia();
        messages.append(QJsonObject { { u"role"_s, role }, { u"content"_s, content } });
    }

    bool m_assistantOpen = false;
    QString m_text;
    QJsonArray m_calls;
    QJsonArray m_media;
};

// A function call's name upstream: namespaced ones flattened.
QString upstreamName(const QJsonObject &item)
{
    const QString space = item.value("namespace"_L1).toString();
    const QString name = item.value("name"_L1).toString();
    return space.isEmpty() ? name : flattenedName(space, name);
}

} // namespace

std::optional<QJsonArray> messagesFrom(const QJsonObject &request, QString *error, QByteArray *param)
{
    MessageBuilder builder;
    const QJsonValue instructions = request.value("instructions"_L1);
    if (instructions.isString() && !instructions.toString().isEmpty())
        builder.system(instructions);
    const QJsonValue input = request.value("input"_L1);
    if (input.isString()) {
        builder.user(input);
        return builder.messages;
    }
    if (!input.isArray())
        return refuse(
            error, param, u"input: Field required (a string or an array of input items)"_s, "input");
    const QJsonArray items = input.toArray();
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QJsonObject item = items.at(i).toObject();
        const QString where = at(u"input"_s, i);
        const QString type
            = item.value("type"_L1).toString(item.contains("role"_L1) ? u"message"_s : QString());
        if (type == "message"_L1) {
            const QString role = item.value("role"_L1).toString();
            if (role == "assistant"_L1) {
                builder.assistantText(assistantText(item.value("content"_L1)));
                continue;
            }
            const auto content = messageContent(item.value("content"_L1), where % u".content"_s, error);
            if (!content)
                return refuse(error, param, *error, "input");
            if (role == "user"_L1)
                builder.user(*content);
            else if (role == "system"_L1 || role == "developer"_L1)
                builder.system(*content); // every Chat Completions server knows "system"; not all "developer"
            else
                return refuse(error, param,
                    where % u".role: '"_s % role % u"' is not one of user, assistant, system, developer"_s,
                    "input");
        } else if (type == "function_call"_L1) {
            builder.functionCall(item.value("call_id"_L1).toString(), upstreamName(item),
                item.value("arguments"_L1).toString());
        } else if (type == "function_call_output"_L1) {
            QJsonArray media;
            const auto output = toolOutput(item.value("output"_L1), where % u".output"_s, &media, error);
            if (!output)
                return refuse(error, param, *error, "input");
            builder.toolOutput(item.value("call_id"_L1).toString(), *output, media);
        } else if (type == "reasoning"_L1) {
            continue; // encrypted for OpenAI alone; the upstream reasons afresh
        } else if (type == "item_reference"_L1) {
            return refuse(error, param,
                where
                    % u": item_reference needs stored responses; this gateway stores none, so send the "
                      "items themselves"_s,
                "input");
        } else {
            return refuse(error, param,
                where % u".type: input item type '"_s % type
                    % u"' cannot be sent to this model (supported: message, function_call, "
                      "function_call_output, reasoning)"_s,
                "input");
        }
    }
    builder.flushAssistant();
    builder.flushMedia();
    return builder.messages;
}

} // namespace ResponsesInbound
