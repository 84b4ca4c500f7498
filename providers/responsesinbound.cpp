// Responses requests → canonical Chat Completions requests: tools, options and the fields answers repeat.
#include "responsesinboundinput.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace ResponsesInbound {
namespace {

QJsonObject functionTool(const QJsonObject &tool, const QString &name)
{
    QJsonObject function { { u"name"_s, name } };
    for (const auto key : { "description"_L1, "parameters"_L1, "strict"_L1 }) {
        if (tool.contains(key) && !tool.value(key).isNull())
            function.insert(key, tool.value(key));
    }
    if (!function.contains("parameters"_L1))
        function.insert(
            u"parameters"_s, QJsonObject { { u"type"_s, u"object"_s }, { u"properties"_s, QJsonObject() } });
    return QJsonObject { { u"type"_s, u"function"_s }, { u"function"_s, function } };
}

QJsonArray toolsFrom(const QJsonArray &tools, Translation &out)
{
    QJsonArray converted;
    const auto drop = [&out](const QString &type) {
        if (!out.droppedTools.contains(type))
            out.droppedTools.append(type);
    };
    for (const QJsonValue &value : tools) {
        const QJsonObject tool = value.toObject();
        const QString type = tool.value("type"_L1).toString();
        if (type == "function"_L1) {
            converted.append(functionTool(tool, tool.value("name"_L1).toString()));
        } else if (type == "namespace"_L1) {
            const QString space = tool.value("name"_L1).toString();
            for (const QJsonValue &child : tool.value("tools"_L1).toArray()) {
                const QJsonObject function = child.toObject();
                if (function.value("type"_L1).toString(u"function"_s) != "function"_L1) {
                    drop(type % u'/' % function.value("type"_L1).toString());
                    continue;
                }
                const QString name = function.value("name"_L1).toString();
                const QString flat = flattenedName(space, name);
                out.context.namespacedTools.insert(flat, ToolName { name, space });
                converted.append(functionTool(function, flat));
            }
        } else {
            drop(type);
        }
    }
    return converted;
}

// tool_choice: the strings as they are, a function by name, hosted tools and allowed_tools as modes.
QJsonValue toolChoiceFrom(const QJsonValue &choice)
{
    if (choice.isString())
        return choice;
    const QJsonObject object = choice.toObject();
    const QString type = object.value("type"_L1).toString();
    if (type == "function"_L1)
        return QJsonObject { { u"type"_s, u"function"_s },
            { u"function"_s, QJsonObject { { u"name"_s, object.value("name"_L1) } } } };
    if (type == "allowed_tools"_L1)
        return object.value("mode"_L1).toString(u"auto"_s);
    return u"auto"_s; // a hosted tool the upstream does not have
}

// text.format → response_format.
std::optional<QJsonObject> responseFormatFrom(const QJsonObject &format, QString *error)
{
    const QString type = format.value("type"_L1).toString();
    if (type.isEmpty() || type == "text"_L1)
        return QJsonObject();
    if (type == "json_object"_L1)
        return QJsonObject { { u"type"_s, u"json_object"_s } };
    if (type == "json_schema"_L1) {
        QJsonObject schema { { u"name"_s, format.value("name"_L1).toString(u"response"_s) },
            { u"schema"_s, format.value("schema"_L1) } };
        for (const auto key : { "description"_L1, "strict"_L1 }) {
            if (format.contains(key) && !format.value(key).isNull())
                schema.insert(key, format.value(key));
        }
        return QJsonObject { { u"type"_s, u"json_schema"_s }, { u"json_schema"_s, schema } };
    }
    *error = u"text.format.type: '"_s % type % u"' is not one of text, json_object, json_schema"_s;
    return std::nullopt;
}

// The fields a Response repeats from its request, as the request gave them.
QJsonObject echoOf(const QJsonObject &request)
{
    QJsonObject echo;
    for (const auto key :
        { "instructions"_L1, "max_output_tokens"_L1, "metadata"_L1, "parallel_tool_calls"_L1, "reasoning"_L1,
            "temperature"_L1, "text"_L1, "tool_choice"_L1, "tools"_L1, "top_p"_L1, "user"_L1 }) {
        if (request.contains(key))
            echo.insert(key, request.value(key));
    }
    return echo;
}

} // namespace

