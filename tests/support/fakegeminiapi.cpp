#include "fakegeminiapi.h"

#include "fakeagentscript.h"
#include "fakestructuredanswer.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

namespace {
QByteArray responseIdFor(quint64 sequence)
{
    return QCryptographicHash::hash(
        QByteArray("response" + QByteArray::number(sequence)), QCryptographicHash::Sha256)
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
        .left(23);
}

QString partsText(const QJsonObject &content)
{
    QStringList texts;
    const QJsonArray parts = content.value(u"parts").toArray();
    for (const QJsonValue &part : parts) {
        if (part.toObject().contains(u"text"))
            texts.append(part.toObject().value(u"text").toString());
    }
    return texts.join(u' ');
}

QByteArray finishReasonOf(const FakeAnswer &answer)
{
    return answer.kind() == FakeAnswer::Kind::Length ? "MAX_TOKENS" : "STOP";
}

QByteArray textPart(const QString &text)
{
    return "{\"text\":" + FakeChatCompletion::jsonString(text) + '}';
}

QByteArray functionCallPart(const FakeAnswer::ToolCall &call)
{
    return "{\"functionCall\":{\"name\":" + FakeChatCompletion::jsonString(call.name)
        + ",\"args\":" + call.arguments.toUtf8() + "}}";
}

// One GenerateContentResponse with a single candidate; `finish` and `usage` empty: left out.
QByteArray response(const QByteArrayList &parts, const QByteArray &finish, const QByteArray &usage,
    const QString &model, const QByteArray &responseId)
{
    QByteArray out = "{\"candidates\":[{\"content\":{\"parts\":[" + parts.join(',') + "],\"role\":\"model\"}";
    if (!finish.isEmpty())
        out += ",\"finishReason\":\"" + finish + '"';
    out += ",\"index\":0}]";
    if (!usage.isEmpty())
        out += ",\"usageMetadata\":" + usage;
    return out + ",\"modelVersion\":" + FakeChatCompletion::jsonString(model) + ",\"responseId\":\""
        + responseId + "\"}";
}
} // namespace

QByteArray FakeGeminiApi::statusNameFor(int code)
{
    switch (code) {
    case 400:
        return "INVALID_ARGUMENT";
    case 401:
        return "UNAUTHENTICATED";
    case 403:
        return "PERMISSION_DENIED";
    case 404:
        return "NOT_FOUND";
    case 409:
        return "ABORTED";
    case 429:
        return "RESOURCE_EXHAUSTED";
    case 499:
        return "CANCELLED";
    case 500:
        return "INTERNAL";
    case 501:
        return "NOT_IMPLEMENTED";
    case 503:
        return "UNAVAILABLE";
    case 504:
        return "DEADLINE_EXCEEDED";
    default:
        return code >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
    }
}

QByteArray FakeGeminiApi::errorBody(int code, const QString &message, const QByteArray &status)
{
    return "{\"error\":{\"code\":" + QByteArray::number(code)
        + ",\"message\":" + FakeChatCompletion::jsonString(message) + ",\"status\":\"" + status + "\"}}";
}

// FakeAgentScript on a GenerateContentRequest: the functionResponse of the last content, else a call on the
// user's path.
void FakeGeminiApi::playAgentTurn(const QJsonObject &body, FakeAnswer *answer)
{
    const QJsonArray contents = body.value(u"contents").toArray();
    for (const QJsonValue &part : contents.last().toObject().value(u"parts").toArray()) {
        if (part[u"functionResponse"].isObject()) {
            answer->replaceWithEcho(FakeAgentScript::resultText(part[u"functionResponse"][u"response"]));
            return;
        }
    }
    QStringList tools;
    for (const QJsonValue &tool : body.value(u"tools").toArray()) {
        for (const QJsonValue &declaration : tool[u"functionDeclarations"].toArray())
            tools.append(declaration[u"name"].toString());
    }
    QString userText;
    for (const QJsonValue &content : contents) {
        if (content[u"role"].toString(QStringLiteral("user")) == u"user")
            userText = partsText(content.toObject());
    }
    if (const auto call = FakeAgentScript::call(tools, userText))
        answer->replaceWithToolCall(call->name, call->arguments);
}

QList<FakeTurn> FakeGeminiApi::turns(const QJsonObject &request)
{
    QList<FakeTurn> out;
    if (request.contains(u"systemInstruction"))
        out.append({ QStringLiteral("system"), partsText(request.value(u"systemInstruction").toObject()) });
    const QJsonArray contents = request.value(u"contents").toArray();
    for (const QJsonValue &value : contents) {
        const QJsonObject content = value.toObject();
        out.append({ content.value(u"role").toString(QStringLiteral("user")), partsText(content) });
    }
    return out;
}

