#include "fakeopenaiapi.h"

#include "clock.h"
#include "fakeagentscript.h"
#include "fakeanswer.h"
#include "fakeresponses.h"
#include "fakestructuredanswer.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QtEndian>

namespace {
// FakeAgentScript on a Chat Completions request: the last message's tool result, else a call on the user's
// path.
void playAgentTurn(const QJsonObject &body, FakeChatCompletion *completion)
{
    const QJsonArray messages = body.value(u"messages").toArray();
    if (messages.isEmpty())
        return;
    const QJsonObject last = messages.last().toObject();
    if (last.value(u"role").toString() == u"tool") {
        completion->replaceWithEcho(FakeAgentScript::resultText(last.value(u"content")));
        return;
    }
    QStringList tools;
    for (const QJsonValue &tool : body.value(u"tools").toArray())
        tools.append(tool[u"function"][u"name"].toString());
    QString userText;
    for (const QJsonValue &message : messages) {
        if (message[u"role"].toString() == u"user")
            userText = FakeAgentScript::resultText(message[u"content"]);
    }
    if (const auto call = FakeAgentScript::call(tools, userText))
        completion->replaceWithToolCall(call->name, call->arguments);
}

struct FakeModel
{
    const char *id;
    qint64 created;
};
// Real model ids with their real creation times, so that clients that list models see familiar data.
constexpr FakeModel knownModels[] = {
    { "gpt-4o-mini", 1721172741 },
    { "gpt-4o", 1715367049 },
    { "gpt-4.1", 1744316542 },
    { "gpt-4.1-mini", 1744318173 },
    { "o3-mini", 1737146383 },
    { "text-embedding-3-small", 1705948997 },
};

QByteArray modelObject(const FakeModel &model)
{
    return "{\"id\":\"" + QByteArray(model.id) + "\",\"object\":\"model\",\"created\":"
        + QByteArray::number(model.created) + ",\"owned_by\":\"openai\"}";
}

QByteArray hashHex(const QByteArray &seed, int length)
{
    return QCryptographicHash::hash(seed, QCryptographicHash::Sha1).toHex().left(length);
}

// "fake-error-429" -> 429; -1 when the model does not have that form.
int numberAfter(const QString &model, const QString &prefix)
{
    if (!model.startsWith(prefix))
        return -1;
    bool ok = false;
    const int value = model.mid(prefix.size()).toInt(&ok);
    return ok && value >= 0 ? value : -1;
}

QStringList embeddingInputs(const QJsonValue &input)
{
    QStringList texts;
    const auto add = [&texts](const QJsonValue &value) {
        if (value.isString()) {
            texts.append(value.toString());
        } else { // an array of token ids counts as that many words
            QStringList tokens;
            for (const QJsonValue &token : value.toArray())
                tokens.append(QString::number(token.toInt()));
            texts.append(tokens.join(u' '));
        }
    };
    if (input.isArray() && !input.toArray().isEmpty() && !input.toArray().first().isDouble()) {
        for (const QJsonValue &value : input.toArray())
            add(value);
    } else {
        add(input);
    }
    return texts;
}
} // namespace

QByteArray FakeOpenAiApi::errorBody(
    const QString &message, const QByteArray &type, const QByteArray &code, const QByteArray &param)
{
    const auto orNull
        = [](const QByteArray &v) { return v.isEmpty() ? QByteArray("null") : QByteArray('"' + v + '"'); };
    return "{\"error\":{\"message\":" + FakeChatCompletion::jsonString(message) + ",\"type\":\"" + type
        + "\",\"param\":" + orNull(param) + ",\"code\":" + orNull(code) + "}}";
}

FakeReply FakeOpenAiApi::errorForStatus(int status, const QString &model, const FakeReply::Headers &headers)
{
    QString message;
    QByteArray type = status >= 500 ? "server_error" : "invalid_request_error";
    QByteArray code;
    switch (status) {
    case 400:
        message = QStringLiteral("Invalid request (fake 400 asked for by the model name %1).").arg(model);
        break;
    case 401:
        message = QStringLiteral("Incorrect API key provided: sk-fake***. You can find your API key at "
                                 "https://platform.openai.com/account/api-keys.");
        code = "invalid_api_key";
        break;
    case 403:
        message = QStringLiteral("Country, region, or territory not supported");
        code = "unsupported_country_region_territory";
        break;
    case 404:
        message = QStringLiteral("The model `%1` does not exist or you do not have access to it.").arg(model);
        code = "model_not_found";
        break;
    case 429:
        message
            = QStringLiteral("Rate limit reached for %1 in organization org-fake on requests per min (RPM): "
                             "Limit 3, Used 3, Requested 1. Please try again in 20s.")
                  .arg(model);
        type = "requests";
        code = "rate_limit_exceeded";
        break;
    case 500:
        message = QStringLiteral("The server had an error while processing your request. Sorry about that!");
        break;
    case 503:
        message = QStringLiteral("The engine is currently overloaded, please try again later.");
        code = "overloaded";
        break;
    default:
        message
            = QStringLiteral("Fake upstream error %1 asked for by the model name %2.").arg(status).arg(model);
        break;
    }
    return FakeReply::json(status, errorBody(message, type, code), headers);
}

