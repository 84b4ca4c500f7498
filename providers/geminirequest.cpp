// Canonical OpenAI Chat Completions request → Gemini generateContent request.
#include "geminiadapter.h"
#include "geminiconfignames.h"
#include "geminicontents.h"
#include "reasoningeffort.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace GeminiAdapter {
namespace {

// Gemini 3 rejects a model turn whose first functionCall has no thought signature. Calls that Gemini did not
// produce (another provider's turn, a client that dropped extra_content) get the placeholder Google
// documents for such history.
constexpr auto placeholderThoughtSignature = "skip_thought_signature_validator";

bool needsThoughtSignatures(const QString &upstreamModel)
{
    static const QRegularExpression version(u"^(?:models/)?gemini-(\\d+)"_s);
    const auto match = version.match(upstreamModel);
    return match.hasMatch() && match.captured(1).toInt() >= 3;
}

bool setNumber(const QJsonObject &openai, QLatin1StringView key, QJsonObject *config,
    QLatin1StringView target, QString *error)
{
    const QJsonValue value = openai.value(key);
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isDouble()) {
        *error = u"'%1' must be a number"_s.arg(key);
        return false;
    }
    config->insert(target, value);
    return true;
}

bool generationConfig(const QJsonObject &openai, const ModelInfo *model, QJsonObject *config, QString *error)
{
    for (const auto &[key, target] : geminiNumberConfigNames) {
        if (!setNumber(openai, key, config, target, error))
            return false;
    }
    for (const auto key : { "max_tokens"_L1, "max_completion_tokens"_L1 }) { // the newer name wins
        if (!setNumber(openai, key, config, "maxOutputTokens"_L1, error))
            return false;
    }
    if (model && model->maxOutputTokens > 0 && config->contains("maxOutputTokens"_L1)
        && config->value("maxOutputTokens"_L1).toInteger() > model->maxOutputTokens)
        config->insert("maxOutputTokens"_L1, model->maxOutputTokens);

    const QJsonValue stop = openai.value("stop"_L1);
    if (stop.isString()) {
        config->insert("stopSequences"_L1, QJsonArray { stop });
    } else if (stop.isArray()) {
        config->insert("stopSequences"_L1, stop);
    } else if (!stop.isUndefined() && !stop.isNull()) {
        *error = u"'stop' must be a string or an array of strings"_s;
        return false;
    }

    const QJsonObject format = openai.value("response_format"_L1).toObject();
    const QString formatType = format.value("type"_L1).toString();
    if (formatType == "json_object"_L1) {
        config->insert("responseMimeType"_L1, u"application/json"_s);
    } else if (formatType == "json_schema"_L1) {
        config->insert("responseMimeType"_L1, u"application/json"_s);
        const QJsonObject schema = format.value("json_schema"_L1).toObject().value("schema"_L1).toObject();
        QString schemaError;
        const auto reduced = toGeminiSchema(schema, &schemaError);
        if (!reduced) {
            *error = u"response_format.json_schema.schema: "_s + schemaError;
            return false;
        }
        if (!reduced->isEmpty())
            config->insert("responseSchema"_L1, *reduced);
    } else if (!formatType.isEmpty() && formatType != "text"_L1) {
        *error = u"response_format.type '%1' is not one of text, json_object, json_schema"_s.arg(formatType);
        return false;
    }

    const QJsonValue effort = openai.value("reasoning_effort"_L1);
    if (effort.isString() && (!model || model->reasoning)) { // models that do not think reject thinkingConfig
        const auto budget
            = ReasoningEffort::thinkingBudget(ReasoningEffort::Family::Gemini, effort.toString());
        if (!budget) {
            *error = u"reasoning_effort '%1' is not one of %2"_s.arg(
                effort.toString(), ReasoningEffort::levelNames());
            return false;
        }
        QJsonObject thinking { { "thinkingBudget"_L1, double(*budget) } };
        if (*budget > 0)
            thinking.insert("includeThoughts"_L1, true);
        config->insert("thinkingConfig"_L1, thinking);
    }
    return true;
}

