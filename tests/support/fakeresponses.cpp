#include "fakeresponses.h"

#include "fakeagentscript.h"
#include "fakeanswer.h"
#include "fakeopenaiapi.h"
#include "fakestructuredanswer.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace {

QByteArray hex(const QByteArray &seed, int length)
{
    return QCryptographicHash::hash(seed, QCryptographicHash::Sha1).toHex().left(length);
}

QByteArray str(const QString &text)
{
    return FakeChatCompletion::jsonString(text);
}

// A request field as JSON text, or `fallback` when absent.
QByteArray field(const QJsonObject &request, const char *key, const QByteArray &fallback)
{
    const QJsonValue value = request.value(QLatin1StringView(key));
    if (value.isUndefined())
        return fallback;
    const QByteArray array = QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

QString partsText(const QJsonValue &content)
{
    if (content.isString())
        return content.toString();
    QStringList texts;
    for (const QJsonValue &part : content.toArray()) {
        const QJsonObject object = part.toObject();
        const QString type = object.value(u"type").toString();
        if (type == u"input_text" || type == u"output_text")
            texts.append(object.value(u"text").toString());
    }
    return texts.join(u' ');
}

QList<FakeTurn> turnsOf(const QJsonObject &request)
{
    QList<FakeTurn> turns;
    if (request.value(u"instructions").isString())
        turns.append({ QStringLiteral("system"), request.value(u"instructions").toString() });
    const QJsonValue input = request.value(u"input");
    if (input.isString()) {
        turns.append({ QStringLiteral("user"), input.toString() });
        return turns;
    }
    for (const QJsonValue &value : input.toArray()) {
        const QJsonObject item = value.toObject();
        const QString type = item.value(u"type").toString(QStringLiteral("message"));
        if (type == u"message")
            turns.append({ item.value(u"role").toString(), partsText(item.value(u"content")) });
        else if (type == u"function_call" || type == u"function_call_output")
            turns.append({ type, QString() });
    }
    return turns;
}

// FakeAgentScript on a Responses request: the output of the last input item when it is a
// function_call_output, else a call of the agent's tool on the path the user's last message names.
void playAgentTurn(const QJsonObject &request, FakeAnswer *answer)
{
    const QJsonArray input = request.value(u"input").toArray();
    const QJsonObject last = input.isEmpty() ? QJsonObject() : input.last().toObject();
    if (last.value(u"type").toString() == u"function_call_output") {
        answer->replaceWithEcho(FakeAgentScript::resultText(last.value(u"output")));
        return;
    }
    QStringList tools;
    for (const QJsonValue &tool : request.value(u"tools").toArray())
        tools.append(tool[u"name"].toString());
    QString userText = request.value(u"input").isString() ? request.value(u"input").toString() : QString();
    for (const QJsonValue &value : input) {
        if (value[u"role"].toString() == u"user")
            userText = partsText(value[u"content"]);
    }
    if (const auto call = FakeAgentScript::call(tools, userText))
        answer->replaceWithToolCall(call->name, call->arguments);
}

QByteArray event(const QByteArray &type, int sequence, const QByteArray &rest)
{
    return "event: " + type + "\ndata: {\"type\":\"" + type + "\",\"sequence_number\":"
        + QByteArray::number(sequence) + (rest.isEmpty() ? QByteArray() : "," + rest) + "}\n\n";
}

} // namespace

