#include "proxyhandler.h"

#include "anthropicinbound.h"
#include "apikeystore.h"
#include "clock.h"
#include "geminiinbound.h"
#include "jsonscan.h"
#include "keygate.h"
#include "logwriter.h"
#include "modellisting.h"
#include "openaicompat.h"
#include "policystore.h"
#include "proxyexchange.h"
#include "responsecache.h"
#include "responsesinbound.h"
#include "tokencountexchange.h"
#include "tokencounting.h"
#include "upstreamplan.h"

#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace {

void respondError(HttpResponder &responder, const ProxyError &error, const QByteArray &requestId,
    ClientFormat format = ClientFormat::OpenAI)
{
    responder.respond(
        error.status, "application/json", errorBodyFor(format, error), { { "x-request-id", requestId } });
}

// Anthropic's SDKs and Claude Code send these; OpenAI's never do.
bool isAnthropicClient(const HttpRequest &request)
{
    return !request.header("anthropic-version").isEmpty() || !request.header("x-api-key").isEmpty();
}

// The key the client presented: "Authorization: Bearer <key>" or "x-api-key: <key>".
QByteArray presentedKey(const HttpRequest &request)
{
    const QByteArray authorization = request.header("authorization");
    if (authorization.size() > 7 && authorization.first(7).compare("bearer ", Qt::CaseInsensitive) == 0)
        return authorization.sliced(7).trimmed();
    if (const QByteArray key = request.header("x-api-key"); !key.isEmpty())
        return key;
    return request.header("x-goog-api-key"); // Google's SDKs
}

bool isJsonContentType(const QByteArray &contentType)
{
    const qsizetype semicolon = contentType.indexOf(';');
    const QByteArray mediaType = (semicolon < 0 ? contentType : contentType.first(semicolon)).trimmed();
    return mediaType.compare("application/json", Qt::CaseInsensitive) == 0;
}

// A client's x-request-id is kept when it is a reasonable token; otherwise the gateway makes one.
bool usableRequestId(const QByteArray &id)
{
    if (id.isEmpty() || id.size() > 128)
        return false;
    for (const char c : id) {
        if (c <= 0x20 || c >= 0x7f)
            return false;
    }
    return true;
}

} // namespace

ProxyHandler::ProxyHandler(const ProxyContext &context)
    : m_context(context)
    , m_resolver(context.providers, context.catalog, &context.stats, &context.localModels)
    , m_requestIdPrefix("req_" + QByteArray::number(QRandomGenerator::system()->generate64(), 36) + '_')
{ }

ProxyHandler::~ProxyHandler()
{
    for (ProxyExchange *exchange : std::unordered_set<ProxyExchange *>(m_exchanges))
        delete exchange;
    for (TokenCountExchange *count : std::unordered_set<TokenCountExchange *>(m_counts))
        delete count;
}

QByteArray ProxyHandler::nextRequestId()
{
    return m_requestIdPrefix + QByteArray::number(++m_requestCounter, 36);
}

void ProxyHandler::release(ProxyExchange *exchange)
{
    m_exchanges.erase(exchange);
    delete exchange;
}

void ProxyHandler::release(TokenCountExchange *count)
{
    m_counts.erase(count);
    delete count;
}

QByteArray ProxyHandler::requestIdFor(const HttpRequest &request)
{
    const QByteArray clientId = request.header("x-request-id");
    return usableRequestId(clientId) ? clientId : nextRequestId();
}

RequestRecord ProxyHandler::newRecord(
    const HttpRequest &request, const HttpResponder &responder, QString endpoint)
{
    RequestRecord record;
    record.requestId = requestIdFor(request);
    record.createdAt = m_context.clock.now();
    record.clientIp = responder.peerAddress().toString();
    record.userAgent = QString::fromUtf8(request.header("user-agent"));
    record.endpoint = std::move(endpoint);
    return record;
}