bool tools(const QJsonObject &openai, QJsonObject *request, QString *error)
{
    const QJsonArray list = openai.value("tools"_L1).toArray();
    QJsonArray declarations;
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QJsonObject tool = list.at(i).toObject();
        const QJsonObject function = tool.value("function"_L1).toObject();
        if (tool.value("type"_L1).toString() != "function"_L1
            || function.value("name"_L1).toString().isEmpty()) {
            *error = u"tools[%1] must be a function tool with a name; Gemini takes no other kind"_s.arg(i);
            return false;
        }
        QJsonObject declaration { { "name"_L1, function.value("name"_L1) } };
        if (function.contains("description"_L1))
            declaration.insert("description"_L1, function.value("description"_L1));
        QString schemaError;
        const auto reduced = toGeminiSchema(function.value("parameters"_L1).toObject(), &schemaError);
        if (!reduced) {
            *error = u"tools[%1].function.parameters: %2"_s.arg(i).arg(schemaError);
            return false;
        }
        const QJsonObject &parameters = *reduced;
        // Gemini rejects an OBJECT without properties: a function without parameters declares none.
        if (!parameters.isEmpty()
            && !(parameters.value("type"_L1).toString() == "OBJECT"_L1
                && parameters.value("properties"_L1).toObject().isEmpty()))
            declaration.insert("parameters"_L1, parameters);
        declarations.append(declaration);
    }
    if (!declarations.isEmpty())
        request->insert(
            "tools"_L1, QJsonArray { QJsonObject { { "functionDeclarations"_L1, declarations } } });

    const QJsonValue choice = openai.value("tool_choice"_L1);
    QJsonObject config;
    if (choice.isString()) {
        static const QHash<QString, QString> modes { { u"auto"_s, u"AUTO"_s }, { u"required"_s, u"ANY"_s },
            { u"none"_s, u"NONE"_s } };
        const auto mode = modes.constFind(choice.toString());
        if (mode == modes.constEnd()) {
            *error = u"tool_choice '%1' is not one of auto, required, none"_s.arg(choice.toString());
            return false;
        }
        config.insert("mode"_L1, *mode);
    } else if (choice.isObject()) {
        const QString name = choice.toObject().value("function"_L1).toObject().value("name"_L1).toString();
        if (name.isEmpty()) {
            *error = u"tool_choice must name a function: {\"type\":\"function\",\"function\":{\"name\":…}}"_s;
            return false;
        }
        config.insert("mode"_L1, u"ANY"_s);
        config.insert("allowedFunctionNames"_L1, QJsonArray { name });
    }
    if (!config.isEmpty())
        request->insert("toolConfig"_L1, QJsonObject { { "functionCallingConfig"_L1, config } });
    return true;
}

} // namespace

std::optional<UpstreamCall> fromOpenAIRequest(
    const QJsonObject &openai, const QString &upstreamModel, const ModelInfo *model, QString *error)
{
    if (upstreamModel.isEmpty()) {
        *error = u"No Gemini model name to send the request to"_s;
        return std::nullopt;
    }
    if (!openai.value("messages"_L1).isArray()) {
        *error = u"'messages' is a required property and must be an array"_s;
        return std::nullopt;
    }
    const auto messages = GeminiContents::fromMessages(openai.value("messages"_L1).toArray(), error);
    if (!messages)
        return std::nullopt;

    QJsonArray contents = messages->contents;
    if (needsThoughtSignatures(upstreamModel)) {
        for (qsizetype i = 0; i < contents.size(); ++i) {
            QJsonObject content = contents.at(i).toObject();
            QJsonArray parts = content.value("parts"_L1).toArray();
            for (qsizetype j = 0; j < parts.size(); ++j) {
                QJsonObject part = parts.at(j).toObject();
                if (!part.contains("functionCall"_L1))
                    continue;
                if (!part.contains("thoughtSignature"_L1)) {
                    part.insert("thoughtSignature"_L1, QLatin1StringView(placeholderThoughtSignature));
                    parts.replace(j, part);
                    content.insert("parts"_L1, parts);
                    contents.replace(i, content);
                }
                break; // only a turn's first call carries the signature
            }
        }
    }

    QJsonObject request { { "contents"_L1, contents } };
    if (!messages->systemParts.isEmpty())
        request.insert("systemInstruction"_L1, QJsonObject { { "parts"_L1, messages->systemParts } });
    QJsonObject config;
    if (!generationConfig(openai, model, &config, error) || !tools(openai, &request, error))
        return std::nullopt;
    if (!config.isEmpty())
        request.insert("generationConfig"_L1, config);

    UpstreamCall call;
    call.stream = openai.value("stream"_L1).toBool();
    // A bare model name is a resource under models/; tunedModels/… and models/… are taken as given.
    const QString resource = upstreamModel.contains(u'/') ? upstreamModel : u"models/"_s + upstreamModel;
    call.path = "/v1beta/" + QUrl::toPercentEncoding(resource, "/")
        + (call.stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
    call.body = QJsonDocument(request).toJson(QJsonDocument::Compact);
    return call;
}

} // namespace GeminiAdapter
