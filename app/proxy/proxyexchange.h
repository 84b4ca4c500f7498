#pragma once

#include "exchangecodec.h"
#include "httpresponder.h"
#include "requestrecord.h"
#include "upstreamclient.h"

#include <QElapsedTimer>

#include <memory>

class ProxyHandler;
struct PlannedCall;

// One model request on its way through the gateway: sends it upstream, relays the answer through its codec
// (event by event for streams), and hands the record, with usage and cost, to the log writer.
class ProxyExchange final : public UpstreamSink
{
public:
    ProxyExchange(ProxyHandler &handler, HttpResponder responder, RequestRecord record, QElapsedTimer started);
    ~ProxyExchange() override;

    // Starts the planned upstream call; `model` prices it.
    void start(PlannedCall &&call, const ModelInfo *model);

    // Answers the client with an error (in its format) before anything reached the upstream, and records it.
    static void reject(ProxyHandler &handler, HttpResponder &responder, RequestRecord record,
                       const QElapsedTimer &started, const ProxyError &error, ClientFormat format);

    void upstreamHead(int status, const HttpHeaders &headers) override;
    void upstreamData(QByteArray &&data) override;
    void upstreamFinished() override;
    void upstreamFailed(UpstreamError error, const QString &message) override;

private:
    void onClientGone();
    void relayEvents(bool final);
    void send(const QByteArray &bytes);
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
    std::unique_ptr<ExchangeCodec> m_codec;
    ExchangeState m_state;
    bool m_retain = true;
    bool m_streaming = false; // relaying an event stream
    int m_upstreamStatus = 0;
    HttpHeaders m_passHeaders;
    QByteArray m_body;   // a whole (non-stream or error) response
    QByteArray m_events; // stream bytes not yet split into events
};