qint64 FakeOpenAiApi::createdSeconds() const
{
    return m_clock->now().toSecsSinceEpoch();
}

FakeReply::Headers FakeOpenAiApi::commonHeaders(const FakeHttpRequest &request)
{
    FakeReply::Headers headers {
        { "x-request-id", "req_" + hashHex("request" + QByteArray::number(++m_sequence), 32) },
        { "openai-version", "2020-10-01" },
        { "openai-processing-ms", "1" },
    };
    if (!request.keepAlive())
        headers.emplaceBack("Connection", "close");
    return headers;
}

FakeReply FakeOpenAiApi::reply(const FakeHttpRequest &request)
{
    const FakeReply::Headers headers = commonHeaders(request);
    if (!m_expectedKey.isEmpty() && request.header("authorization") != "Bearer " + m_expectedKey) {
        const QString message = request.header("authorization").isEmpty()
            ? QStringLiteral("You didn't provide an API key. You need to provide your API key in an "
                             "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")
            : QStringLiteral("Incorrect API key provided. You can find your API key at "
                             "https://platform.openai.com/account/api-keys.");
        return FakeReply::json(401, errorBody(message, "invalid_request_error", "invalid_api_key"), headers);
    }
    if (request.method == "POST" && request.path == "/v1/chat/completions")
        return chatCompletions(request, headers);
    if (request.method == "POST" && request.path == "/v1/responses")
        return FakeResponses::reply(
            request, headers, m_tokens, QByteArray::number(m_sequence), createdSeconds());
    if (request.method == "POST" && request.path == "/v1/embeddings")
        return embeddings(request, headers);
    if (request.method == "GET" && request.path.startsWith("/v1/models"))
        return models(request, headers);
    const QString message = QStringLiteral("Invalid URL (%1 %2)")
                                .arg(QString::fromLatin1(request.method), QString::fromLatin1(request.path));
    return FakeReply::json(404, errorBody(message, "invalid_request_error", {}), headers);
}

FakeReply FakeOpenAiApi::models(const FakeHttpRequest &request, const FakeReply::Headers &headers) const
{
    if (request.path == "/v1/models") {
        QByteArrayList data;
        for (const FakeModel &model : knownModels)
            data.append(modelObject(model));
        return FakeReply::json(200, "{\"object\":\"list\",\"data\":[" + data.join(',') + "]}", headers);
    }
    const QByteArray id = request.path.mid(int(qstrlen("/v1/models/")));
    for (const FakeModel &model : knownModels) {
        if (request.path.startsWith("/v1/models/") && id == model.id)
            return FakeReply::json(200, modelObject(model), headers);
    }
    return errorForStatus(404, QString::fromUtf8(id), headers);
}

FakeReply FakeOpenAiApi::embeddings(const FakeHttpRequest &request, const FakeReply::Headers &headers) const
{
    const QJsonObject body = request.json().toObject();
    if (body.value(u"model").toString().isEmpty() || !body.contains(u"input")) {
        return FakeReply::json(400,
            errorBody(QStringLiteral("'model' and 'input' are required."), "invalid_request_error",
                "missing_required_parameter"),
            headers);
    }
    const int dimensions = qBound(1, body.value(u"dimensions").toInt(8), 4096);
    const bool base64 = body.value(u"encoding_format").toString() == u"base64";
    const QStringList inputs = embeddingInputs(body.value(u"input"));
    QByteArrayList data;
    int tokens = 0;
    for (qsizetype i = 0; i < inputs.size(); ++i) {
        tokens += FakeChatCompletion::countWords(inputs[i]);
        // Deterministic vector: same text, same embedding.
        const QByteArray seed = QCryptographicHash::hash(inputs[i].toUtf8(), QCryptographicHash::Sha256);
        QByteArrayList numbers;
        QByteArray packed;
        for (int d = 0; d < dimensions; ++d) {
            const float value = float(quint8(seed.at(d % seed.size())) ^ quint8(d)) / 127.5f - 1.0f;
            numbers.append(QByteArray::number(value, 'g', 9));
            const quint32 bits = qToLittleEndian(std::bit_cast<quint32>(value));
            packed.append(reinterpret_cast<const char *>(&bits), sizeof bits);
        }
        const QByteArray embedding
            = base64 ? QByteArray('"' + packed.toBase64() + '"') : QByteArray('[' + numbers.join(',') + ']');
        data.append("{\"object\":\"embedding\",\"index\":" + QByteArray::number(i)
            + ",\"embedding\":" + embedding + '}');
    }
    return FakeReply::json(200,
        "{\"object\":\"list\",\"data\":[" + data.join(',')
            + "],\"model\":" + FakeChatCompletion::jsonString(body.value(u"model").toString())
            + ",\"usage\":{\"prompt_tokens\":" + QByteArray::number(tokens)
            + ",\"total_tokens\":" + QByteArray::number(tokens) + "}}",
        headers);
}

