#include "fakeanthropicapi.h"

#include "fakeagentscript.h"
#include "fakestructuredanswer.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace {
// Anthropic's ids are base62; a hash in base64url without its two extra signs looks the part.
QByteArray idPart(const QByteArray &seed, int length)
{
    QByteArray text = QCryptographicHash::hash(seed, QCryptographicHash::Sha256)
                          .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    text.replace('-', "").replace('_', "");
    return text.left(length);
}

QByteArray event(const QByteArray &type, const QByteArray &json)
{
    return "event: " + type + "\ndata: " + json + "\n\n";
}

QString blocksText(const QJsonValue &content)
{
    if (content.isString())
        return content.toString();
    QStringList texts;
    const QJsonArray blocks = content.toArray();
    for (const QJsonValue &block : blocks) {
        if (block.toObject().value(u"type").toString() == u"text")
            texts.append(block.toObject().value(u"text").toString());
    }
    return texts.join(u' ');
}

// FakeAgentScript on a Messages request: the tool_result of the last message, else a call on the user's path.
void playAgentTurn(const QJsonObject &body, FakeAnswer *answer)
{
    const QJsonArray messages = body.value(u"messages").toArray();
    if (messages.isEmpty())
        return;
    for (const QJsonValue &block : messages.last().toObject().value(u"content").toArray()) {
        if (block[u"type"].toString() == u"tool_result") {
            answer->replaceWithEcho(FakeAgentScript::resultText(block[u"content"]));
            return;
        }
    }
    QStringList tools;
    for (const QJsonValue &tool : body.value(u"tools").toArray())
        tools.append(tool[u"name"].toString());
    QString userText;
    for (const QJsonValue &message : messages) {
        if (message[u"role"].toString() == u"user")
            userText = blocksText(message[u"content"]);
    }
    if (const auto call = FakeAgentScript::call(tools, userText))
        answer->replaceWithToolCall(call->name, call->arguments);
}

QByteArray toolUseId(const QByteArray &messageId, int index)
{
    return "toolu_01" + idPart(messageId + "tool" + QByteArray::number(index), 22);
}
} // namespace

QByteArray FakeAnthropicApi::errorTypeFor(int status)
{
    switch (status) {
    case 400:
        return "invalid_request_error";
    case 401:
        return "authentication_error";
    case 402:
        return "billing_error";
    case 403:
        return "permission_error";
    case 404:
        return "not_found_error";
    case 413:
        return "request_too_large";
    case 429:
        return "rate_limit_error";
    case 504:
        return "timeout_error";
    case 529:
        return "overloaded_error";
    default:
        return status >= 500 ? "api_error" : "invalid_request_error";
    }
}

QByteArray FakeAnthropicApi::errorBody(
    const QByteArray &type, const QString &message, const QByteArray &requestId)
{
    return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":"
        + FakeChatCompletion::jsonString(message) + "},\"request_id\":\"" + requestId + "\"}";
}

QList<FakeTurn> FakeAnthropicApi::turns(const QJsonObject &request)
{
    QList<FakeTurn> out;
    if (request.contains(u"system"))
        out.append({ QStringLiteral("system"), blocksText(request.value(u"system")) });
    const QJsonArray messages = request.value(u"messages").toArray();
    for (const QJsonValue &message : messages) {
        const QJsonObject object = message.toObject();
        out.append({ object.value(u"role").toString(), blocksText(object.value(u"content")) });
    }
    return out;
}

FakeReply FakeAnthropicApi::error(int status, const QString &message, const FakeReply::Headers &headers) const
{
    return FakeReply::json(status, errorBody(errorTypeFor(status), message, m_requestId), headers);
}

FakeReply FakeAnthropicApi::reply(const FakeHttpRequest &request)
{
    m_requestId = "req_011C" + idPart("request" + QByteArray::number(++m_sequence), 20);
    FakeReply::Headers headers { { "request-id", m_requestId },
        { "anthropic-organization-id", "a1b2c3d4-fake-4e5f-8a9b-0c1d2e3f4a5b" } };
    if (!request.keepAlive())
        headers.emplaceBack("Connection", "close");

    if (!m_expectedKey.isEmpty()) {
        // Anthropic's SDKs since 1.x send the API key as a bearer token; older ones and curl use x-api-key.
        QByteArray key = request.header("x-api-key");
        if (key.isEmpty() && request.header("authorization").startsWith("Bearer "))
            key = request.header("authorization").mid(7);
        if (key.isEmpty())
            return error(401, QStringLiteral("x-api-key header is required"), headers);
        if (key != m_expectedKey)
            return error(401, QStringLiteral("invalid x-api-key"), headers);
    }
    const bool count = request.path == "/v1/messages/count_tokens";
    if (request.method != "POST" || (request.path != "/v1/messages" && !count))
        return error(404, QStringLiteral("Not Found"), headers);
    if (request.header("anthropic-version").isEmpty())
        return error(400, QStringLiteral("anthropic-version: header is required"), headers);
    return count ? countTokens(request, headers) : messages(request, headers);
}

