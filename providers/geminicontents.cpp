// OpenAI chat messages → Gemini contents and systemInstruction.
#include "geminicontents.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace {

QString mimeTypeFromExtension(const QString &url)
{
    static const QHash<QString, QString> types {
        { u"png"_s, u"image/png"_s },
        { u"jpg"_s, u"image/jpeg"_s },
        { u"jpeg"_s, u"image/jpeg"_s },
        { u"gif"_s, u"image/gif"_s },
        { u"webp"_s, u"image/webp"_s },
        { u"heic"_s, u"image/heic"_s },
        { u"heif"_s, u"image/heif"_s },
        { u"pdf"_s, u"application/pdf"_s },
        { u"txt"_s, u"text/plain"_s },
        { u"mp3"_s, u"audio/mp3"_s },
        { u"wav"_s, u"audio/wav"_s },
        { u"ogg"_s, u"audio/ogg"_s },
        { u"flac"_s, u"audio/flac"_s },
        { u"aac"_s, u"audio/aac"_s },
        { u"mp4"_s, u"video/mp4"_s },
        { u"mov"_s, u"video/mov"_s },
        { u"webm"_s, u"video/webm"_s },
        { u"mpeg"_s, u"video/mpeg"_s },
    };
    const QString path = QUrl(url).path();
    const qsizetype dot = path.lastIndexOf(u'.');
    if (dot < 0 || path.indexOf(u'/', dot) >= 0)
        return {};
    return types.value(path.mid(dot + 1).toLower());
}

// Collects the request's contents, merging consecutive turns of the same role as Gemini wants them.
class Builder
{
public:
    explicit Builder(QString *error)
        : m_error(error)
    { }

    bool addMessages(const QJsonArray &messages);
    QJsonArray contents() const { return m_contents; }
    QJsonArray systemParts() const { return m_system; }

private:
    bool fail(const QString &message)
    {
        *m_error = message;
        return false;
    }
    void append(const QString &role, const QJsonArray &parts);
    bool textParts(const QJsonValue &content, const QString &where, QJsonArray *parts);
    bool userParts(const QJsonValue &content, const QString &where, QJsonArray *parts);
    bool mediaPart(const QString &url, const QString &where, QJsonObject *part);
    bool functionCall(const QJsonObject &call, const QString &where, QJsonObject *part);

    QString *m_error;
    QJsonArray m_contents;
    QJsonArray m_system;
    QHash<QString, QString> m_toolNames; // tool_call id → function name, the latest call with that id
};

void Builder::append(const QString &role, const QJsonArray &parts)
{
    if (parts.isEmpty())
        return;
    if (!m_contents.isEmpty()) {
        QJsonObject last = m_contents.last().toObject();
        if (last.value("role"_L1).toString() == role) {
            QJsonArray merged = last.value("parts"_L1).toArray();
            for (const auto &part : parts)
                merged.append(part);
            last.insert("parts"_L1, merged);
            m_contents.replace(m_contents.size() - 1, last);
            return;
        }
    }
    m_contents.append(QJsonObject { { "role"_L1, role }, { "parts"_L1, parts } });
}

bool Builder::textParts(const QJsonValue &content, const QString &where, QJsonArray *parts)
{
    if (content.isString()) {
        if (!content.toString().isEmpty())
            parts->append(QJsonObject { { "text"_L1, content.toString() } });
        return true;
    }
    if (content.isNull() || content.isUndefined())
        return true;
    if (!content.isArray())
        return fail(where + u" must be a string or an array of text parts"_s);
    const QJsonArray items = content.toArray();
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QJsonObject item = items.at(i).toObject();
        const QString type = item.value("type"_L1).toString();
        if (type == "refusal"_L1)
            continue;
        if (type != "text"_L1 || !item.value("text"_L1).isString())
            return fail(u"%1[%2] must be a text part ({\"type\":\"text\",\"text\":…})"_s.arg(where).arg(i));
        if (!item.value("text"_L1).toString().isEmpty())
            parts->append(QJsonObject { { "text"_L1, item.value("text"_L1) } });
    }
    return true;
}