namespace {
bool isChatPath(const QByteArray &path)
{
    return path == "/v1/chat/completions" || path == "/chat/completions";
}

// The client's opt-out of the response cache for one request.
bool bypassesCache(const HttpRequest &request)
{
    const QByteArray cacheControl = request.header("cache-control");
    return Http::hasToken(cacheControl, "no-cache") || Http::hasToken(cacheControl, "no-store")
        || request.header("x-llmgw-cache").compare("bypass", Qt::CaseInsensitive) == 0;
}

bool isMessagesPath(const QByteArray &path)
{
    return path == "/v1/messages";
}

bool isResponsesPath(const QByteArray &path)
{
    return path == "/v1/responses" || path == "/responses";
}

bool isEmbeddingsPath(const QByteArray &path)
{
    return path == "/v1/embeddings" || path == "/embeddings";
}

// Google's generateContent: "/v1beta/models/<model>:generateContent" or ":streamGenerateContent".
struct GeminiTarget
{
    QString model;
    bool stream = false;
};
std::optional<GeminiTarget> geminiTarget(const QByteArray &path)
{
    static const QByteArray prefix = "/v1beta/models/";
    if (!path.startsWith(prefix))
        return std::nullopt;
    const qsizetype colon = path.lastIndexOf(':');
    if (colon <= prefix.size())
        return std::nullopt;
    const QByteArray method = path.sliced(colon + 1);
    if (method != "generateContent" && method != "streamGenerateContent")
        return std::nullopt;
    return GeminiTarget { QString::fromUtf8(QByteArray::fromPercentEncoding(
                              path.sliced(prefix.size(), colon - prefix.size()))),
        method == "streamGenerateContent" };
}

// Token counting: Anthropic's /v1/messages/count_tokens, or Gemini's ":countTokens" with the model.
struct CountTarget
{
    ClientFormat format;
    QString model; // Gemini: from the path; Anthropic: in the body
};
std::optional<CountTarget> countTarget(const QByteArray &path)
{
    if (path == "/v1/messages/count_tokens")
        return CountTarget { ClientFormat::Anthropic, {} };
    static const QByteArray prefix = "/v1beta/models/";
    static const QByteArray method = ":countTokens";
    if (!path.startsWith(prefix) || !path.endsWith(method) || path.size() <= prefix.size() + method.size())
        return std::nullopt;
    return CountTarget { ClientFormat::Gemini,
        QString::fromUtf8(QByteArray::fromPercentEncoding(
            path.sliced(prefix.size(), path.size() - prefix.size() - method.size()))) };
}

bool isModelPath(const QByteArray &path)
{
    return isChatPath(path) || isMessagesPath(path) || isResponsesPath(path) || isEmbeddingsPath(path)
        || geminiTarget(path).has_value();
}

ClientFormat formatFor(const QByteArray &path)
{
    if (isMessagesPath(path))
        return ClientFormat::Anthropic;
    if (isResponsesPath(path))
        return ClientFormat::Responses;
    return geminiTarget(path) ? ClientFormat::Gemini : ClientFormat::OpenAI;
}

QString endpointFor(const QByteArray &path)
{
    if (isMessagesPath(path))
        return u"/v1/messages"_s;
    if (isResponsesPath(path))
        return u"/v1/responses"_s;
    if (geminiTarget(path))
        return u"/v1beta/models:generateContent"_s;
    return isEmbeddingsPath(path) ? u"/v1/embeddings"_s : u"/v1/chat/completions"_s;
}
} // namespace

void ProxyHandler::rejected(
    const HttpRequest &head, int status, const QByteArray &message, HttpResponder responder)
{
    const ProxyError error { status, QString::fromUtf8(message),
        status == 413 ? "request_too_large" : "invalid_request_error", {}, {} };
    if (!isModelPath(head.path)) {
        const auto count = countTarget(head.path); // a count too large: in its client's envelope
        respondError(responder, error, requestIdFor(head), count ? count->format : ClientFormat::OpenAI);
        return;
    }
    const ClientFormat format = formatFor(head.path);
    // A model request all the same: it gets its record, with the key that sent it when that key is good.
    QElapsedTimer started;
    started.start();
    RequestRecord record = newRecord(head, responder, endpointFor(head.path));
    if (const auto key = m_context.keys.authenticate(presentedKey(head))) {
        record.apiKeyId = key->id;
        record.member = key->member;
    }
    ProxyExchange::reject(*this, responder, std::move(record), started, error, format);
}

void ProxyHandler::handle(HttpRequest &&request, HttpResponder responder)
{
    if (isModelPath(request.path)) {
        modelRequest(std::move(request), responder, formatFor(request.path));
        return;
    }
    if (const auto count = countTarget(request.path)) {
        countTokens(std::move(request), responder, count->format, count->model);
        return;
    }
    const QByteArray requestId = requestIdFor(request);
    if (request.path == "/health") {
        responder.respond(200, "application/json", "{\"status\":\"ok\"}", { { "x-request-id", requestId } });
        return;
    }
    if (const auto query = ModelListing::queryFor(request.path, isAnthropicClient(request))) {
        if (request.method != "GET")
            respondError(responder, ProxyError::methodNotAllowed(request.method, request.path), requestId,
                query->format);
        else if (!m_context.keys.authenticate(presentedKey(request)))
            respondError(responder, ProxyError::invalidApiKey(), requestId, query->format);
        else
            listModels(*query, requestId, responder);
        return;
    }
    if (request.path.startsWith("/v1/responses/")) {
        respondError(responder,
            ProxyError { 404,
                u"This gateway does not store responses, so it cannot retrieve, cancel or "
                "delete one; keep what you need from the answer itself."_s,
                "invalid_request_error", "not_found", {} },
            requestId);
        return;
    }
    respondError(responder, ProxyError::notFound(request.path), requestId);
}

