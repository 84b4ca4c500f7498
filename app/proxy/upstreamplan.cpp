#include "upstreamplan.h"

#include "anthropicadapter.h"
#include "anthropicinbound.h"
#include "anthropicpassthroughcodec.h"
#include "azureopenai.h"
#include "geminiadapter.h"
#include "geminiembeddings.h"
#include "geminiembeddingscodec.h"
#include "passthroughcodec.h"
#include "responsespassthroughcodec.h"
#include "translatingcodec.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace {

// The OpenAI-form request, for the translating paths; nullopt and *error when an Anthropic client's request
// cannot be expressed in it.
std::optional<QJsonObject> canonicalOf(const InboundChat &inbound, QString *error)
{
    if (inbound.format == ClientFormat::OpenAI)
        return QJsonDocument::fromJson(inbound.body).object();
    if (inbound.format == ClientFormat::Anthropic)
        return AnthropicInbound::toOpenAIRequest(inbound.body, error);
    return inbound.canonical;
}

std::optional<QByteArray> openAIBody(const InboundChat &inbound, const QString &upstreamModel, QString *error)
{
    if (inbound.openai)
        return OpenAICompat::rewriteChatRequest(inbound.body, *inbound.openai, upstreamModel);
    auto request = canonicalOf(inbound, error);
    if (!request)
        return std::nullopt;
    request->insert(u"model", upstreamModel);
    if (inbound.stream)
        request->insert(u"stream_options", QJsonObject { { u"include_usage"_s, true } });
    return QJsonDocument(*request).toJson(QJsonDocument::Compact);
}

} // namespace

QByteArray withModel(const QByteArray &body, const QString &model)
{
    const JsonScan::Span root = JsonScan::validate(body);
    const JsonScan::Span value = JsonScan::member(body, root, "model");
    if (!value.isValid())
        return body;
    QByteArray out = body;
    out.replace(value.begin, value.size(), JsonScan::quote(model));
    return out;
}

namespace {

// Providers with OpenAI's Responses API, which get Responses requests as they are; the rest, translated.
bool servesResponses(const ProviderConfig &provider)
{
    return provider.spec.id == u"openai"_s || provider.spec.family == ProviderFamily::AzureOpenAI;
}

} // namespace