bool Builder::mediaPart(const QString &url, const QString &where, QJsonObject *part)
{
    if (url.startsWith("data:"_L1)) {
        const qsizetype comma = url.indexOf(u',');
        if (comma < 0)
            return fail(where + u" is a data: URL without a comma before its data"_s);
        const QStringList header = url.mid(5, comma - 5).split(u';');
        const QString mimeType = header.first().isEmpty() ? u"text/plain"_s : header.first();
        const QStringView data = QStringView(url).mid(comma + 1);
        // Gemini takes base64 only; percent-encoded data URLs are re-encoded.
        const QString base64 = header.contains("base64"_L1)
            ? data.toString()
            : QString::fromLatin1(QByteArray::fromPercentEncoding(data.toUtf8()).toBase64());
        *part = QJsonObject { { "inlineData"_L1,
            QJsonObject { { "mimeType"_L1, mimeType }, { "data"_L1, base64 } } } };
        return true;
    }
    if (url.startsWith("http://"_L1) || url.startsWith("https://"_L1) || url.startsWith("gs://"_L1)) {
        QString mimeType = mimeTypeFromExtension(url);
        // Image URLs often have no extension (CDNs); Gemini needs some type and sniffs the actual format.
        if (mimeType.isEmpty())
            mimeType = u"image/jpeg"_s;
        *part = QJsonObject { { "fileData"_L1,
            QJsonObject { { "mimeType"_L1, mimeType }, { "fileUri"_L1, url } } } };
        return true;
    }
    return fail(where + u" must be a data: URL or an http(s) URL"_s);
}

bool Builder::userParts(const QJsonValue &content, const QString &where, QJsonArray *parts)
{
    if (!content.isArray())
        return textParts(content, where, parts);
    const QJsonArray items = content.toArray();
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString at = u"%1[%2]"_s.arg(where).arg(i);
        const QJsonObject item = items.at(i).toObject();
        const QString type = item.value("type"_L1).toString();
        QJsonObject part;
        if (type == "text"_L1) {
            if (!item.value("text"_L1).isString())
                return fail(at + u".text must be a string"_s);
            if (item.value("text"_L1).toString().isEmpty())
                continue;
            part.insert("text"_L1, item.value("text"_L1));
        } else if (type == "image_url"_L1) {
            const QJsonValue image = item.value("image_url"_L1);
            const QString url
                = image.isString() ? image.toString() : image.toObject().value("url"_L1).toString();
            if (!mediaPart(url, at + u".image_url.url"_s, &part))
                return false;
        } else if (type == "input_audio"_L1) {
            const QJsonObject audio = item.value("input_audio"_L1).toObject();
            const QString format = audio.value("format"_L1).toString();
            if (format.isEmpty() || !audio.value("data"_L1).isString())
                return fail(at + u".input_audio needs data (base64) and format"_s);
            part.insert("inlineData"_L1,
                QJsonObject { { "mimeType"_L1, QString(u"audio/"_s + format) },
                    { "data"_L1, audio.value("data"_L1) } });
        } else if (type == "file"_L1) {
            const QString data = item.value("file"_L1).toObject().value("file_data"_L1).toString();
            if (data.isEmpty())
                return fail(at
                    + u".file: Gemini needs the file inline as file_data (a data: URL); "
                      "uploaded file ids are OpenAI's own"_s);
            if (!mediaPart(data.startsWith("data:"_L1) ? data : u"data:application/pdf;base64,"_s + data,
                    at + u".file.file_data"_s, &part))
                return false;
        } else {
            return fail(u"%1 has type '%2', which Gemini cannot take"_s.arg(at, type));
        }
        parts->append(part);
    }
    return true;
}

