#include "proxyexchange.h"

#include "apikeystore.h"
#include "clock.h"
#include "gatewayvitals.h"
#include "logwriter.h"
#include "openaicompat.h"
#include "policystore.h"
#include "providerstats.h"
#include "proxyhandler.h"
#include "upstreamplan.h"

#include <cstring>

using namespace Qt::StringLiterals;

namespace {
constexpr qsizetype MaxWholeResponseBytes = 64 * 1024 * 1024;

// The end (just past the blank line) of the SSE event starting at `from`, or -1 when it is incomplete.
// Lines end in LF or CRLF; one pass over the bytes.
qsizetype eventEnd(QByteArrayView data, qsizetype from)
{
    const char *begin = data.data();
    const char *end = begin + data.size();
    const char *p = begin + from;
    while (p < end) {
        p = static_cast<const char *>(memchr(p, '\n', size_t(end - p)));
        if (!p)
            return -1;
        ++p;
        if (p < end && *p == '\n')
            return (p - begin) + 1;
        if (p + 1 < end && p[0] == '\r' && p[1] == '\n')
            return (p - begin) + 2;
    }
    return -1;
}

void logRecord(ProxyHandler &handler, RequestRecord &&record, const QElapsedTimer &started)
{
    record.durationMs = started.elapsed();
    if (record.cost) { // before the log writer can write it: a key's first spend seed must not count it twice
        handler.context().keys.recordSpend(record.apiKeyId, record.cost->total(), record.createdAt);
        handler.context().providers.spend().add(
            record.usedProvider, record.cost->total(), record.createdAt, handler.context().clock.now());
    }
    if (GatewayVitals *vitals = handler.context().vitals; vitals && !record.retried)
        vitals->requestFinished(record.status >= 400 || record.status == 0);
    handler.context().log.enqueue(std::move(record));
}
} // namespace

ProxyExchange::ProxyExchange(
    ProxyHandler &handler, HttpResponder responder, RequestRecord record, QElapsedTimer started)
    : m_handler(handler)
    , m_responder(std::move(responder))
    , m_base(std::move(record))
    , m_started(started)
{
    m_retain = handler.context().policies.level() == RetentionLevel::RetainAll;
    if (GatewayVitals *vitals = handler.context().vitals)
        vitals->requestStarted();
    m_responder.setAbortHandler([this] { onClientGone(); });
    m_retryTimer.setSingleShot(true);
    QObject::connect(&m_retryTimer, &QTimer::timeout, &m_retryTimer, [this] { startAttempt(); });
}

ProxyExchange::~ProxyExchange()
{
    m_call.cancel();
    if (GatewayVitals *vitals = m_handler.context().vitals)
        vitals->requestEnded();
}

void ProxyExchange::reject(ProxyHandler &handler, HttpResponder &responder, RequestRecord record,
    const QElapsedTimer &started, const ProxyError &error, ClientFormat format)
{
    const QByteArray body = errorBodyFor(format, error);
    responder.respond(error.status, "application/json", body, { { "x-request-id", record.requestId } });
    record.status = error.status;
    record.error = error.message;
    if (handler.context().policies.level() == RetentionLevel::RetainAll)
        record.responseBody = body;
    logRecord(handler, std::move(record), started);
}

void ProxyExchange::replay(ProxyHandler &handler, HttpResponder &responder, RequestRecord record,
    const QElapsedTimer &started, const ResponseCache::Entry &hit)
{
    const HttpHeaders headers { { "x-request-id", record.requestId }, { "x-llmgw-cache", "hit" } };
    QByteArray body = hit.body;
    if (hit.stream) {
        responder.beginStream(200, "text/event-stream; charset=utf-8", headers);
        responder.writeStreamData(body);
        responder.endStream();
    } else {
        // The answer cost nothing this time; its usage.cost says so.
        const JsonScan::Span root = JsonScan::validate(body);
        const JsonScan::Span usage = JsonScan::member(body, root, "usage");
        if (JsonScan::typeAt(body, usage) == JsonScan::Type::Object)
            body = OpenAICompat::withCost(body, usage, 0);
        responder.respond(200, "application/json", body, headers);
    }
    record.status = 200;
    record.cacheHit = true;
    record.usedProvider = hit.usedProvider;
    record.usedModel = hit.usedModel;
    record.finishReason = hit.finishReason;
    record.usage = hit.usage;
    record.cost = Cost {};
    record.ttftMs = started.elapsed();
    if (handler.context().policies.level() == RetentionLevel::RetainAll)
        record.responseBody = body;
    logRecord(handler, std::move(record), started);
}

void ProxyExchange::storeInCache(const QByteArray &clientBytes)
{
    if (m_cacheKey.isEmpty() || m_record.status != 200 || !m_record.error.isEmpty())
        return;
    ResponseCache::Entry entry;
    entry.body = clientBytes;
    entry.stream = m_streaming;
    entry.usedProvider = m_record.usedProvider;
    entry.usedModel = m_record.usedModel;
    entry.finishReason = m_state.finishReason;
    entry.usage = m_state.usage;
    m_handler.context().cache->store(m_cacheKey, std::move(entry));
}