FakeResponses::FakeResponses(
    const QJsonObject &request, const FakeTokenSettings &tokens, const QByteArray &idSeed, qint64 createdAt)
    : m_request(request)
    , m_tokens(tokens)
    , m_id("resp_" + hex("response" + idSeed, 48))
    , m_messageId("msg_" + hex("message" + idSeed, 48))
    , m_createdAt(createdAt)
{
    const QString model = request.value(u"model").toString();
    const bool toolsGiven = !request.value(u"tools").toArray().isEmpty();
    const auto kind = FakeAnswer::kindFor(model, toolsGiven);
    FakeAnswer answer(turnsOf(request), kind, request.value(u"max_output_tokens").toInt(4), tokens);
    if (FakeAgentScript::applies(model))
        playAgentTurn(request, &answer);
    answer.replaceWithJson(FakeStructuredAnswer::responsesSchema(request));
    m_tools = answer.kind() == FakeAnswer::Kind::Tools;
    m_incomplete = kind == FakeAnswer::Kind::Length
        && answer.pieces().size()
            < FakeAnswer(turnsOf(request), FakeAnswer::Kind::Echo, 0, tokens).pieces().size();
    m_pieces = answer.pieces();
    m_inputTokens = answer.promptTokens();
    m_outputTokens = answer.completionTokens();
    int index = 0;
    for (const FakeAnswer::ToolCall &call : answer.toolCalls()) {
        const QByteArray callId = "call_" + hex(idSeed + QByteArray::number(index++), 24);
        m_calls.append({ "fc_" + hex(callId, 48), callId, call.name, call.arguments, call.argumentPieces });
    }
}

QString FakeResponses::text() const
{
    return m_pieces.join(QString());
}

QByteArray FakeResponses::usage() const
{
    const int cached = qMin(m_tokens.cachedTokens, m_inputTokens);
    return "{\"input_tokens\":" + QByteArray::number(m_inputTokens)
        + ",\"input_tokens_details\":{\"cached_tokens\":" + QByteArray::number(cached)
        + "},\"output_tokens\":" + QByteArray::number(m_outputTokens)
        + ",\"output_tokens_details\":{\"reasoning_tokens\":" + QByteArray::number(m_tokens.reasoningTokens)
        + "},\"total_tokens\":" + QByteArray::number(m_inputTokens + m_outputTokens) + "}";
}

QByteArray FakeResponses::outputText() const
{
    return "{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":" + str(text()) + "}";
}

QByteArray FakeResponses::messageItem(const QByteArray &status, bool withContent) const
{
    return "{\"id\":\"" + m_messageId + "\",\"type\":\"message\",\"status\":\"" + status + "\",\"content\":["
        + (withContent ? outputText() : QByteArray()) + "],\"role\":\"assistant\"}";
}

QByteArray FakeResponses::callItem(const Call &call, const QByteArray &status, bool withArguments) const
{
    return "{\"id\":\"" + call.id + "\",\"type\":\"function_call\",\"status\":\"" + status
        + "\",\"arguments\":" + str(withArguments ? call.arguments : QString()) + ",\"call_id\":\""
        + call.callId + "\",\"name\":" + str(call.name) + "}";
}

QByteArray FakeResponses::response(const QByteArray &status, const QByteArray &output, bool withUsage) const
{
    const QJsonObject reasoning = m_request.value(u"reasoning").toObject();
    return "{\"id\":\"" + m_id
        + "\",\"object\":\"response\",\"created_at\":" + QByteArray::number(m_createdAt) + ",\"status\":\""
        + status + "\",\"background\":false,\"error\":null,\"incomplete_details\":"
        + (status == "incomplete" ? QByteArray("{\"reason\":\"max_output_tokens\"}") : QByteArray("null"))
        + ",\"instructions\":" + field(m_request, "instructions", "null")
        + ",\"max_output_tokens\":" + field(m_request, "max_output_tokens", "null")
        + ",\"model\":" + str(m_request.value(u"model").toString()) + ",\"output\":[" + output
        + "],\"parallel_tool_calls\":" + field(m_request, "parallel_tool_calls", "true")
        + ",\"previous_response_id\":" + field(m_request, "previous_response_id", "null")
        + ",\"reasoning\":{\"effort\":" + field(reasoning, "effort", "null") + ",\"summary\":"
        + field(reasoning, "summary", "null") + "},\"store\":" + field(m_request, "store", "true")
        + ",\"temperature\":" + field(m_request, "temperature", "1.0")
        + ",\"text\":" + field(m_request, "text", "{\"format\":{\"type\":\"text\"}}")
        + ",\"tool_choice\":" + field(m_request, "tool_choice", "\"auto\"")
        + ",\"tools\":" + field(m_request, "tools", "[]") + ",\"top_p\":" + field(m_request, "top_p", "1.0")
        + ",\"truncation\":\"disabled\",\"usage\":" + (withUsage ? usage() : QByteArray("null"))
        + ",\"user\":null,\"metadata\":" + field(m_request, "metadata", "{}") + "}";
}

