// Gemini generateContent requests → canonical OpenAI Chat Completions requests.
#include "geminiinbound.h"
#include "geminiadapter.h"
#include "geminiconfignames.h"
#include "reasoningeffort.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace GeminiInbound {

namespace {

QString compact(const QJsonValue &value)
{
    const QJsonDocument document
        = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    return QString::fromUtf8(document.toJson(QJsonDocument::Compact));
}

// Gemini's Schema spells types in upper case ("OBJECT"); JSON Schema, which OpenAI takes, in lower case.
QJsonValue lowerCaseTypes(const QJsonValue &value)
{
    if (value.isArray()) {
        QJsonArray out;
        for (const QJsonValue &item : value.toArray())
            out.append(lowerCaseTypes(item));
        return out;
    }
    if (!value.isObject())
        return value;
    QJsonObject out = value.toObject();
    for (auto it = out.begin(); it != out.end(); ++it) {
        if (it.key() == "type"_L1 && it.value().isString())
            it.value() = it.value().toString().toLower();
        else if (it.key() == "properties"_L1 && it.value().isObject()) {
            // Property names are data, not keywords: only their schemas are translated.
            QJsonObject properties = it.value().toObject();
            for (auto p = properties.begin(); p != properties.end(); ++p)
                p.value() = lowerCaseTypes(p.value());
            it.value() = properties;
        } else
            it.value() = lowerCaseTypes(it.value());
    }
    return out;
}

struct Converter
{
    QJsonArray messages;
    QList<QPair<QString, QString>> calls; // (name, id) of every functionCall so far, in order
    QString error;

    bool fail(const QString &message)
    {
        error = message;
        return false;
    }

    bool mediaPart(const QJsonObject &part, const QString &where, QJsonArray *content)
    {
        QString url;
        if (part.contains("inlineData"_L1)) {
            const QJsonObject data = part.value("inlineData"_L1).toObject();
            const QString mimeType = data.value("mimeType"_L1).toString();
            if (mimeType.isEmpty() || !data.value("data"_L1).isString())
                return fail(where % u".inlineData needs mimeType and data (base64)"_s);
            url = u"data:"_s % mimeType % u";base64,"_s % data.value("data"_L1).toString();
        } else {
            url = part.value("fileData"_L1).toObject().value("fileUri"_L1).toString();
            if (url.isEmpty())
                return fail(where % u".fileData needs a fileUri"_s);
        }
        content->append(QJsonObject {
            { "type"_L1, u"image_url"_s }, { "image_url"_L1, QJsonObject { { "url"_L1, url } } } });
        return true;
    }

    bool userTurn(const QJsonArray &parts, const QString &where)
    {
        QJsonArray content;
        for (qsizetype i = 0; i < parts.size(); ++i) {
            const QJsonObject part = parts.at(i).toObject();
            const QString at = where % u".parts["_s % QString::number(i) % u']';
            if (part.contains("text"_L1)) {
                content.append(
                    QJsonObject { { "type"_L1, u"text"_s }, { "text"_L1, part.value("text"_L1) } });
            } else if (part.contains("inlineData"_L1) || part.contains("fileData"_L1)) {
                if (!mediaPart(part, at, &content))
                    return false;
            } else if (part.contains("functionResponse"_L1)) {
                const QJsonObject response = part.value("functionResponse"_L1).toObject();
                const QString name = response.value("name"_L1).toString();
                QString id;
                for (auto it = calls.crbegin(); it != calls.crend() && id.isEmpty(); ++it) {
                    if (it->first == name)
                        id = it->second;
                }
                if (id.isEmpty())
                    return fail(at % u".functionResponse answers \""_s % name
                        % u"\", but no earlier functionCall has that name"_s);
                messages.append(QJsonObject { { "role"_L1, u"tool"_s }, { "tool_call_id"_L1, id },
                    { "content"_L1, compact(response.value("response"_L1)) } });
            } else {
                return fail(at % u" has an unsupported part type ("_s % part.keys().join(u", "_s)
                    % u"); user turns take text, inlineData, fileData and functionResponse"_s);
            }
        }
        if (content.isEmpty())
            return true;
        QJsonValue value = content;
        if (content.size() == 1 && content.first()["type"_L1] == "text"_L1)
            value = content.first()["text"_L1];
        messages.append(QJsonObject { { "role"_L1, u"user"_s }, { "content"_L1, value } });
        return true;
    }