bool Builder::functionCall(const QJsonObject &call, const QString &where, QJsonObject *part)
{
    const QString name = call.value("name"_L1).toString();
    if (name.isEmpty())
        return fail(where + u".name must be a non-empty string"_s);
    QJsonObject args;
    const QJsonValue arguments = call.value("arguments"_L1);
    if (arguments.isObject()) {
        args = arguments.toObject();
    } else if (!arguments.toString().trimmed().isEmpty()) {
        QJsonParseError parseError;
        const auto document = QJsonDocument::fromJson(arguments.toString().toUtf8(), &parseError);
        if (parseError.error != QJsonParseError::NoError)
            return fail(u"%1.arguments is not valid JSON (%2 at offset %3); Gemini needs the arguments "
                        "as a JSON object"_s.arg(where, parseError.errorString())
                            .arg(parseError.offset));
        if (!document.isObject())
            return fail(where + u".arguments must be a JSON object"_s);
        args = document.object();
    }
    *part = QJsonObject { { "functionCall"_L1, QJsonObject { { "name"_L1, name }, { "args"_L1, args } } } };
    return true;
}

bool Builder::addMessages(const QJsonArray &messages)
{
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const QString where = u"messages[%1]"_s.arg(i);
        const QJsonObject message = messages.at(i).toObject();
        const QString role = message.value("role"_L1).toString();
        const QJsonValue content = message.value("content"_L1);
        QJsonArray parts;
        if (role == "system"_L1 || role == "developer"_L1) {
            if (!textParts(content, where + u".content"_s, &parts))
                return false;
            for (const auto &part : parts)
                m_system.append(part);
        } else if (role == "user"_L1) {
            if (!userParts(content, where + u".content"_s, &parts))
                return false;
            append(u"user"_s, parts);
        } else if (role == "assistant"_L1) {
            if (!textParts(content, where + u".content"_s, &parts))
                return false;
            const QJsonArray calls = message.value("tool_calls"_L1).toArray();
            for (qsizetype j = 0; j < calls.size(); ++j) {
                const QJsonObject call = calls.at(j).toObject();
                const QString at = u"%1.tool_calls[%2]"_s.arg(where).arg(j);
                QJsonObject part;
                if (!functionCall(call.value("function"_L1).toObject(), at + u".function"_s, &part))
                    return false;
                const QJsonValue signature = call.value("extra_content"_L1)
                                                 .toObject()
                                                 .value("google"_L1)
                                                 .toObject()
                                                 .value("thought_signature"_L1);
                if (signature.isString())
                    part.insert("thoughtSignature"_L1, signature);
                m_toolNames.insert(call.value("id"_L1).toString(),
                    part.value("functionCall"_L1).toObject().value("name"_L1).toString());
                parts.append(part);
            }
            if (message.value("function_call"_L1).isObject()) { // the deprecated single-function form
                QJsonObject part;
                if (!functionCall(
                        message.value("function_call"_L1).toObject(), where + u".function_call"_s, &part))
                    return false;
                parts.append(part);
            }
            append(u"model"_s, parts);
        } else if (role == "tool"_L1 || role == "function"_L1) {
            QString name;
            if (role == "tool"_L1) {
                const QString id = message.value("tool_call_id"_L1).toString();
                const auto found = m_toolNames.constFind(id);
                if (found == m_toolNames.constEnd())
                    return fail(u"%1.tool_call_id '%2' does not match the id of any tool call in an earlier "
                                "assistant message"_s.arg(where, id));
                name = *found;
            } else {
                name = message.value("name"_L1).toString();
            }
            QJsonArray textItems;
            if (!textParts(content, where + u".content"_s, &textItems))
                return false;
            QString text;
            for (const auto &item : std::as_const(textItems))
                text += item.toObject().value("text"_L1).toString();
            const auto document = QJsonDocument::fromJson(text.toUtf8());
            const QJsonObject response
                = document.isObject() ? document.object() : QJsonObject { { "content"_L1, text } };
            parts.append(QJsonObject { { "functionResponse"_L1,
                QJsonObject { { "name"_L1, name }, { "response"_L1, response } } } });
            append(u"user"_s, parts);
        } else {
            return fail(
                u"%1.role '%2' is not one of system, developer, user, assistant, tool"_s.arg(where, role));
        }
    }
    return true;
}

} // namespace

std::optional<GeminiContents> GeminiContents::fromMessages(const QJsonArray &messages, QString *error)
{
    Builder builder(error);
    if (!builder.addMessages(messages))
        return std::nullopt;
    return GeminiContents { builder.contents(), builder.systemParts() };
}