std::variant<PlannedCall, ProxyError> planUpstreamCall(
    const InboundChat &inbound, const ModelRoute &route, const GatewayConfig &config)
{
    const ProviderConfig &provider = *route.provider;
    const ProviderFamily family = provider.spec.family;
    PlannedCall call;
    UpstreamRequest &request = call.request;
    request.endpoint = provider.endpoint;
    request.connectTimeoutMs = config.connectTimeoutMs;
    request.responseTimeoutMs = config.upstreamTimeoutMs;
    request.idleTimeoutMs = config.streamIdleTimeoutMs;
    request.headers = { { "content-type", "application/json" },
        { "accept", inbound.stream ? "text/event-stream" : "application/json" },
        { "user-agent", "llm-gateway/" APP_VERSION } };
    const QByteArray key = provider.apiKey.toUtf8();
    QString error;
    const bool embeddings = inbound.kind == InboundChat::Kind::Embeddings;
    if (embeddings && family == ProviderFamily::Gemini) {
        const auto gemini = GeminiEmbeddings::fromOpenAIRequest(
            canonicalOf(inbound, &error).value_or(QJsonObject()), route.upstreamModel, &error);
        if (!gemini)
            return ProxyError::badRequest(error, "input");
        request.path = provider.pathPrefix + gemini->path;
        request.body = gemini->body;
        request.headers.append({ QByteArray("x-goog-api-key"), key });
        call.codec
            = std::make_unique<GeminiEmbeddingsCodec>(inbound.model, gemini->inputBytes, gemini->base64);
        return call;
    }
    if (embeddings && family != ProviderFamily::OpenAICompatible && family != ProviderFamily::AzureOpenAI)
        return ProxyError::badRequest(
            u"%1 offers no OpenAI-style embeddings endpoint through this gateway; use an OpenAI-compatible "
            "provider's embedding model."_s.arg(provider.spec.displayName),
            "model");

    const bool responsesClient = inbound.format == ClientFormat::Responses;
    const bool responsesPassthrough = responsesClient && servesResponses(provider);
    if (responsesClient && !responsesPassthrough) {
        if (!inbound.responses)
            return ProxyError::badRequest(inbound.responsesError, inbound.responsesErrorParam);
        if (!inbound.responses->droppedTools.isEmpty())
            call.clientHeaders.append({ QByteArray("x-llmgw-dropped-tools"),
                inbound.responses->droppedTools.join(u", "_s).toUtf8() });
    }

    switch (family) {
    case ProviderFamily::OpenAICompatible:
    case ProviderFamily::AzureOpenAI: {
        const QByteArray operationPath = embeddings ? "/embeddings"
            : responsesPassthrough                  ? "/responses"
                                                    : "/chat/completions";
        if (responsesPassthrough) {
            request.body = withModel(inbound.body, route.upstreamModel);
        } else {
            auto body = openAIBody(inbound, route.upstreamModel, &error);
            if (!body)
                return ProxyError::badRequest(error);
            request.body = std::move(*body);
        }
        if (family == ProviderFamily::AzureOpenAI) {
            const auto operation = embeddings ? AzureOpenAI::Operation::Embeddings
                : responsesPassthrough        ? AzureOpenAI::Operation::Responses
                                              : AzureOpenAI::Operation::ChatCompletions;
            const auto target
                = AzureOpenAI::target(provider.baseUrl, route.upstreamModel, operation, QString(), &error);
            if (!target)
                return ProxyError::badRequest(error, "model");
            request.path = target->path;
            request.headers.append({ QByteArray(AzureOpenAI::keyHeader), key });
        } else {
            request.path = provider.pathPrefix + operationPath;
            if (!key.isEmpty())
                request.headers.append({ QByteArray("authorization"), QByteArray("Bearer " + key) });
        }
        if (responsesPassthrough)
            call.codec = std::make_unique<ResponsesPassthroughCodec>();
        else if (inbound.format == ClientFormat::OpenAI)
            call.codec = std::make_unique<PassthroughCodec>(inbound.clientWantsUsage);
        break;
    }
    case ProviderFamily::Anthropic: {
        request.headers.append({ QByteArray("x-api-key"), key });
        request.headers.append({ QByteArray("anthropic-version"), QByteArray("2023-06-01") });
        request.path = provider.pathPrefix + "/v1/messages";
        if (inbound.format == ClientFormat::Anthropic) {
            // Same format both sides: the request goes as the client wrote it, but for the model's name.
            request.body = withModel(inbound.body, route.upstreamModel);
            if (!inbound.anthropicBeta.isEmpty())
                request.headers.append({ QByteArray("anthropic-beta"), inbound.anthropicBeta });
            call.codec = std::make_unique<AnthropicPassthroughCodec>(inbound.model);
            break;
        }
        const auto canonical = canonicalOf(inbound, &error);
        if (!canonical)
            return ProxyError::badRequest(error);
        const auto anthropic
            = AnthropicAdapter::fromOpenAIRequest(*canonical, route.upstreamModel, route.model, &error);
        if (!anthropic)
            return ProxyError::badRequest(error);
        request.body = anthropic->body;
        break;
    }
    case ProviderFamily::Gemini: {
        const auto canonical = canonicalOf(inbound, &error);
        if (!canonical)
            return ProxyError::badRequest(error);
        const auto gemini
            = GeminiAdapter::fromOpenAIRequest(*canonical, route.upstreamModel, route.model, &error);
        if (!gemini)
            return ProxyError::badRequest(error);
        request.path = provider.pathPrefix + gemini->path;
        request.body = gemini->body;
        request.headers.append({ QByteArray("x-goog-api-key"), key });
        break;
    }
    }
    if (!call.codec)
        call.codec = std::make_unique<TranslatingCodec>(inbound.format, family, inbound.model,
            inbound.clientWantsUsage,
            inbound.responses ? inbound.responses->context : ResponsesInbound::ResponseContext());
    return call;
}