FakeReply FakeGeminiApi::error(int code, const QString &message, const FakeReply::Headers &headers) const
{
    FakeReply::Headers all { { "Content-Type", "application/json; charset=UTF-8" } };
    all += headers;
    return FakeReply::full(code, all, errorBody(code, message, statusNameFor(code)));
}

FakeReply FakeGeminiApi::reply(const FakeHttpRequest &request)
{
    FakeReply::Headers headers { { "Vary", "Origin, X-Origin, Referer" },
        { "Server", "scaffolding on HTTPServer2" } };
    if (!request.keepAlive())
        headers.emplaceBack("Connection", "close");
    const QUrlQuery query(QString::fromUtf8(request.target.mid(request.path.size() + 1)));

    if (!m_expectedKey.isEmpty()) {
        QByteArray key = request.header("x-goog-api-key");
        if (key.isEmpty())
            key = query.queryItemValue(QStringLiteral("key"), QUrl::FullyDecoded).toUtf8();
        if (key.isEmpty()) {
            return error(403,
                QStringLiteral(
                    "Method doesn't allow unregistered callers (callers without established identity). "
                    "Please use API Key or other form of API consumer identity to call this API."),
                headers);
        }
        if (key != m_expectedKey)
            return error(400, QStringLiteral("API key not valid. Please pass a valid API key."), headers);
    }

    static const QByteArray prefix = "/v1beta/models/";
    const qsizetype colon = request.path.lastIndexOf(':');
    if (request.method == "POST" && request.path.startsWith(prefix) && colon > prefix.size()) {
        const QString model = QString::fromUtf8(request.path.mid(prefix.size(), colon - prefix.size()));
        const QByteArray method = request.path.mid(colon + 1);
        if (method == "generateContent")
            return generate(request, model, false, headers);
        if (method == "streamGenerateContent")
            return generate(request, model, true, headers);
        if (method == "batchEmbedContents")
            return embed(request, headers);
        if (method == "countTokens")
            return countTokens(request, headers);
    }
    return error(404,
        QStringLiteral("The requested URL %1 was not found on this server.")
            .arg(QString::fromUtf8(request.path)),
        headers);
}

FakeReply FakeGeminiApi::countTokens(const FakeHttpRequest &request, const FakeReply::Headers &headers) const
{
    QJsonObject body = request.json().toObject();
    if (body.contains(u"generateContentRequest")) {
        body = body.value(u"generateContentRequest").toObject();
        if (!body.value(u"model").toString().startsWith(u"models/"))
            return error(400,
                QStringLiteral("* CountTokensRequest.generate_content_request.model: model is required"),
                headers);
    }
    if (!body.value(u"contents").isArray())
        return error(
            400, QStringLiteral("* CountTokensRequest.contents: contents is not specified"), headers);
    const QByteArray total
        = QByteArray::number(FakeAnswer(turns(body), FakeAnswer::Kind::Echo, 1, m_tokens).promptTokens());
    return FakeReply::json(200,
        "{\n  \"totalTokens\": " + total
            + ",\n  \"promptTokensDetails\": [\n    {\n      "
              "\"modality\": \"TEXT\",\n      \"tokenCount\": "
            + total + "\n    }\n  ]\n}\n",
        headers);
}

FakeReply FakeGeminiApi::embed(const FakeHttpRequest &request, const FakeReply::Headers &headers) const
{
    const QJsonArray requests = request.json().toObject().value(u"requests").toArray();
    if (requests.isEmpty())
        return error(
            400, QStringLiteral("* BatchEmbedContentsRequest.requests: contents is not specified"), headers);
    QJsonArray embeddings;
    for (const QJsonValue &item : requests) {
        const QJsonObject one = item.toObject();
        const QString text = one.value(u"content")
                                 .toObject()
                                 .value(u"parts")
                                 .toArray()
                                 .first()
                                 .toObject()
                                 .value(u"text")
                                 .toString();
        const int dimensions = qBound(1, one.value(u"outputDimensionality").toInt(8), 3072);
        const QByteArray seed = QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256);
        QJsonArray values;
        for (int d = 0; d < dimensions; ++d)
            values.append(double(quint8(seed.at(d % seed.size())) ^ quint8(d)) / 127.5 - 1.0);
        embeddings.append(QJsonObject { { QStringLiteral("values"), values } });
    }
    return FakeReply::json(200,
        QJsonDocument(QJsonObject { { QStringLiteral("embeddings"), embeddings } })
            .toJson(QJsonDocument::Compact),
        headers);
}

