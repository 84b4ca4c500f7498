#pragma once

#include "httpresponder.h"
#include "modelresolver.h"
#include "openaicompat.h"
#include "requestrecord.h"
#include "upstreamclient.h"

#include <QElapsedTimer>

class ProxyHandler;

// One chat completion on its way through the gateway: sends it upstream, relays the answer (event by
// event for streams), reads the usage, adds the cost, and hands the record to the log writer.
class ProxyExchange final : public UpstreamSink
{
public:
    ProxyExchange(ProxyHandler &handler, HttpResponder responder, RequestRecord record, QElapsedTimer started);
    ~ProxyExchange() override;

    // Starts the upstream call for a validated request.
    void start(const QByteArray &clientBody, const OpenAICompat::ChatRequest &request, const ModelRoute &route);

    // Answers the client with an error before anything reached the upstream, records it, and releases.
    static void reject(ProxyHandler &handler, HttpResponder &responder, RequestRecord record,
                       const QElapsedTimer &started, const ProxyError &error);

    void upstreamHead(int status, const HttpHeaders &headers) override;
    void upstreamData(QByteArray &&data) override;
    void upstreamFinished() override;
    void upstreamFailed(UpstreamError error, const QString &message) override;

private:
    void onClientGone();
    void relayEvents(bool final);
    QByteArray processEvent(QByteArrayView event);
    void finishWhole();
    void finishStream();
    void fail(const ProxyError &error);
    void complete();
    HttpHeaders responseHeaders() const;

    ProxyHandler &m_handler;
    HttpResponder m_responder;
    RequestRecord m_record;
    QElapsedTimer m_started;
    UpstreamCall m_call;
    const ModelInfo *m_model = nullptr;
    bool m_retain = true;
    bool m_clientWantsUsage = false;
    bool m_streaming = false; // relaying an event stream
    int m_upstreamStatus = 0;
    HttpHeaders m_passHeaders;
    QByteArray m_body;   // a whole (non-stream or error) response
    QByteArray m_events; // stream bytes not yet split into events
};