const QList<ModelListing::Model> &ProxyHandler::reachableModels()
{
    const auto providers = m_context.providers.snapshot();
    const quint64 localGeneration = m_context.localModels.generation();
    if (m_modelsGeneration == providers->generation && m_localModelsGeneration == localGeneration
        && !m_listBodies[0].isEmpty())
        return m_models;
    m_modelsGeneration = providers->generation;
    m_localModelsGeneration = localGeneration;
    m_models.clear();
    for (const ModelInfo &model : m_context.catalog.models()) {
        if (!model.retired && providers->configured(model.provider))
            m_models.append({ model.provider, model.provider + u'/' + model.id, model.contextTokens,
                model.maxOutputTokens, model.embeddings });
    }
    for (const LocalModels::Model &model : m_context.localModels.models()) {
        if (providers->configured(model.provider) && !m_context.catalog.find(model.provider, model.id))
            m_models.append({ model.provider, model.provider + u'/' + model.id, 0, 0, false });
    }
    for (QByteArray &body : m_listBodies)
        body.clear();
    m_listBodies[0] = ModelListing::listBody(m_models, ClientFormat::OpenAI); // the common one, built at once
    return m_models;
}

void ProxyHandler::listModels(
    const ModelListing::Query &query, const QByteArray &requestId, HttpResponder &responder)
{
    const QList<ModelListing::Model> &models = reachableModels();
    if (!query.id.isEmpty()) {
        const ModelListing::Model *model = ModelListing::find(models, query.id);
        if (!model)
            return respondError(responder, ModelListing::notFound(query.id), requestId, query.format);
        responder.respond(200, "application/json", ModelListing::modelBody(*model, query.format),
            { { "x-request-id", requestId } });
        return;
    }
    QByteArray &body = m_listBodies[size_t(query.format)];
    if (body.isEmpty())
        body = ModelListing::listBody(models, query.format);
    responder.respond(200, "application/json", body, { { "x-request-id", requestId } });
}