FakeReply FakeAnthropicApi::countTokens(
    const FakeHttpRequest &request, const FakeReply::Headers &headers) const
{
    const QJsonObject body = request.json().toObject();
    if (body.value(u"model").toString().isEmpty())
        return error(400, QStringLiteral("model: Field required"), headers);
    if (!body.value(u"messages").isArray())
        return error(400, QStringLiteral("messages: Field required"), headers);
    if (body.contains(u"max_tokens"))
        return error(400, QStringLiteral("max_tokens: Extra inputs are not permitted"), headers);
    const FakeAnswer answer(turns(body), FakeAnswer::Kind::Echo, 1, m_tokens);
    return FakeReply::json(
        200, "{\"input_tokens\":" + QByteArray::number(answer.promptTokens()) + '}', headers);
}

FakeAnthropicApi::Usage FakeAnthropicApi::usageOf(const FakeAnswer &answer) const
{
    Usage usage;
    const int prompt = answer.promptTokens();
    usage.cacheRead = qBound(0, m_tokens.cachedTokens, prompt);
    usage.cacheWrite = qBound(0, m_cacheWriteTokens, prompt - usage.cacheRead);
    usage.input = prompt - usage.cacheRead - usage.cacheWrite;
    usage.output = answer.completionTokens();
    return usage;
}

QByteArray FakeAnthropicApi::usageJson(const Usage &usage, int outputTokens)
{
    return "{\"input_tokens\":" + QByteArray::number(usage.input)
        + ",\"cache_creation_input_tokens\":" + QByteArray::number(usage.cacheWrite)
        + ",\"cache_read_input_tokens\":" + QByteArray::number(usage.cacheRead)
        + ",\"cache_creation\":{\"ephemeral_5m_input_tokens\":" + QByteArray::number(usage.cacheWrite)
        + ",\"ephemeral_1h_input_tokens\":0},\"output_tokens\":" + QByteArray::number(outputTokens)
        + ",\"service_tier\":\"standard\"}";
}

QByteArray FakeAnthropicApi::contentJson(const FakeAnswer &answer, const QByteArray &messageId)
{
    if (answer.kind() != FakeAnswer::Kind::Tools)
        return "[{\"type\":\"text\",\"text\":" + FakeChatCompletion::jsonString(answer.content()) + "}]";
    QByteArrayList blocks;
    const QList<FakeAnswer::ToolCall> calls = answer.toolCalls();
    for (qsizetype i = 0; i < calls.size(); ++i) {
        blocks.append("{\"type\":\"tool_use\",\"id\":\"" + toolUseId(messageId, int(i))
            + "\",\"name\":" + FakeChatCompletion::jsonString(calls[i].name)
            + ",\"input\":" + calls[i].arguments.toUtf8() + '}');
    }
    return '[' + blocks.join(',') + ']';
}

namespace {
QByteArray stopReasonOf(const FakeAnswer &answer)
{
    switch (answer.kind()) {
    case FakeAnswer::Kind::Tools:
        return "tool_use";
    case FakeAnswer::Kind::Length:
        return "max_tokens";
    case FakeAnswer::Kind::Echo:
        break;
    }
    return "end_turn";
}
} // namespace