    bool modelTurn(const QJsonArray &parts, const QString &where)
    {
        QString text;
        QJsonArray toolCalls;
        for (qsizetype i = 0; i < parts.size(); ++i) {
            const QJsonObject part = parts.at(i).toObject();
            const QString at = where % u".parts["_s % QString::number(i) % u']';
            if (part.value("thought"_L1).toBool()) {
                continue; // the model's own reasoning summary: not part of what it said
            } else if (part.contains("text"_L1)) {
                text += part.value("text"_L1).toString();
            } else if (part.contains("functionCall"_L1)) {
                const QJsonObject call = part.value("functionCall"_L1).toObject();
                if (call.value("name"_L1).toString().isEmpty())
                    return fail(at % u".functionCall needs a name"_s);
                const QJsonObject toolCall = GeminiAdapter::openAIToolCall(part, int(calls.size()));
                calls.append({ call.value("name"_L1).toString(), toolCall.value("id"_L1).toString() });
                toolCalls.append(toolCall);
            } else {
                return fail(at % u" has an unsupported part type ("_s % part.keys().join(u", "_s)
                    % u"); model turns take text and functionCall"_s);
            }
        }
        QJsonObject message { { "role"_L1, u"assistant"_s },
            { "content"_L1, text.isEmpty() && !toolCalls.isEmpty() ? QJsonValue() : QJsonValue(text) } };
        if (!toolCalls.isEmpty())
            message.insert("tool_calls"_L1, toolCalls);
        messages.append(message);
        return true;
    }
};

bool convertTools(const QJsonObject &body, QJsonObject *out, QString *error)
{
    QJsonArray tools;
    const QJsonArray geminiTools = body.value("tools"_L1).toArray();
    for (qsizetype i = 0; i < geminiTools.size(); ++i) {
        const QJsonObject tool = geminiTools.at(i).toObject();
        if (!tool.contains("functionDeclarations"_L1)) {
            *error = u"tools["_s % QString::number(i) % u"] ("_s % tool.keys().join(u", "_s)
                % u") is not supported through the gateway; only functionDeclarations are"_s;
            return false;
        }
        for (const QJsonValue &value : tool.value("functionDeclarations"_L1).toArray()) {
            const QJsonObject declaration = value.toObject();
            QJsonObject function { { "name"_L1, declaration.value("name"_L1) } };
            if (declaration.contains("description"_L1))
                function.insert("description"_L1, declaration.value("description"_L1));
            if (declaration.contains("parameters"_L1))
                function.insert("parameters"_L1, lowerCaseTypes(declaration.value("parameters"_L1)));
            else if (declaration.contains("parametersJsonSchema"_L1))
                function.insert("parameters"_L1, declaration.value("parametersJsonSchema"_L1));
            tools.append(QJsonObject { { "type"_L1, u"function"_s }, { "function"_L1, function } });
        }
    }
    if (!tools.isEmpty())
        out->insert("tools"_L1, tools);

    const QJsonObject config
        = body.value("toolConfig"_L1).toObject().value("functionCallingConfig"_L1).toObject();
    const QString mode = config.value("mode"_L1).toString();
    const QJsonArray allowed = config.value("allowedFunctionNames"_L1).toArray();
    if (mode == "AUTO"_L1 || mode == "VALIDATED"_L1)
        out->insert("tool_choice"_L1, u"auto"_s);
    else if (mode == "NONE"_L1)
        out->insert("tool_choice"_L1, u"none"_s);
    else if (mode == "ANY"_L1 && allowed.size() == 1)
        out->insert("tool_choice"_L1,
            QJsonObject { { "type"_L1, u"function"_s },
                { "function"_L1, QJsonObject { { "name"_L1, allowed.first() } } } });
    else if (mode == "ANY"_L1)
        out->insert("tool_choice"_L1, u"required"_s);
    else if (!mode.isEmpty() && mode != "MODE_UNSPECIFIED"_L1) {
        *error = u"toolConfig.functionCallingConfig.mode \""_s % mode % u"\" is not one of AUTO, ANY, NONE"_s;
        return false;
    }
    return true;
}

void convertGenerationConfig(const QJsonObject &config, QJsonObject *out)
{
    for (const auto &[openai, gemini] : geminiNumberConfigNames) {
        // OpenAI's API has no top_k, and OpenAI-compatible upstreams refuse what they do not know.
        if (config.contains(gemini) && openai != "top_k"_L1)
            out->insert(openai, config.value(gemini));
    }
    if (config.contains("maxOutputTokens"_L1))
        out->insert("max_tokens"_L1, config.value("maxOutputTokens"_L1));
    if (config.contains("stopSequences"_L1))
        out->insert("stop"_L1, config.value("stopSequences"_L1));
    if (config.value("responseMimeType"_L1) == "application/json"_L1) {
        QJsonValue schema = config.value("responseJsonSchema"_L1);
        if (config.contains("responseSchema"_L1))
            schema = lowerCaseTypes(config.value("responseSchema"_L1));
        if (schema.isObject())
            out->insert("response_format"_L1,
                QJsonObject { { "type"_L1, u"json_schema"_s },
                    { "json_schema"_L1,
                        QJsonObject { { "name"_L1, u"response"_s }, { "schema"_L1, schema } } } });
        else
            out->insert("response_format"_L1, QJsonObject { { "type"_L1, u"json_object"_s } });
    }
    const QJsonObject thinking = config.value("thinkingConfig"_L1).toObject();
    if (thinking.contains("thinkingBudget"_L1)) {
        // 0 turns thinking off and -1 lets the model decide: neither is an effort level.
        const QString effort = ReasoningEffort::effortFor(
            ReasoningEffort::Family::Gemini, thinking.value("thinkingBudget"_L1).toInteger());
        if (!effort.isEmpty())
            out->insert("reasoning_effort"_L1, effort);
    }
}

} // namespace