void ProxyHandler::modelRequest(HttpRequest &&request, HttpResponder &responder, ClientFormat format)
{
    QElapsedTimer started;
    started.start();
    RequestRecord record = newRecord(request, responder, endpointFor(request.path));
    const auto reject = [&](const ProxyError &error) {
        ProxyExchange::reject(*this, responder, std::move(record), started, error, format);
    };
    const bool retain = m_context.policies.level() == RetentionLevel::RetainAll;

    if (request.method != "POST")
        return reject(ProxyError::methodNotAllowed(request.method, request.path));
    const auto key = m_context.keys.identify(presentedKey(request)); // disabled or expired: KeyGate says so
    if (!key)
        return reject(ProxyError::invalidApiKey());
    record.apiKeyId = key->id;
    record.member = key->member;
    if (retain)
        record.requestBody = request.body;

    const QByteArray contentType = request.header("content-type");
    if (!isJsonContentType(contentType))
        return reject(ProxyError::unsupportedMediaType(contentType));
    InboundChat inbound;
    inbound.format = format;
    inbound.body = std::move(request.body);
    QString error;
    if (isEmbeddingsPath(request.path)) {
        inbound.kind = InboundChat::Kind::Embeddings;
        inbound.openai = OpenAICompat::readEmbeddingsRequest(inbound.body, &error);
        if (!inbound.openai)
            return reject(ProxyError::badRequest(error));
        inbound.model = inbound.openai->model;
    } else if (format == ClientFormat::OpenAI) {
        inbound.openai = OpenAICompat::readChatRequest(inbound.body, &error);
        if (!inbound.openai)
            return reject(ProxyError::badRequest(error));
        inbound.model = inbound.openai->model;
        inbound.stream = inbound.openai->stream;
        inbound.clientWantsUsage = inbound.openai->clientWantsUsage;
    } else if (format == ClientFormat::Responses) {
        QByteArray param;
        const auto head = ResponsesInbound::readRequest(inbound.body, &error, &param);
        if (!head)
            return reject(ProxyError::badRequest(error, param));
        inbound.model = head->model;
        inbound.stream = head->stream;
        inbound.clientWantsUsage = true; // Responses always end with their usage
        // Only routes without a Responses API need the translation; only they refuse what it cannot carry.
        if (auto translation = ResponsesInbound::toOpenAIRequest(
                head->body, &inbound.responsesError, &inbound.responsesErrorParam)) {
            inbound.canonical = translation->canonical;
            inbound.responses = std::move(*translation);
        }
    } else if (format == ClientFormat::Gemini) {
        const GeminiTarget target = *geminiTarget(request.path);
        auto canonical = GeminiInbound::toOpenAIRequest(inbound.body, target.model, target.stream, &error);
        if (!canonical)
            return reject(ProxyError::badRequest(error));
        inbound.canonical = std::move(*canonical);
        inbound.model = target.model;
        inbound.stream = target.stream;
        inbound.clientWantsUsage = true; // Gemini answers always carry usageMetadata
    } else {
        // Only what routing needs: whether the rest is acceptable is Anthropic's to say on the passthrough
        // route, and the translation's (when the request is planned) on the others.
        const auto head = AnthropicInbound::readHead(inbound.body, &error);
        if (!head)
            return reject(ProxyError::badRequest(error));
        inbound.model = head->model;
        inbound.stream = head->stream;
        inbound.clientWantsUsage = true; // Anthropic streams always report usage in message_delta
        inbound.anthropicBeta = request.header("anthropic-beta");
    }
    record.requestedModel = inbound.model;
    record.streamed = inbound.stream;

    auto routes = m_resolver.resolve(inbound.model);
    if (const auto refused = KeyGate::admit(m_context.keys, *key, inbound.model, routes))
        return reject(*refused);
    if (const auto *routeError = std::get_if<ProxyError>(&routes))
        return reject(*routeError);
    const bool allowRetries = request.header("x-no-fallback").compare("true", Qt::CaseInsensitive) != 0;

    QByteArray cacheKey;
    if (m_context.cache && !bypassesCache(request)) {
        cacheKey = ResponseCache::keyFor(request.path, int(format), inbound.body);
        if (const auto hit = m_context.cache->find(cacheKey)) {
            ProxyExchange::replay(*this, responder, std::move(record), started, *hit);
            return;
        }
    }
    auto *exchange = new ProxyExchange(*this, responder, std::move(record), started);
    m_exchanges.insert(exchange);
    exchange->start(
        std::move(inbound), std::move(std::get<QList<ModelRoute>>(routes)), allowRetries, cacheKey);
}

void ProxyHandler::countTokens(
    HttpRequest &&request, HttpResponder &responder, ClientFormat format, const QString &model)
{
    const QByteArray requestId = requestIdFor(request);
    const auto refuse = [&](const ProxyError &error) { respondError(responder, error, requestId, format); };
    if (request.method != "POST")
        return refuse(ProxyError::methodNotAllowed(request.method, request.path));
    const auto key = m_context.keys.identify(presentedKey(request));
    if (!key)
        return refuse(ProxyError::invalidApiKey());
    const QByteArray contentType = request.header("content-type");
    if (!isJsonContentType(contentType))
        return refuse(ProxyError::unsupportedMediaType(contentType));
    QString requestedModel = model;
    QString error;
    if (format == ClientFormat::Anthropic) {
        const auto head = AnthropicInbound::readHead(request.body, &error);
        if (!head)
            return refuse(ProxyError::badRequest(error));
        requestedModel = head->model;
    } else if (JsonScan::typeAt(request.body, JsonScan::validate(request.body, &error))
        != JsonScan::Type::Object) {
        return refuse(ProxyError::badRequest(u"The request body must be a JSON object: "_s + error));
    }

    auto routes = m_resolver.resolve(requestedModel);
    if (const auto refused = KeyGate::admit(m_context.keys, *key, requestedModel, routes))
        return refuse(*refused);
    if (const auto *routeError = std::get_if<ProxyError>(&routes))
        return refuse(*routeError);
    const TokenCounting::CountRequest count { format, request.body, request.header("anthropic-beta") };
    auto plan = TokenCounting::plan(count, std::get<QList<ModelRoute>>(routes).first(), m_context.config);
    if (const auto *refused = std::get_if<ProxyError>(&plan))
        return refuse(*refused);
    if (std::holds_alternative<TokenCounting::Estimate>(plan)) {
        responder.respond(200, "application/json",
            TokenCounting::answerBody(TokenCounting::estimate(request.body, format), format),
            { { "x-request-id", requestId }, { "x-llmgw-token-count", "estimated" } });
        return;
    }
    const auto &call = std::get<TokenCounting::CountCall>(plan);
    auto *exchange = new TokenCountExchange(*this, responder, requestId, format, call.fromGemini);
    m_counts.insert(exchange);
    exchange->start(call.request);
}
