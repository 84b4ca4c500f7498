#include "anthropicadapter.h"

#include "anthropicmessages.h"
#include "reasoningeffort.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace AnthropicAdapter {
namespace {

constexpr qint64 FallbackMaxTokens = 4096;

std::optional<QJsonArray> toolDefinitions(const QJsonArray &tools, QString *error)
{
    QJsonArray out;
    for (qsizetype i = 0; i < tools.size(); ++i) {
        const QJsonObject tool = tools.at(i).toObject();
        const QJsonObject function = tool.value("function"_L1).toObject();
        if (tool.value("type"_L1).toString() != u"function"_s
            || function.value("name"_L1).toString().isEmpty()) {
            *error = u"tools["_s % QString::number(i)
                % u"]: only tools of type 'function' with a name can be sent to Anthropic models"_s;
            return std::nullopt;
        }
        QJsonObject definition { { u"name"_s, function.value("name"_L1) } };
        if (function.contains("description"_L1))
            definition.insert(u"description"_s, function.value("description"_L1));
        const QJsonObject parameters = function.value("parameters"_L1).toObject();
        definition.insert(u"input_schema"_s,
            parameters.isEmpty()
                ? QJsonObject { { u"type"_s, u"object"_s }, { u"properties"_s, QJsonObject() } }
                : parameters);
        out.append(definition);
    }
    return out;
}

std::optional<QJsonObject> toolChoice(const QJsonValue &choice, QString *error)
{
    if (choice.isString()) {
        const QString value = choice.toString();
        if (value == u"auto"_s)
            return QJsonObject { { u"type"_s, u"auto"_s } };
        if (value == u"required"_s)
            return QJsonObject { { u"type"_s, u"any"_s } };
        if (value == u"none"_s)
            return QJsonObject { { u"type"_s, u"none"_s } };
    } else if (choice.isObject()) {
        const QString name = choice.toObject().value("function"_L1).toObject().value("name"_L1).toString();
        if (!name.isEmpty())
            return QJsonObject { { u"type"_s, u"tool"_s }, { u"name"_s, name } };
    }
    *error = u"tool_choice must be \"auto\", \"required\", \"none\" or "
             "{\"type\":\"function\",\"function\":{\"name\":...}}"_s;
    return std::nullopt;
}

// OpenAI's response_format as Anthropic's structured output (output_config.format, generally available
// without a beta header): json_schema keeps its schema; the name and strict flag have no counterpart
// (Anthropic always holds the answer to the schema). An empty object: plain text. Anthropic has no JSON mode
// without a schema, so json_object is refused rather than answered with prose.
std::optional<QJsonObject> outputFormat(const QJsonObject &responseFormat, QString *error)
{
    const QString type = responseFormat.value("type"_L1).toString();
    if (type.isEmpty() || type == u"text"_s)
        return QJsonObject();
    if (type == u"json_schema"_s) {
        const QJsonValue schema = responseFormat.value("json_schema"_L1).toObject().value("schema"_L1);
        if (!schema.isObject()) {
            *error = u"response_format.json_schema.schema must be a JSON Schema object"_s;
            return std::nullopt;
        }
        return QJsonObject { { u"type"_s, u"json_schema"_s }, { u"schema"_s, schema } };
    }
    *error = u"response_format '"_s % type
        % u"' is not supported for Anthropic models; give the JSON's schema with 'json_schema', "
          "or describe the JSON you want in the prompt"_s;
    return std::nullopt;
}

std::optional<qint64> positiveInteger(const QJsonObject &object, QLatin1StringView key, QString *error)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return 0;
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < 1 || number != qint64(number)) {
        *error = key % u" must be a positive integer"_s;
        return std::nullopt;
    }
    return qint64(number);
}

} // namespace