std::optional<QJsonObject> toOpenAIRequest(
    const QByteArray &body, const QString &model, bool stream, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (!document.isObject()) {
        *error = u"The request body is not a JSON object: "_s % parseError.errorString();
        return std::nullopt;
    }
    const QJsonObject request = document.object();
    Converter converter;

    QStringList system;
    for (const QJsonValue &part :
        request.value("systemInstruction"_L1).toObject().value("parts"_L1).toArray())
        system.append(part["text"_L1].toString());
    if (!system.isEmpty())
        converter.messages.append(
            QJsonObject { { "role"_L1, u"system"_s }, { "content"_L1, system.join(u'\n') } });

    const QJsonArray contents = request.value("contents"_L1).toArray();
    if (contents.isEmpty()) {
        *error = u"contents is required and must hold at least one Content"_s;
        return std::nullopt;
    }
    for (qsizetype i = 0; i < contents.size(); ++i) {
        const QJsonObject content = contents.at(i).toObject();
        const QString where = u"contents["_s % QString::number(i) % u']';
        const QString role = content.value("role"_L1).toString(u"user"_s);
        const QJsonArray parts = content.value("parts"_L1).toArray();
        bool ok = false;
        if (role == "user"_L1)
            ok = converter.userTurn(parts, where);
        else if (role == "model"_L1)
            ok = converter.modelTurn(parts, where);
        else
            converter.error = where % u".role \""_s % role % u"\" is neither \"user\" nor \"model\""_s;
        if (!ok) {
            *error = converter.error;
            return std::nullopt;
        }
    }

    QJsonObject out { { "model"_L1, model }, { "messages"_L1, converter.messages }, { "stream"_L1, stream } };
    if (stream)
        out.insert("stream_options"_L1, QJsonObject { { "include_usage"_L1, true } });
    if (!convertTools(request, &out, error))
        return std::nullopt;
    convertGenerationConfig(request.value("generationConfig"_L1).toObject(), &out);
    return out;
}

} // namespace GeminiInbound