FakeReply FakeAnthropicApi::messages(const FakeHttpRequest &request, const FakeReply::Headers &headers)
{
    const QJsonValue json = request.json();
    if (!json.isObject())
        return error(400, QStringLiteral("There was an error parsing the body of your request"), headers);
    const QJsonObject body = json.toObject();
    const QString model = body.value(u"model").toString();
    if (model.isEmpty())
        return error(400, QStringLiteral("model: Field required"), headers);
    if (!body.value(u"max_tokens").isDouble())
        return error(400, QStringLiteral("max_tokens: Field required"), headers);
    if (!body.value(u"messages").isArray())
        return error(400, QStringLiteral("messages: Field required"), headers);
    if (const QJsonValue format = body.value(u"output_config")[u"format"];
        !format.isUndefined() && !format.isNull()) { // structured output's one documented type
        if (format[u"type"].toString() != u"json_schema")
            return error(
                400, QStringLiteral("output_config.format.type: Input should be 'json_schema'"), headers);
        if (!format[u"schema"].isObject())
            return error(400, QStringLiteral("output_config.format.schema: Field required"), headers);
    }
    if (const int status = FakeAnswer::errorStatusFor(model); status > 0) {
        const QString message = status == 404
            ? QStringLiteral("model: %1").arg(model)
            : QStringLiteral("Fake error %1 asked for by the model name %2").arg(status).arg(model);
        return error(status, message, headers);
    }

    const bool toolsGiven = !body.value(u"tools").toArray().isEmpty();
    FakeAnswer answer(
        turns(body), FakeAnswer::kindFor(model, toolsGiven), body.value(u"max_tokens").toInt(), m_tokens);
    if (FakeAgentScript::applies(model))
        playAgentTurn(body, &answer);
    answer.replaceWithJson(FakeStructuredAnswer::anthropicSchema(body));
    const Usage usage = usageOf(answer);
    const QByteArray id = "msg_01" + idPart("message" + QByteArray::number(m_sequence), 22);
    if (body.value(u"stream").toBool())
        return fakeEventStreamReply(
            headers, streamEvents(answer, usage, id, model), FakeStreamPacing::forModel(model));
    return FakeReply::json(200,
        "{\"id\":\"" + id + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
            + FakeChatCompletion::jsonString(model) + ",\"content\":" + contentJson(answer, id)
            + ",\"stop_reason\":\"" + stopReasonOf(answer)
            + "\",\"stop_sequence\":null,\"usage\":" + usageJson(usage, usage.output) + '}',
        headers);
}

QByteArrayList FakeAnthropicApi::streamEvents(
    const FakeAnswer &answer, const Usage &usage, const QByteArray &id, const QString &model)
{
    QByteArrayList events;
    // message_start carries the input side and a first output token count, as the real API does; the
    // final count comes in message_delta.
    events.append(event("message_start",
        "{\"type\":\"message_start\",\"message\":{\"id\":\"" + id
            + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
            + FakeChatCompletion::jsonString(model)
            + ",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":" + usageJson(usage, 1)
            + "}}"));
    const auto blockStart = [&events](int index, const QByteArray &block) {
        events.append(event("content_block_start",
            "{\"type\":\"content_block_start\",\"index\":" + QByteArray::number(index)
                + ",\"content_block\":" + block + '}'));
        if (index == 0)
            events.append(event("ping", "{\"type\": \"ping\"}"));
    };
    const auto delta = [&events](int index, const QByteArray &delta) {
        events.append(event("content_block_delta",
            "{\"type\":\"content_block_delta\",\"index\":" + QByteArray::number(index) + ",\"delta\":" + delta
                + '}'));
    };
    const auto blockStop = [&events](int index) {
        events.append(event("content_block_stop",
            "{\"type\":\"content_block_stop\",\"index\":" + QByteArray::number(index) + '}'));
    };

    if (answer.kind() == FakeAnswer::Kind::Tools) {
        const QList<FakeAnswer::ToolCall> calls = answer.toolCalls();
        for (int i = 0; i < int(calls.size()); ++i) {
            blockStart(i,
                "{\"type\":\"tool_use\",\"id\":\"" + toolUseId(id, i)
                    + "\",\"name\":" + FakeChatCompletion::jsonString(calls[i].name) + ",\"input\":{}}");
            delta(i, "{\"type\":\"input_json_delta\",\"partial_json\":\"\"}");
            for (const QString &piece : calls[i].argumentPieces)
                delta(i,
                    "{\"type\":\"input_json_delta\",\"partial_json\":" + FakeChatCompletion::jsonString(piece)
                        + '}');
            blockStop(i);
        }
    } else {
        blockStart(0, "{\"type\":\"text\",\"text\":\"\"}");
        const bool errorMidStream = FakeAnswer::errorsMidStream(model);
        for (const QString &piece : errorMidStream ? answer.pieces().mid(0, 2) : answer.pieces())
            delta(0, "{\"type\":\"text_delta\",\"text\":" + FakeChatCompletion::jsonString(piece) + '}');
        if (errorMidStream) { // as Anthropic's streaming docs show it; the stream ends there
            events.append(event("error",
                "{\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": "
                "\"Overloaded\"}}"));
            return events;
        }
        blockStop(0);
    }
    events.append(event("message_delta",
        "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReasonOf(answer)
            + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + QByteArray::number(usage.output)
            + "}}"));
    events.append(event("message_stop", "{\"type\":\"message_stop\"}"));
    return events;
}