QByteArray FakeGeminiApi::usageJson(const FakeAnswer &answer) const
{
    const int prompt = answer.promptTokens();
    const int cached = qBound(0, m_tokens.cachedTokens, prompt);
    const int thoughts = m_tokens.reasoningTokens;
    // Gemini counts thoughts apart from the candidates; completionTokens() includes them.
    const int candidates = answer.completionTokens() - thoughts;
    QByteArray out = "{\"promptTokenCount\":" + QByteArray::number(prompt)
        + ",\"candidatesTokenCount\":" + QByteArray::number(candidates)
        + ",\"totalTokenCount\":" + QByteArray::number(prompt + candidates + thoughts);
    if (cached > 0)
        out += ",\"cachedContentTokenCount\":" + QByteArray::number(cached);
    out += ",\"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":" + QByteArray::number(prompt)
        + "}]";
    if (cached > 0)
        out += ",\"cacheTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":" + QByteArray::number(cached)
            + "}]";
    if (thoughts > 0)
        out += ",\"thoughtsTokenCount\":" + QByteArray::number(thoughts);
    return out + '}';
}

FakeReply FakeGeminiApi::generate(
    const FakeHttpRequest &request, const QString &model, bool stream, const FakeReply::Headers &headers)
{
    const QJsonValue json = request.json();
    if (!json.isObject())
        return error(400, QStringLiteral("Invalid JSON payload received."), headers);
    const QJsonObject body = json.toObject();
    if (!body.value(u"contents").isArray() || body.value(u"contents").toArray().isEmpty())
        return error(
            400, QStringLiteral("* GenerateContentRequest.contents: contents is not specified\n"), headers);
    if (const int status = FakeAnswer::errorStatusFor(model); status > 0) {
        const QString message = status == 404
            ? QStringLiteral("models/%1 is not found for API version v1beta, or is not supported for "
                             "generateContent. Call ListModels to see the list of available models and their "
                             "supported methods.")
                  .arg(model)
            : QStringLiteral("Fake error %1 asked for by the model name %2").arg(status).arg(model);
        return error(status, message, headers);
    }

    bool toolsGiven = false;
    const QJsonArray tools = body.value(u"tools").toArray();
    for (const QJsonValue &tool : tools)
        toolsGiven = toolsGiven || !tool.toObject().value(u"functionDeclarations").toArray().isEmpty();
    const int maxTokens = body.value(u"generationConfig").toObject().value(u"maxOutputTokens").toInt(4);
    FakeAnswer answer(turns(body), FakeAnswer::kindFor(model, toolsGiven), maxTokens, m_tokens);
    if (FakeAgentScript::applies(model))
        playAgentTurn(body, &answer);
    answer.replaceWithJson(FakeStructuredAnswer::geminiSchema(body));
    const QByteArray responseId = responseIdFor(++m_sequence);
    const QByteArray usage = usageJson(answer);

    QByteArrayList responses; // the stream's partial responses; whole, one response with every part
    if (answer.kind() == FakeAnswer::Kind::Tools) {
        const QList<FakeAnswer::ToolCall> calls = answer.toolCalls();
        QByteArrayList parts;
        for (const FakeAnswer::ToolCall &call : calls)
            parts.append(functionCallPart(call));
        if (!stream)
            return FakeReply::json(200, response(parts, "STOP", usage, model, responseId), headers);
        for (qsizetype i = 0; i < parts.size(); ++i) {
            const bool last = i == parts.size() - 1;
            responses.append(
                response({ parts[i] }, last ? "STOP" : "", last ? usage : "", model, responseId));
        }
    } else {
        if (!stream) {
            return FakeReply::json(200,
                response({ textPart(answer.content()) }, finishReasonOf(answer), usage, model, responseId),
                headers);
        }
        const QStringList pieces = answer.pieces();
        for (qsizetype i = 0; i < pieces.size(); ++i) {
            const bool last = i == pieces.size() - 1;
            responses.append(response({ textPart(pieces[i]) }, last ? finishReasonOf(answer) : "",
                last ? usage : "", model, responseId));
        }
    }

    if (QUrlQuery(QString::fromUtf8(request.target.mid(request.path.size() + 1)))
            .queryItemValue(QStringLiteral("alt"))
        != u"sse") {
        return FakeReply::json(200, '[' + responses.join(",\r\n") + ']', headers);
    }
    QByteArrayList events;
    for (const QByteArray &r : responses)
        events.append("data: " + r + "\r\n\r\n");
    if (FakeAnswer::errorsMidStream(model)) { // Google's envelope as an event of its own, then the end
        events = events.mid(0, 2);
        events.append("data: "
            + errorBody(
                503, QStringLiteral("The model is overloaded. Please try again later."), "UNAVAILABLE")
            + "\r\n\r\n");
    }
    return fakeEventStreamReply(headers, events, FakeStreamPacing::forModel(model));
}
