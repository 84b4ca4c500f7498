#pragma once

#include "exchangecodec.h"
#include "gatewayconfig.h"
#include "httpresponder.h"
#include "modellisting.h"
#include "modelresolver.h"
#include "requestrecord.h"
#include "upstreamclient.h"

#include <QObject>
#include <array>
#include <memory>
#include <unordered_set>

class ApiKeyStore;
class GatewayVitals;
class PolicyStore;
class Clock;
class LogWriter;
class ModelCatalog;
class ProxyExchange;
class ProviderRegistry;
class ProviderStats;
class ResponseCache;
class TokenCountExchange;

// What every worker's proxy shares: settings, catalog, keys and the log writer (all thread-safe or const).
struct ProxyContext
{
    const GatewayConfig &config;
    const ModelCatalog &catalog;
    const LocalModels &localModels; // what local servers serve now
    ApiKeyStore &keys;
    LogWriter &log;
    const Clock &clock;
    ResponseCache *cache = nullptr; // null when the response cache is off
    ProviderStats &stats;
    const PolicyStore &policies; // what the records may keep
    ProviderRegistry &providers; // the live providers; the config's list is only where they start from
    GatewayVitals *vitals
        = nullptr; // counts requests in flight and per minute for /api/v1/status; may be null
};

// Serves /v1 and /health on one worker thread: authenticates, resolves the model and hands chat requests
// to a ProxyExchange that talks to the upstream through this thread's connection pool.
class ProxyHandler final : public HttpHandler
{
public:
    explicit ProxyHandler(const ProxyContext &context);
    ~ProxyHandler() override;

    void handle(HttpRequest &&request, HttpResponder responder) override;
    void rejected(
        const HttpRequest &head, int status, const QByteArray &message, HttpResponder responder) override;

    // Called by an exchange when it is done; deletes it.
    void release(ProxyExchange *exchange);
    void release(TokenCountExchange *count);

    UpstreamClient &upstream() { return m_upstream; }
    const ProxyContext &context() const { return m_context; }
    QByteArray nextRequestId();

private:
    // The models of configured providers (catalog and local servers), rebuilt when either changes.
    const QList<ModelListing::Model> &reachableModels();
    void listModels(const ModelListing::Query &query, const QByteArray &requestId, HttpResponder &responder);
    // /v1/chat/completions (OpenAI clients) and /v1/messages (Anthropic clients), to any provider.
    void modelRequest(HttpRequest &&request, HttpResponder &responder, ClientFormat format);
    // /v1/messages/count_tokens and /v1beta/models/{model}:countTokens (tokencounting.h); `model` empty: in
    // the body.
    void countTokens(
        HttpRequest &&request, HttpResponder &responder, ClientFormat format, const QString &model);
    RequestRecord newRecord(const HttpRequest &request, const HttpResponder &responder, QString endpoint);
    QByteArray requestIdFor(const HttpRequest &request);

    ProxyContext m_context;
    ModelResolver m_resolver;
    UpstreamClient m_upstream;
    std::unordered_set<ProxyExchange *> m_exchanges;
    std::unordered_set<TokenCountExchange *> m_counts;
    QList<ModelListing::Model> m_models;
    std::array<QByteArray, 3>
        m_listBodies; // per ClientFormat, built on first use and again when m_models changes
    quint64 m_modelsGeneration = 0; // the providers' snapshot m_models was built from
    quint64 m_localModelsGeneration = 0; // and the local servers' models
    QByteArray m_requestIdPrefix;
    quint64 m_requestCounter = 0;
};
