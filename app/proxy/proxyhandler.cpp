#include "proxyhandler.h"

#include "apihandler.h"
#include "apikeystore.h"
#include "clock.h"
#include "jsonscan.h"
#include "keygate.h"
#include "logwriter.h"
#include "openaicompat.h"
#include "policystore.h"
#include "anthropicinbound.h"
#include "geminiinbound.h"
#include "proxyexchange.h"
#include "responsecache.h"
#include "upstreamplan.h"

#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace {

void respondError(HttpResponder &responder, const ProxyError &error, const QByteArray &requestId)
{
    responder.respond(error.status, "application/json", error.toJson(), {{"x-request-id", requestId}});
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

ProxyHandler::ProxyHandler(const ProxyContext &context, const ApiContext *api)
    : m_context(context)
    , m_resolver(context.providers, context.catalog, &context.stats, &context.localModels)
    , m_requestIdPrefix("req_" + QByteArray::number(QRandomGenerator::system()->generate64(), 36) + '_')
    , m_api(api ? std::make_unique<ApiHandler>(*api) : nullptr)
{
}

ProxyHandler::~ProxyHandler()
{
    for (ProxyExchange *exchange : std::unordered_set<ProxyExchange *>(m_exchanges))
        delete exchange;
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

QByteArray ProxyHandler::requestIdFor(const HttpRequest &request)
{
    const QByteArray clientId = request.header("x-request-id");
    return usableRequestId(clientId) ? clientId : nextRequestId();
}

RequestRecord ProxyHandler::newRecord(const HttpRequest &request, const HttpResponder &responder, QString endpoint)
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
    return GeminiTarget{QString::fromUtf8(QByteArray::fromPercentEncoding(path.sliced(prefix.size(), colon - prefix.size()))),
                        method == "streamGenerateContent"};
}

bool isModelPath(const QByteArray &path)
{
    return isChatPath(path) || isMessagesPath(path) || isEmbeddingsPath(path) || geminiTarget(path).has_value();
}

ClientFormat formatFor(const QByteArray &path)
{
    if (isMessagesPath(path))
        return ClientFormat::Anthropic;
    return geminiTarget(path) ? ClientFormat::Gemini : ClientFormat::OpenAI;
}

QString endpointFor(const QByteArray &path)
{
    if (isMessagesPath(path))
        return u"/v1/messages"_s;
    if (geminiTarget(path))
        return u"/v1beta/models:generateContent"_s;
    return isEmbeddingsPath(path) ? u"/v1/embeddings"_s : u"/v1/chat/completions"_s;
}
} // namespace

void ProxyHandler::rejected(const HttpRequest &head, int status, const QByteArray &message, HttpResponder responder)
{
    const ProxyError error{status, QString::fromUtf8(message), status == 413 ? "request_too_large" : "invalid_request_error",
                           {}, {}};
    if (!isModelPath(head.path)) {
        respondError(responder, error, requestIdFor(head));
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
    if (m_api && ApiHandler::handles(request.path)) {
        m_api->handle(request, responder);
        return;
    }
    if (isModelPath(request.path)) {
        modelRequest(std::move(request), responder, formatFor(request.path));
        return;
    }
    const QByteArray requestId = requestIdFor(request);
    if (request.path == "/health") {
        responder.respond(200, "application/json", "{\"status\":\"ok\"}", {{"x-request-id", requestId}});
        return;
    }
    if (request.path == "/v1/models" || request.path == "/models") {
        if (request.method != "GET")
            respondError(responder, ProxyError::methodNotAllowed(request.method, request.path), requestId);
        else if (!m_context.keys.authenticate(presentedKey(request)))
            respondError(responder, ProxyError::invalidApiKey(), requestId);
        else
            listModels(request, responder);
        return;
    }
    respondError(responder, ProxyError::notFound(request.path), requestId);
}

void ProxyHandler::listModels(const HttpRequest &request, HttpResponder &responder)
{
    const auto providers = m_context.providers.snapshot();
    const quint64 localGeneration = m_context.localModels.generation();
    if (m_modelsBody.isEmpty() || m_modelsGeneration != providers->generation
        || m_localModelsGeneration != localGeneration) {
        m_modelsGeneration = providers->generation;
        m_localModelsGeneration = localGeneration;
        QByteArray data;
        const auto add = [&](const QString &provider, const QString &id) {
            if (!data.isEmpty())
                data += ',';
            data += "{\"id\":" + JsonScan::quote(QString(provider + u'/' + id))
                + ",\"object\":\"model\",\"created\":0,\"owned_by\":" + JsonScan::quote(provider) + '}';
        };
        for (const ModelInfo &model : m_context.catalog.models()) {
            if (!model.retired && providers->configured(model.provider))
                add(model.provider, model.id);
        }
        for (const LocalModels::Model &model : m_context.localModels.models()) {
            if (providers->configured(model.provider) && !m_context.catalog.find(model.provider, model.id))
                add(model.provider, model.id);
        }
        m_modelsBody = "{\"object\":\"list\",\"data\":[" + data + "]}";
    }
    responder.respond(200, "application/json", m_modelsBody, {{"x-request-id", requestIdFor(request)}});
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
    exchange->start(std::move(inbound), std::move(std::get<QList<ModelRoute>>(routes)), allowRetries, cacheKey);
}