void ProxyExchange::start(
    InboundChat &&inbound, QList<ModelRoute> routes, bool allowRetries, QByteArray cacheKey)
{
    m_cacheKey = std::move(cacheKey);
    m_inbound = std::move(inbound);
    m_routes = std::move(routes);
    m_allowRetries = allowRetries;
    startAttempt();
}

void ProxyExchange::startAttempt()
{
    // Attempt n goes to route n; with fewer routes than attempts, the last route is tried again.
    const ModelRoute &route = m_routes.at(qMin<qsizetype>(m_attempt, m_routes.size() - 1));
    ++m_attempt;
    m_attemptTimer.start();
    m_record = m_base;
    m_record.attempt = m_attempt;
    m_record.usedProvider = route.provider->spec.id;
    m_record.usedModel = route.upstreamModel;
    m_state = ExchangeState();
    m_state.model = route.model;
    m_upstreamStatus = 0;
    m_passHeaders.clear();
    m_body.clear();
    m_events.clear();
    auto plan = planUpstreamCall(m_inbound, route, m_handler.context().config);
    if (const auto *error = std::get_if<ProxyError>(&plan)) {
        fail(*error);
        return;
    }
    PlannedCall &call = std::get<PlannedCall>(plan);
    m_codec = std::move(call.codec);
    m_clientHeaders = std::move(call.clientHeaders);
    m_call = m_handler.upstream().start(call.request, this);
}

bool ProxyExchange::retryIfPossible(const QString &why)
{
    if (!m_allowRetries || m_attempt >= MaxAttempts || m_streaming || !m_responder.isOpen())
        return false;
    // This attempt is over: its record goes out, the next one starts (after a pause when it goes to the
    // same provider again, which has just failed).
    m_record.error = why;
    m_record.retried = true;
    m_record.usage = m_state.usage;
    m_record.cost = m_state.cost;
    if (!m_retain)
        m_record.responseBody.clear();
    noteOutcome();
    logRecord(m_handler, std::move(m_record), m_started);
    const bool sameRoute = m_attempt >= m_routes.size();
    m_retryTimer.start(sameRoute ? 250 * m_attempt : 0);
    return true;
}

HttpHeaders ProxyExchange::responseHeaders() const
{
    HttpHeaders headers { { "x-request-id", m_record.requestId } };
    headers += m_passHeaders;
    headers += m_clientHeaders;
    return headers;
}

void ProxyExchange::upstreamHead(int status, const HttpHeaders &headers)
{
    m_upstreamStatus = status;
    bool eventStream = false;
    for (const auto &[name, value] : headers) {
        if (name.startsWith("x-ratelimit-") || name == "retry-after" || name == "openai-processing-ms")
            m_passHeaders.append({ name, value });
        else if (name == "content-type")
            eventStream = value.startsWith("text/event-stream");
    }
    if (status == 200 && eventStream) {
        m_streaming = true;
        HttpHeaders streamHeaders = responseHeaders();
        streamHeaders.append({ QByteArray("cache-control"), QByteArray("no-cache") });
        m_responder.beginStream(200, "text/event-stream; charset=utf-8", streamHeaders);
    }
}

void ProxyExchange::upstreamData(QByteArray &&data)
{
    if (m_streaming) {
        if (m_events.isEmpty())
            m_events = std::move(data);
        else
            m_events += data;
        relayEvents(false);
        return;
    }
    if (m_body.size() + data.size() > MaxWholeResponseBytes) {
        m_call.cancel();
        fail(ProxyError::badGateway(u"The upstream response is larger than 64 MiB."_s));
        return;
    }
    if (m_body.isEmpty())
        m_body = std::move(data);
    else
        m_body += data;
}

void ProxyExchange::upstreamFinished()
{
    m_call = UpstreamCall();
    if (m_streaming)
        finishStream();
    else
        finishWhole();
}

void ProxyExchange::upstreamFailed(UpstreamError error, const QString &message)
{
    m_call = UpstreamCall();
    const QString where = m_record.usedProvider;
    if (m_streaming) {
        // The status line has gone out: tell the client in the stream, the way its API reports errors there.
        relayEvents(true);
        const ProxyError streamError = ProxyError::badGateway(
            u"The connection to %1 broke off during the stream: %2"_s.arg(where, message));
        send(m_codec->streamError(streamError));
        m_responder.endStream();
        m_record.status = 200;
        m_record.error = streamError.message;
        if (!m_state.usage.known)
            m_state.estimateUsage(m_inbound.body.size());
        complete();
        return;
    }
    const ProxyError failure = error == UpstreamError::Timeout
        ? ProxyError::gatewayTimeout(u"%1 did not answer in time: %2"_s.arg(where, message))
        : ProxyError::badGateway(u"Cannot reach %1: %2"_s.arg(where, message));
    m_record.status = failure.status;
    if (!retryIfPossible(failure.message))
        fail(failure);
}

