#include "tokencountexchange.h"

#include "geminiadapter.h"
#include "proxyhandler.h"
#include "tokencounting.h"

#include <QTimer>

using namespace Qt::StringLiterals;

namespace {
constexpr qsizetype MaxAnswerBytes = 1024 * 1024; // a count's answer is a few dozen bytes
}

TokenCountExchange::TokenCountExchange(ProxyHandler &handler, HttpResponder responder, QByteArray requestId,
    ClientFormat format, bool fromGemini)
    : m_handler(handler)
    , m_responder(std::move(responder))
    , m_requestId(std::move(requestId))
    , m_format(format)
    , m_fromGemini(fromGemini)
{
    m_responder.setAbortHandler([this] {
        m_call.cancel();
        // Not from inside the responder's call: release once the stack has unwound.
        QTimer::singleShot(0, &m_context, [this] { m_handler.release(this); });
    });
}

TokenCountExchange::~TokenCountExchange()
{
    m_call.cancel();
}

void TokenCountExchange::start(const UpstreamRequest &request)
{
    m_call = m_handler.upstream().start(request, this);
}

void TokenCountExchange::upstreamHead(int status, const HttpHeaders &)
{
    m_status = status;
}

void TokenCountExchange::upstreamData(QByteArray &&data)
{
    if (m_body.size() + data.size() > MaxAnswerBytes) {
        m_call.cancel();
        respond(502,
            errorBodyFor(
                m_format, ProxyError::badGateway(u"The upstream's token count is larger than 1 MiB."_s)));
        return;
    }
    m_body += data;
}

QByteArray TokenCountExchange::errorBody() const
{
    // Same family both sides: the upstream's envelope is already the client's.
    if (!m_fromGemini)
        return m_body;
    const auto info = GeminiAdapter::toOpenAIError(m_status, m_body);
    return errorBodyFor(m_format, ProxyError { m_status, info.message, info.type, info.code, {} });
}

void TokenCountExchange::upstreamFinished()
{
    m_call = UpstreamCall();
    if (m_status < 200 || m_status >= 300)
        return respond(m_status, errorBody());
    if (!m_fromGemini)
        return respond(m_status, m_body);
    const auto total = TokenCounting::geminiTotal(m_body);
    if (!total)
        return respond(502,
            errorBodyFor(m_format, ProxyError::badGateway(u"Gemini's token count has no totalTokens."_s)));
    respond(200, TokenCounting::answerBody(*total, m_format));
}

void TokenCountExchange::upstreamFailed(UpstreamError error, const QString &message)
{
    m_call = UpstreamCall();
    const ProxyError failure = error == UpstreamError::Timeout
        ? ProxyError::gatewayTimeout(u"The upstream did not count in time: %1"_s.arg(message))
        : ProxyError::badGateway(u"Cannot reach the upstream to count tokens: %1"_s.arg(message));
    respond(failure.status, errorBodyFor(m_format, failure));
}

void TokenCountExchange::respond(int status, const QByteArray &body)
{
    m_responder.respond(status, "application/json", body, { { "x-request-id", m_requestId } });
    m_handler.release(this);
}