QByteArray FakeResponses::body() const
{
    QByteArrayList output;
    if (m_tools) {
        for (const Call &call : m_calls)
            output.append(callItem(call, "completed", true));
    } else {
        output.append(messageItem("completed", true));
    }
    return response(m_incomplete ? "incomplete" : "completed", output.join(','), true);
}

QByteArrayList FakeResponses::streamEvents() const
{
    QByteArrayList events;
    int sequence = 0;
    const auto add = [&](const QByteArray &type, const QByteArray &rest) {
        events.append(event(type, sequence++, rest));
    };
    add("response.created", "\"response\":" + response("in_progress", {}, false));
    add("response.in_progress", "\"response\":" + response("in_progress", {}, false));
    const QByteArray at = "\"output_index\":";
    if (m_tools) {
        for (qsizetype i = 0; i < m_calls.size(); ++i) {
            const Call &call = m_calls[i];
            const QByteArray where = "\"item_id\":\"" + call.id + "\"," + at + QByteArray::number(i);
            add("response.output_item.added",
                at + QByteArray::number(i) + ",\"item\":" + callItem(call, "in_progress", false));
            for (const QString &piece : call.pieces)
                add("response.function_call_arguments.delta", where + ",\"delta\":" + str(piece));
            add("response.function_call_arguments.done", where + ",\"arguments\":" + str(call.arguments));
            add("response.output_item.done",
                at + QByteArray::number(i) + ",\"item\":" + callItem(call, "completed", true));
        }
    } else {
        const QByteArray where = "\"item_id\":\"" + m_messageId + "\"," + at + "0,\"content_index\":0";
        add("response.output_item.added", at + "0,\"item\":" + messageItem("in_progress", false));
        add("response.content_part.added",
            where + ",\"part\":{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":\"\"}");
        for (const QString &piece : m_pieces)
            add("response.output_text.delta", where + ",\"delta\":" + str(piece) + ",\"logprobs\":[]");
        add("response.output_text.done", where + ",\"text\":" + str(text()) + ",\"logprobs\":[]");
        add("response.content_part.done", where + ",\"part\":" + outputText());
        add("response.output_item.done", at + "0,\"item\":" + messageItem("completed", true));
    }
    const QByteArray final = m_incomplete ? "response.incomplete" : "response.completed";
    QByteArray body = this->body();
    add(final, "\"response\":" + body);
    return events;
}

FakeReply FakeResponses::reply(const FakeHttpRequest &request, const FakeReply::Headers &headers,
    const FakeTokenSettings &tokens, const QByteArray &idSeed, qint64 createdAt)
{
    const QJsonValue json = request.json();
    if (!json.isObject())
        return FakeReply::json(400,
            FakeOpenAiApi::errorBody(QStringLiteral("We could not parse the JSON body of your request. "
                                                    "The OpenAI API expects a JSON payload."),
                "invalid_request_error", {}),
            headers);
    const QJsonObject body = json.toObject();
    const QString model = body.value(u"model").toString();
    if (model.isEmpty())
        return FakeReply::json(400,
            FakeOpenAiApi::errorBody(QStringLiteral("Missing required parameter: 'model'."),
                "invalid_request_error", "missing_required_parameter", "model"),
            headers);
    if (const int status = FakeAnswer::errorStatusFor(model); status > 0)
        return FakeOpenAiApi::errorForStatus(status, model, headers);
    const FakeResponses answer(body, tokens, idSeed, createdAt);
    if (!body.value(u"stream").toBool())
        return FakeReply::json(200, answer.body(), headers);
    FakeReply reply = fakeEventStreamReply(headers, answer.streamEvents(), FakeStreamPacing::forModel(model));
    if (model == u"fake-drop-mid-stream") { // two events, then the connection closes
        reply.steps = reply.steps.mid(0, 2);
        reply.steps.last().closeAfter = true;
    }
    return reply;
}
