#pragma once

#include "exchangecodec.h"
#include "httpresponder.h"
#include "upstreamclient.h"

#include <QObject>

class ProxyHandler;

// One token count on its way through an upstream's counting endpoint (see tokencounting.h): relays the
// answer, turning Google's {"totalTokens"} into Anthropic's {"input_tokens"} where the client asked in
// Anthropic's format, and errors into the client's envelope. Leaves no record. The handler deletes it when it
// is done.
class TokenCountExchange final : public UpstreamSink
{
public:
    TokenCountExchange(ProxyHandler &handler, HttpResponder responder, QByteArray requestId,
        ClientFormat format, bool fromGemini);
    ~TokenCountExchange() override;

    void start(const UpstreamRequest &request);

    void upstreamHead(int status, const HttpHeaders &headers) override;
    void upstreamData(QByteArray &&data) override;
    void upstreamFinished() override;
    void upstreamFailed(UpstreamError error, const QString &message) override;

private:
    void respond(int status, const QByteArray &body);
    QByteArray errorBody() const;

    ProxyHandler &m_handler;
    HttpResponder m_responder;
    QByteArray m_requestId;
    ClientFormat m_format;
    bool m_fromGemini;
    UpstreamCall m_call;
    int m_status = 0;
    QByteArray m_body;
    QObject m_context; // for the deferred release after the client left
};