FakeReply FakeOpenAiApi::chatCompletions(const FakeHttpRequest &request, const FakeReply::Headers &headers)
{
    const QJsonValue json = request.json();
    if (!json.isObject()) {
        return FakeReply::json(400,
            errorBody(QStringLiteral("We could not parse the JSON body of your request. "
                                     "The OpenAI API expects a JSON payload."),
                "invalid_request_error", {}),
            headers);
    }
    const QJsonObject body = json.toObject();
    const QString model = body.value(u"model").toString();
    if (model.isEmpty()) {
        return FakeReply::json(400,
            errorBody(QStringLiteral("you must provide a model parameter"), "invalid_request_error", {}),
            headers);
    }
    if (!body.value(u"messages").isArray()) {
        return FakeReply::json(400,
            errorBody(QStringLiteral("Missing required parameter: 'messages'."), "invalid_request_error",
                "missing_required_parameter", "messages"),
            headers);
    }

    if (const int status = numberAfter(model, QStringLiteral("fake-error-")); status >= 100 && status <= 599)
        return errorForStatus(status, model, headers);
    if (model == u"fake-drop")
        return FakeReply::hangUp();
    if (model == u"fake-not-json")
        return FakeReply::full(200, FakeReply::Headers { { "Content-Type", "application/json" } } + headers,
            "<html><body>502 Bad Gateway, but sent as 200</body></html>");

    const int slowMs = qMax(0, numberAfter(model, QStringLiteral("fake-slow-")));
    const bool dropMidStream = model == u"fake-drop-mid-stream";
    const FakeChatCompletion::Kind kind = model == u"fake-tools" ? FakeChatCompletion::Kind::Tools
        : model == u"fake-length"                                ? FakeChatCompletion::Kind::Length
                                                                 : FakeChatCompletion::Kind::Echo;
    FakeChatCompletion completion(
        body, kind, m_tokens, "chatcmpl-" + hashHex(QByteArray::number(m_sequence), 29), createdSeconds());
    if (FakeAgentScript::applies(model))
        playAgentTurn(body, &completion);
    completion.replaceWithJson(FakeStructuredAnswer::openAISchema(body));

    if (!body.value(u"stream").toBool()) {
        FakeReply reply = FakeReply::json(200, completion.body(), headers);
        reply.steps.first().delayMs = slowMs;
        if (dropMidStream) {
            QByteArray &bytes = reply.steps.first().bytes;
            bytes.chop(completion.body().size() / 2);
            reply.steps.first().closeAfter = true;
        }
        return reply;
    }

    FakeReply::Headers streamHeaders { { "Content-Type", "text/event-stream; charset=utf-8" },
        { "Transfer-Encoding", "chunked" } };
    streamHeaders += headers;
    QByteArrayList events = completion.streamEvents();
    const FakeStreamPacing pacing = FakeStreamPacing::forModel(model);
    // The role chunk, two pieces, then OpenAI's error chunk; no [DONE].
    if (FakeAnswer::errorsMidStream(model)) {
        events = events.mid(0, 3);
        events.append(
            "data: {\"error\":{\"message\":\"The server had an error while processing your request. "
            "Sorry about that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n");
    }
    FakeReply reply;
    for (qsizetype i = 0; i < events.size(); ++i) {
        FakeReplyStep step { i == 0 ? slowMs : 0, FakeReply::chunk(events[i]), false };
        pacing.apply(step, i);
        if (i == 0)
            step.bytes.prepend(FakeReply::head(200, streamHeaders));
        if (dropMidStream && i == 1) {
            step.closeAfter = true;
            reply.steps.append(step);
            return reply;
        }
        if (i == events.size() - 1)
            step.bytes += FakeReply::lastChunk();
        reply.steps.append(step);
    }
    return reply;
}
