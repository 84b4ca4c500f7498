#pragma once

#include "exchangecodec.h"
#include "httpresponder.h"
#include "modelresolver.h"
#include "requestrecord.h"
#include "responsecache.h"
#include "upstreamclient.h"
#include "upstreamplan.h"

#include <QElapsedTimer>
#include <QTimer>

#include <memory>

class ProxyHandler;

// One model request on its way through the gateway: sends it upstream, relays the answer through its codec
// (event by event for streams), and hands the record, with usage and cost, to the log writer. When an
// attempt fails before anything reached the client (connection errors, timeouts, 429, 5xx), it tries again,
// on the next route (fallback) or the same one, at most MaxAttempts times; each attempt is recorded.
class ProxyExchange final : public UpstreamSink
{
public:
    ProxyExchange(
        ProxyHandler &handler, HttpResponder responder, RequestRecord record, QElapsedTimer started);
    ~ProxyExchange() override;

    static constexpr int MaxAttempts = 3;

    // Starts the first attempt on routes.first(); `allowRetries` false (X-No-Fallback) makes it the only one.
    // A non-empty `cacheKey` stores a successful answer in the response cache under it.
    void start(InboundChat &&inbound, QList<ModelRoute> routes, bool allowRetries, QByteArray cacheKey = {});

    // Answers from the response cache (no upstream call, cost 0, "x-llmgw-cache: hit") and records it.
    static void replay(ProxyHandler &handler, HttpResponder &responder, RequestRecord record,
        const QElapsedTimer &started, const ResponseCache::Entry &hit);

    // Answers the client with an error (in its format) before anything reached the upstream, and records it.
    static void reject(ProxyHandler &handler, HttpResponder &responder, RequestRecord record,
        const QElapsedTimer &started, const ProxyError &error, ClientFormat format);

    void upstreamHead(int status, const HttpHeaders &headers) override;
    void upstreamData(QByteArray &&data) override;
    void upstreamFinished() override;
    void upstreamFailed(UpstreamError error, const QString &message) override;

private:
    void startAttempt();
    bool retryIfPossible(const QString &why);
    void onClientGone();
    void relayEvents(bool final);
    void send(const QByteArray &bytes);
    void finishWhole();
    void finishStream();
    void fail(const ProxyError &error);
    void complete();
    void noteOutcome();
    void storeInCache(const QByteArray &clientBytes);
    HttpHeaders responseHeaders() const;

    ProxyHandler &m_handler;
    HttpResponder m_responder;
    RequestRecord m_base; // what every attempt's record shares
    RequestRecord m_record; // this attempt's
    InboundChat m_inbound;
    QList<ModelRoute> m_routes;
    int m_attempt = 0;
    bool m_allowRetries = true;
    QTimer m_retryTimer;
    QElapsedTimer m_started;
    QElapsedTimer m_attemptTimer;
    UpstreamCall m_call;
    std::unique_ptr<ExchangeCodec> m_codec;
    ExchangeState m_state;
    bool m_retain = true;
    bool m_streaming = false; // relaying an event stream
    int m_upstreamStatus = 0;
    HttpHeaders m_passHeaders;
    HttpHeaders m_clientHeaders; // the route's own, for the client (PlannedCall::clientHeaders)
    QByteArray m_body; // a whole (non-stream or error) response
    QByteArray m_events; // stream bytes not yet split into events
    QByteArray m_cacheKey;
    QByteArray m_cacheBytes; // what the client received, to cache
};