std::optional<RequestHead> readRequest(const QByteArray &body, QString *error, QByteArray *param)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (!document.isObject()) {
        return refuse(error, param,
            parseError.error != QJsonParseError::NoError
                ? u"We could not parse the JSON body of your request: "_s + parseError.errorString()
                : u"The request body must be a JSON object"_s,
            {});
    }
    RequestHead head;
    head.body = document.object();
    head.model = head.body.value("model"_L1).toString();
    if (head.model.isEmpty())
        return refuse(error, param, u"Missing required parameter: 'model'."_s, "model");
    const QJsonValue stream = head.body.value("stream"_L1);
    if (!stream.isUndefined() && !stream.isNull() && !stream.isBool())
        return refuse(error, param, u"stream: must be a boolean"_s, "stream");
    head.stream = stream.toBool();
    return head;
}

std::optional<Translation> toOpenAIRequest(const QJsonObject &request, QString *error, QByteArray *param)
{
    const auto stored = [&](const char *field) {
        return refuse(error, param,
            QLatin1StringView(field)
                % u": this gateway does not store responses, so it cannot continue or keep one for a model "
                  "without OpenAI's Responses API; send the whole conversation in `input` instead"_s,
            field);
    };
    for (const char *field : { "previous_response_id", "conversation" }) {
        const QJsonValue value = request.value(QLatin1StringView(field));
        if (!value.isUndefined() && !value.isNull())
            return stored(field);
    }
    if (request.value("background"_L1).toBool())
        return stored("background");

    Translation out;
    out.context.model = request.value("model"_L1).toString();
    out.context.echo = echoOf(request);
    const auto messages = messagesFrom(request, error, param);
    if (!messages)
        return std::nullopt;
    QJsonObject &chat = out.canonical;
    chat.insert(u"model"_s, out.context.model);
    chat.insert(u"messages"_s, *messages);

    const QJsonValue maxTokens = request.value("max_output_tokens"_L1);
    if (!maxTokens.isUndefined() && !maxTokens.isNull()) {
        const double value = maxTokens.toDouble(-1);
        if (value < 1 || value != qint64(value))
            return refuse(
                error, param, u"max_output_tokens: must be a positive integer"_s, "max_output_tokens");
        chat.insert(
            u"max_tokens"_s, value); // max_tokens rather than max_completion_tokens: every server knows it
    }
    const QJsonArray tools = toolsFrom(request.value("tools"_L1).toArray(), out);
    if (!tools.isEmpty()) {
        chat.insert(u"tools"_s, tools);
        if (request.contains("tool_choice"_L1) && !request.value("tool_choice"_L1).isNull())
            chat.insert(u"tool_choice"_s, toolChoiceFrom(request.value("tool_choice"_L1)));
        if (request.value("parallel_tool_calls"_L1).isBool())
            chat.insert(u"parallel_tool_calls"_s, request.value("parallel_tool_calls"_L1));
    }
    const auto format
        = responseFormatFrom(request.value("text"_L1).toObject().value("format"_L1).toObject(), error);
    if (!format)
        return refuse(error, param, *error, "text.format");
    if (!format->isEmpty())
        chat.insert(u"response_format"_s, *format);
    const QJsonValue effort = request.value("reasoning"_L1).toObject().value("effort"_L1);
    if (effort.isString()) // Chat Completions' efforts stop at high; the Responses API also has xhigh
        chat.insert(u"reasoning_effort"_s, effort.toString() == "xhigh"_L1 ? u"high"_s : effort.toString());
    for (const auto key : { "temperature"_L1, "top_p"_L1 }) {
        if (request.value(key).isDouble())
            chat.insert(key, request.value(key));
    }
    const QString user = request.value("safety_identifier"_L1).toString(request.value("user"_L1).toString());
    if (!user.isEmpty())
        chat.insert(u"user"_s, user);
    if (request.value("stream"_L1).toBool()) {
        chat.insert(u"stream"_s, true);
        chat.insert(u"stream_options"_s, QJsonObject { { u"include_usage"_s, true } });
    }
    return out;
}

} // namespace ResponsesInbound
