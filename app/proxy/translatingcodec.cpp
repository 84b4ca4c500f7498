#include "translatingcodec.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace {

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

TokenUsage usageFromCanonical(const QJsonObject &usage)
{
    TokenUsage u;
    u.promptTokens = usage.value(u"prompt_tokens").toInteger();
    u.completionTokens = usage.value(u"completion_tokens").toInteger();
    const QJsonObject prompt = usage.value(u"prompt_tokens_details").toObject();
    u.cachedTokens = prompt.value(u"cached_tokens").toInteger();
    u.cacheWriteTokens = prompt.value(u"cache_write_tokens").toInteger();
    u.reasoningTokens
        = usage.value(u"completion_tokens_details").toObject().value(u"reasoning_tokens").toInteger();
    u.known = true;
    return u;
}

} // namespace

TranslatingCodec::TranslatingCodec(ClientFormat client, ProviderFamily upstream, QString requestedModel,
    bool clientWantsUsage, ResponsesInbound::ResponseContext responses)
    : ExchangeCodec(client)
    , m_upstream(upstream)
    , m_requestedModel(std::move(requestedModel))
    , m_clientWantsUsage(clientWantsUsage)
    , m_responses(std::move(responses))
{
    if (upstream == ProviderFamily::Anthropic)
        m_fromAnthropic.emplace(m_requestedModel);
    else if (upstream == ProviderFamily::Gemini)
        m_fromGemini.emplace(m_requestedModel);
    if (client == ClientFormat::Anthropic)
        m_toAnthropic.emplace(m_requestedModel);
    else if (client == ClientFormat::Gemini)
        m_toGemini.emplace(m_requestedModel);
    else if (client == ClientFormat::Responses)
        m_toResponses.emplace(m_responses);
}

void TranslatingCodec::noteUsage(QJsonObject &holder, ExchangeState &state) const
{
    QJsonObject usage = holder.value(u"usage").toObject();
    state.setUsage(usageFromCanonical(usage));
    if (state.cost) {
        usage.insert(u"cost", state.cost->total());
        holder.insert(u"usage", usage);
    }
}

std::optional<QJsonObject> TranslatingCodec::decodeWhole(const QByteArray &body, QString *error) const
{
    switch (m_upstream) {
    case ProviderFamily::Anthropic:
        return AnthropicAdapter::toOpenAIResponse(body, m_requestedModel, error);
    case ProviderFamily::Gemini:
        return GeminiAdapter::toOpenAIResponse(body, m_requestedModel, error);
    case ProviderFamily::OpenAICompatible:
    case ProviderFamily::AzureOpenAI:
        break;
    }
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (!document.isObject()) {
        *error = u"the upstream's answer is not a JSON object"_s;
        return std::nullopt;
    }
    QJsonObject response = document.object();
    response.insert(u"model", m_requestedModel);
    return response;
}

std::optional<QByteArray> TranslatingCodec::translateWhole(
    const QByteArray &body, ExchangeState &state, QString *error)
{
    auto response = decodeWhole(body, error);
    if (!response)
        return std::nullopt;
    const QJsonArray choices = response->value(u"choices").toArray();
    state.finishReason = choices.first().toObject().value(u"finish_reason").toString();
    if (response->contains(u"usage"))
        noteUsage(*response, state);
    if (clientFormat() == ClientFormat::Gemini)
        return compact(GeminiInbound::fromOpenAIResponse(*response, m_requestedModel));
    if (clientFormat() == ClientFormat::Responses)
        return compact(ResponsesInbound::fromOpenAIResponse(*response, m_responses));
    if (clientFormat() == ClientFormat::Anthropic) {
        QJsonObject message = AnthropicInbound::fromOpenAIResponse(*response, m_requestedModel);
        if (state.cost) {
            QJsonObject usage = message.value(u"usage").toObject();
            usage.insert(u"cost", state.cost->total());
            message.insert(u"usage", usage);
        }
        return compact(message);
    }
    return compact(*response);
}

QList<QJsonObject> TranslatingCodec::decodeEvent(const SseEvent &event)
{
    if (m_fromAnthropic)
        return m_fromAnthropic->feed(event);
    if (m_fromGemini)
        return m_fromGemini->feed(event);
    if (event.data.isEmpty() || event.data == "[DONE]")
        return {};
    const QJsonDocument chunk = QJsonDocument::fromJson(event.data);
    if (!chunk.isObject())
        return {};
    QJsonObject object = chunk.object();
    object.insert(u"model", m_requestedModel);
    return { object };
}

QByteArray TranslatingCodec::encodeChunk(QJsonObject chunk, ExchangeState &state)
{
    const QJsonArray choices = chunk.value(u"choices").toArray();
    const QJsonObject firstChoice = choices.first().toObject();
    state.contentBytes += firstChoice.value(u"delta").toObject().value(u"content").toString().toUtf8().size();
    const QString finish = firstChoice.value(u"finish_reason").toString();
    if (!finish.isEmpty())
        state.finishReason = finish;
    const bool hasUsage = chunk.value(u"usage").isObject();
    if (hasUsage)
        noteUsage(chunk, state);
    if (m_toAnthropic)
        return m_toAnthropic->feed(chunk);
    if (m_toGemini)
        return m_toGemini->feed(chunk);
    if (m_toResponses)
        return m_toResponses->feed(chunk);
    if (hasUsage && choices.isEmpty() && !m_clientWantsUsage)
        return {};
    if (!m_clientWantsUsage)
        chunk.remove(u"usage");
    return "data: " + compact(chunk) + "\n\n";
}