void ProxyExchange::send(const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return;
    if (!m_record.ttftMs)
        m_record.ttftMs = m_started.elapsed();
    m_responder.writeStreamData(bytes);
    if (m_retain)
        m_record.responseBody += bytes;
    if (!m_cacheKey.isEmpty())
        m_cacheBytes += bytes;
}

void ProxyExchange::relayEvents(bool final)
{
    // Every complete event is translated and relayed at once; a partial one waits for the rest. At the
    // end of the stream, whatever remains is treated as the last event.
    QByteArray out;
    qsizetype pos = 0;
    while (pos < m_events.size()) {
        const qsizetype next = eventEnd(m_events, pos);
        if (next < 0)
            break;
        out += m_codec->translateEvent(QByteArrayView(m_events).sliced(pos, next - pos), m_state);
        pos = next;
    }
    if (final && pos < m_events.size()) {
        out += m_codec->translateEvent(QByteArrayView(m_events).sliced(pos), m_state);
        pos = m_events.size();
    }
    if (pos == m_events.size())
        m_events.clear();
    else
        m_events.remove(0, pos);
    send(out);
}

void ProxyExchange::finishStream()
{
    relayEvents(true);
    send(m_codec->finishStream(m_state));
    m_responder.endStream();
    m_record.status = 200;
    // The upstream ended it with an error event: a failed request, whatever went out before.
    if (m_state.streamError) {
        m_record.status = m_state.streamError->status;
        m_record.error = m_state.streamError->message;
    }
    if (!m_state.usage.known)
        m_state.estimateUsage(m_inbound.body.size()); // recorded with usage_estimated set
    else
        storeInCache(m_cacheBytes);
    complete();
}

void ProxyExchange::finishWhole()
{
    m_record.ttftMs = m_started.elapsed();
    if (m_upstreamStatus >= 400 || m_upstreamStatus < 200) {
        // Upstream errors go through with their status, in the client's envelope.
        QString message;
        const QByteArray body = m_codec->translateError(m_upstreamStatus, m_body, &message);
        m_record.status = m_upstreamStatus;
        if (m_retain)
            m_record.responseBody = body;
        if ((m_upstreamStatus == 429 || m_upstreamStatus >= 500) && retryIfPossible(message))
            return;
        m_responder.respond(m_upstreamStatus, "application/json", body, responseHeaders());
        m_record.status = m_upstreamStatus;
        m_record.error = message;
        if (m_retain)
            m_record.responseBody = body;
        complete();
        return;
    }
    QString error;
    auto body = m_codec->translateWhole(m_body, m_state, &error);
    if (!body) {
        fail(ProxyError::badGateway(
            u"%1 sent an answer the gateway cannot read (HTTP %2): %3"_s.arg(m_record.usedProvider)
                .arg(m_upstreamStatus)
                .arg(error)));
        return;
    }
    m_responder.respond(m_upstreamStatus, "application/json", *body, responseHeaders());
    m_record.status = m_upstreamStatus;
    storeInCache(*body);
    if (m_retain)
        m_record.responseBody = std::move(*body);
    complete();
}

void ProxyExchange::fail(const ProxyError &error)
{
    const QByteArray body = errorBodyFor(m_inbound.format, error);
    m_responder.respond(error.status, "application/json", body, responseHeaders());
    m_record.status = error.status;
    m_record.error = error.message;
    if (m_retain)
        m_record.responseBody = body;
    complete();
}

void ProxyExchange::onClientGone()
{
    m_call.cancel();
    m_retryTimer.stop();
    m_record.status = 499; // nginx's "client closed request"
    m_record.error = u"The client disconnected before the response was complete."_s;
    // The abort can come from inside send() (a write to the gone socket disconnects it at once): completing
    // here would delete this exchange under its caller. Complete once the stack has unwound; if the caller
    // completes first, the timer dies with the exchange and this never runs.
    QTimer::singleShot(0, &m_retryTimer, [this] { complete(); });
}

void ProxyExchange::noteOutcome()
{
    // The provider's recent record, for routing: a client that left tells nothing about the provider.
    if (m_record.usedProvider.isEmpty() || m_record.status == 499)
        return;
    const bool failed = m_record.status == 429 || m_record.status >= 500
        || (m_record.status == 200 && !m_record.error.isEmpty());
    m_handler.context().stats.record(m_record.usedProvider, failed, m_attemptTimer.elapsed());
}

void ProxyExchange::complete()
{
    noteOutcome();
    m_record.usage = m_state.usage;
    m_record.cost = m_state.cost;
    m_record.finishReason = m_state.finishReason;
    logRecord(m_handler, std::move(m_record), m_started);
    m_handler.release(this);
}