std::optional<UpstreamCall> fromOpenAIRequest(
    const QJsonObject &openai, const QString &upstreamModel, const ModelInfo *model, QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    const QJsonValue messagesValue = openai.value("messages"_L1);
    if (!messagesValue.isArray()) {
        *error = u"'messages' is a required property and must be an array"_s;
        return std::nullopt;
    }
    if (openai.value("n"_L1).toInt(1) != 1) {
        *error = u"Anthropic models return one choice per request; n must be 1"_s;
        return std::nullopt;
    }
    const auto format = outputFormat(openai.value("response_format"_L1).toObject(), error);
    if (!format)
        return std::nullopt;

    const auto converted = convertMessages(messagesValue.toArray(), error);
    if (!converted)
        return std::nullopt;

    QJsonObject body { { u"model"_s, upstreamModel }, { u"messages"_s, converted->messages } };
    if (!converted->system.isEmpty())
        body.insert(u"system"_s, converted->system);

    auto maxTokens = positiveInteger(openai, "max_completion_tokens"_L1, error);
    if (maxTokens && *maxTokens == 0)
        maxTokens = positiveInteger(openai, "max_tokens"_L1, error);
    if (!maxTokens)
        return std::nullopt;
    if (*maxTokens == 0) // Anthropic requires max_tokens; OpenAI means "as much as the model allows"
        *maxTokens = model && model->maxOutputTokens > 0 ? model->maxOutputTokens : FallbackMaxTokens;

    const QJsonValue stop = openai.value("stop"_L1);
    if (stop.isString() && !stop.toString().isEmpty())
        body.insert(u"stop_sequences"_s, QJsonArray { stop });
    else if (stop.isArray() && !stop.toArray().isEmpty())
        body.insert(u"stop_sequences"_s, stop);

    for (const auto key : { "temperature"_L1, "top_p"_L1, "top_k"_L1 }) {
        if (openai.value(key).isDouble())
            body.insert(key, openai.value(key));
    }
    const bool stream = openai.value("stream"_L1).toBool();
    if (stream)
        body.insert(u"stream"_s, true);
    if (const QString user = openai.value("user"_L1).toString(); !user.isEmpty())
        body.insert(u"metadata"_s, QJsonObject { { u"user_id"_s, user } });
    if (!format->isEmpty())
        body.insert(u"output_config"_s, QJsonObject { { u"format"_s, *format } });

    const QJsonArray tools = openai.value("tools"_L1).toArray();
    bool forcedTool = false;
    if (!tools.isEmpty()) {
        const auto definitions = toolDefinitions(tools, error);
        if (!definitions)
            return std::nullopt;
        body.insert(u"tools"_s, *definitions);
        std::optional<QJsonObject> choice;
        if (openai.contains("tool_choice"_L1) && !openai.value("tool_choice"_L1).isNull()) {
            choice = toolChoice(openai.value("tool_choice"_L1), error);
            if (!choice)
                return std::nullopt;
        }
        if (openai.value("parallel_tool_calls"_L1) == QJsonValue(false)) {
            if (!choice)
                choice = QJsonObject { { u"type"_s, u"auto"_s } };
            if (choice->value("type"_L1).toString() != u"none"_s)
                choice->insert(u"disable_parallel_tool_use"_s, true);
        }
        if (choice) {
            const QString type = choice->value("type"_L1).toString();
            forcedTool = type == u"any"_s || type == u"tool"_s;
            body.insert(u"tool_choice"_s, *choice);
        }
    }

    const QJsonValue effortValue = openai.value("reasoning_effort"_L1);
    if (effortValue.isString()) {
        const auto budget
            = ReasoningEffort::thinkingBudget(ReasoningEffort::Family::Anthropic, effortValue.toString());
        if (!budget) {
            *error = u"reasoning_effort must be one of "_s + ReasoningEffort::levelNames();
            return std::nullopt;
        }
        // Anthropic refuses thinking together with a forced tool, and a resumed tool loop would need
        // the signed thinking block the OpenAI side never keeps: there the request goes without thinking.
        const bool canThink
            = (!model || model->reasoning) && !forcedTool && !converted->lastAssistantUsedTools;
        if (*budget > 0 && canThink) {
            body.insert(u"thinking"_s,
                QJsonObject { { u"type"_s, u"enabled"_s }, { u"budget_tokens"_s, double(*budget) } });
            // The budget is part of max_tokens; keep the room the client asked for the answer itself.
            if (*maxTokens <= *budget)
                *maxTokens += *budget;
        }
    }
    body.insert(u"max_tokens"_s, double(*maxTokens));

    return UpstreamCall { "/v1/messages", QJsonDocument(body).toJson(QJsonDocument::Compact), stream };
}

} // namespace AnthropicAdapter