// The upstream's mid-stream error, if it sent one: an Anthropic or Gemini error event (which their readers
// report), or an OpenAI-form chunk holding "error".
std::optional<ProxyError> TranslatingCodec::upstreamFailure(const QJsonObject &chunk) const
{
    if (m_fromAnthropic && m_fromAnthropic->failed()) {
        const AnthropicAdapter::ErrorInfo info = m_fromAnthropic->error();
        return upstreamStreamError(info.message, info.type, info.code);
    }
    if (m_fromGemini && m_fromGemini->failed())
        return upstreamStreamError(m_fromGemini->errorMessage(), {}, {});
    const QJsonObject error = chunk.value(u"error").toObject();
    if (error.isEmpty())
        return std::nullopt;
    return upstreamStreamError(error.value(u"message").toString(), error.value(u"type").toString().toUtf8(),
        error.value(u"code").toString().toUtf8());
}

// The client's stream ends with the error, in its format: the chunk the openai SDK raises on, Anthropic's
// error event, Google's envelope. Nothing follows it.
QByteArray TranslatingCodec::endWithError(const ProxyError &error, ExchangeState &state)
{
    state.streamError = error;
    if (m_toAnthropic) { // keeps the error's kind (overloaded_error, rate_limit_error …)
        const QJsonObject envelope = QJsonDocument::fromJson(error.toJson()).object();
        return m_toAnthropic->feed(envelope);
    }
    return streamErrorEventFor(clientFormat(), error);
}

QByteArray TranslatingCodec::translateEvent(QByteArrayView event, ExchangeState &state)
{
    if (state.streamError)
        return {};
    const SseEvent parsed = parseSseEvent(event);
    // Anthropic or Gemini to an OpenAI client: text deltas, most of a stream, skip the documents.
    if (!m_toAnthropic && !m_toGemini && !m_toResponses) {
        qsizetype textBytes = 0;
        const auto chunk = m_fromAnthropic ? m_fromAnthropic->textDeltaChunk(parsed.data, &textBytes)
            : m_fromGemini                 ? m_fromGemini->textChunk(parsed.data, &textBytes)
                                           : std::nullopt;
        if (chunk) {
            state.contentBytes += textBytes;
            return "data: " + *chunk + "\n\n";
        }
    }
    QByteArray out;
    QJsonObject errorChunk;
    for (const QJsonObject &chunk : decodeEvent(parsed)) {
        if (chunk.value(u"error").isObject()) {
            errorChunk = chunk;
            break;
        }
        out += encodeChunk(chunk, state);
    }
    if (const auto failure = upstreamFailure(errorChunk))
        out += endWithError(*failure, state);
    return out;
}

QByteArray TranslatingCodec::finishStream(ExchangeState &state)
{
    QList<QJsonObject> rest;
    if (m_fromAnthropic)
        rest = m_fromAnthropic->finish();
    else if (m_fromGemini)
        rest = m_fromGemini->finish();
    QByteArray out;
    for (const QJsonObject &chunk : rest)
        out += encodeChunk(chunk, state);
    if (state.streamError)
        return {}; // the usage is noted for the record; the client's stream ended with the error
    if (m_toAnthropic)
        out += m_toAnthropic->finish();
    else if (m_toGemini)
        out += m_toGemini->finish();
    else if (m_toResponses)
        out += m_toResponses->finish();
    else
        out += "data: [DONE]\n\n";
    return out;
}

QByteArray TranslatingCodec::translateError(int status, const QByteArray &body, QString *message)
{
    ProxyError error { status, {}, "upstream_error", {}, {} };
    switch (m_upstream) {
    case ProviderFamily::Anthropic: {
        const auto info = AnthropicAdapter::toOpenAIError(status, body);
        error.message = info.message;
        error.type = info.type;
        error.code = info.code;
        break;
    }
    case ProviderFamily::Gemini: {
        const auto info = GeminiAdapter::toOpenAIError(status, body);
        error.message = info.message;
        error.type = info.type;
        error.code = info.code;
        break;
    }
    case ProviderFamily::OpenAICompatible:
    case ProviderFamily::AzureOpenAI: {
        const QJsonObject envelope = QJsonDocument::fromJson(body).object().value(u"error").toObject();
        error.message = envelope.value(u"message").toString();
        error.type = envelope.value(u"type").toString().toUtf8();
        error.code = envelope.value(u"code").toString().toUtf8();
        break;
    }
    }
    if (error.message.isEmpty())
        error.message = QString::fromUtf8(body.left(200)).simplified();
    *message = error.message;
    return errorBodyFor(clientFormat(), error);
}

QByteArray TranslatingCodec::streamError(const ProxyError &error)
{
    if (m_toResponses) // ends the Response it began, with its sequence numbers
        return m_toResponses->fail(
            error.message, QString::fromLatin1(error.type), QString::fromLatin1(error.code));
    return ExchangeCodec::streamError(error);
}
