#include "proxyexchange.h"

#include "logwriter.h"
#include "proxyhandler.h"

#include <QLoggingCategory>

#include <cstring>

Q_LOGGING_CATEGORY(lcProxy, "gateway.proxy", QtWarningMsg)

using namespace Qt::StringLiterals;

namespace {
constexpr qsizetype MaxWholeResponseBytes = 64 * 1024 * 1024;

// The message inside an OpenAI-style error envelope, or the start of the body when it has none.
QString upstreamErrorMessage(const QByteArray &body)
{
    const JsonScan::Span root = JsonScan::validate(body);
    if (root.isValid()) {
        if (auto message = JsonScan::toString(body, JsonScan::path(body, root, {"error", "message"})))
            return *message;
        if (auto message = JsonScan::toString(body, JsonScan::member(body, root, "error")))
            return *message;
    }
    return QString::fromUtf8(body.left(200)).simplified();
}

bool isErrorEnvelope(const QByteArray &body)
{
    const JsonScan::Span root = JsonScan::validate(body);
    return JsonScan::typeAt(body, JsonScan::member(body, root, "error")) == JsonScan::Type::Object;
}

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
    handler.context().log.enqueue(std::move(record));
}
} // namespace

ProxyExchange::ProxyExchange(ProxyHandler &handler, HttpResponder responder, RequestRecord record,
                             QElapsedTimer started)
    : m_handler(handler)
    , m_responder(std::move(responder))
    , m_record(std::move(record))
    , m_started(started)
{
    m_retain = handler.context().config.retention == RetentionLevel::RetainAll;
    m_responder.setAbortHandler([this] { onClientGone(); });
}

ProxyExchange::~ProxyExchange()
{
    m_call.cancel();
}

void ProxyExchange::reject(ProxyHandler &handler, HttpResponder &responder, RequestRecord record,
                           const QElapsedTimer &started, const ProxyError &error)
{
    const QByteArray body = error.toJson();
    responder.respond(error.status, "application/json", body, {{"x-request-id", record.requestId}});
    record.status = error.status;
    record.error = error.message;
    if (handler.context().config.retention == RetentionLevel::RetainAll)
        record.responseBody = body;
    logRecord(handler, std::move(record), started);
}

void ProxyExchange::start(const QByteArray &clientBody, const OpenAICompat::ChatRequest &request,
                          const ModelRoute &route)
{
    const GatewayConfig &config = m_handler.context().config;
    m_model = route.model;
    m_clientWantsUsage = request.clientWantsUsage;
    m_record.usedProvider = route.provider->spec.id;
    m_record.usedModel = route.upstreamModel;

    UpstreamRequest upstream;
    upstream.endpoint = route.provider->endpoint;
    upstream.path = route.provider->pathPrefix + "/chat/completions";
    upstream.headers = {{"content-type", "application/json"},
                        {"accept", request.stream ? "text/event-stream" : "application/json"},
                        {"user-agent", "llm-gateway/" APP_VERSION}};
    if (!route.provider->apiKey.isEmpty())
        upstream.headers.append({QByteArray("authorization"), QByteArray("Bearer " + route.provider->apiKey.toUtf8())});
    upstream.body = OpenAICompat::rewriteChatRequest(clientBody, request, route.upstreamModel);
    upstream.connectTimeoutMs = config.connectTimeoutMs;
    upstream.responseTimeoutMs = config.upstreamTimeoutMs;
    upstream.idleTimeoutMs = config.streamIdleTimeoutMs;
    m_call = m_handler.upstream().start(upstream, this);
}

HttpHeaders ProxyExchange::responseHeaders() const
{
    HttpHeaders headers{{"x-request-id", m_record.requestId}};
    headers += m_passHeaders;
    return headers;
}

void ProxyExchange::upstreamHead(int status, const HttpHeaders &headers)
{
    m_upstreamStatus = status;
    bool eventStream = false;
    for (const auto &[name, value] : headers) {
        if (name.startsWith("x-ratelimit-") || name == "retry-after" || name == "openai-processing-ms")
            m_passHeaders.append({name, value});
        else if (name == "content-type")
            eventStream = value.startsWith("text/event-stream");
    }
    if (status == 200 && eventStream) {
        m_streaming = true;
        HttpHeaders streamHeaders = responseHeaders();
        streamHeaders.append({QByteArray("cache-control"), QByteArray("no-cache")});
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
        // The status line has gone out: tell the client in the stream, the way OpenAI reports errors there.
        relayEvents(true);
        const ProxyError streamError = ProxyError::badGateway(
            u"The connection to %1 broke off during the stream: %2"_s.arg(where, message));
        const QByteArray event = "data: " + streamError.toJson() + "\n\n";
        m_responder.writeStreamData(event);
        if (m_retain)
            m_record.responseBody += event;
        m_responder.endStream();
        m_record.status = 200;
        m_record.error = streamError.message;
        complete();
        return;
    }
    if (error == UpstreamError::Timeout)
        fail(ProxyError::gatewayTimeout(u"%1 did not answer in time: %2"_s.arg(where, message)));
    else
        fail(ProxyError::badGateway(u"Cannot reach %1: %2"_s.arg(where, message)));
}

void ProxyExchange::relayEvents(bool final)
{
    // Split at event boundaries (a blank line) and relay every complete event at once; a partial one
    // waits for the rest. At the end of the stream, whatever remains is relayed as it is.
    QByteArray out;
    qsizetype pos = 0;
    while (pos < m_events.size()) {
        const qsizetype next = eventEnd(m_events, pos);
        if (next < 0)
            break;
        out += processEvent(QByteArrayView(m_events).sliced(pos, next - pos));
        pos = next;
    }
    if (final && pos < m_events.size()) {
        out += QByteArrayView(m_events).sliced(pos);
        pos = m_events.size();
    }
    if (pos == m_events.size())
        m_events.clear();
    else
        m_events.remove(0, pos);
    if (out.isEmpty())
        return;
    if (!m_record.ttftMs)
        m_record.ttftMs = m_started.elapsed();
    m_responder.writeStreamData(out);
    if (m_retain)
        m_record.responseBody += out;
}

QByteArray ProxyExchange::processEvent(QByteArrayView event)
{
    // OpenAI-compatible streams carry one "data:" line per event.
    const qsizetype dataAt = event.startsWith("data:") ? 0 : event.indexOf("\ndata:");
    if (dataAt < 0)
        return event.toByteArray();
    const qsizetype valueAt = dataAt + (dataAt == 0 ? 5 : 6);
    qsizetype lineEnd = event.indexOf('\n', valueAt);
    if (lineEnd < 0)
        lineEnd = event.size();
    const QByteArrayView payload = event.sliced(valueAt, lineEnd - valueAt).trimmed();
    if (payload == "[DONE]")
        return event.toByteArray();
    const auto info = OpenAICompat::readResponse(payload);
    if (!info)
        return event.toByteArray();
    if (!info->finishReason.isEmpty())
        m_record.finishReason = info->finishReason;
    if (!info->usage.isValid()) {
        // Chunks carry "usage": null only because the gateway asked for usage; the client did not.
        if (!m_clientWantsUsage && info->usageMember.isValid())
            return "data: " + OpenAICompat::withoutMember(payload, info->usageMember) + "\n\n";
        return event.toByteArray();
    }
    m_record.usage = OpenAICompat::readUsage(payload, info->usage);
    m_record.cost = computeCost(m_model, m_record.usage);
    // The gateway asked for usage on the client's behalf: that chunk is not the client's to see.
    if (!m_clientWantsUsage && info->noChoices)
        return {};
    if (!m_record.cost)
        return event.toByteArray();
    return "data: " + OpenAICompat::withCost(payload, info->usage, m_record.cost->total()) + "\n\n";
}

void ProxyExchange::finishStream()
{
    relayEvents(true);
    m_responder.endStream();
    m_record.status = 200;
    if (!m_record.usage.known)
        m_record.error = u"The upstream stream ended without a usage report."_s;
    complete();
}

void ProxyExchange::finishWhole()
{
    m_record.ttftMs = m_started.elapsed();
    if (m_upstreamStatus >= 400 || m_upstreamStatus < 200) {
        // Upstream errors go through with their status, in OpenAI's envelope.
        ProxyError error{m_upstreamStatus, upstreamErrorMessage(m_body), "upstream_error", {}, {}};
        const QByteArray body = isErrorEnvelope(m_body) ? m_body : error.toJson();
        m_responder.respond(m_upstreamStatus, "application/json", body, responseHeaders());
        m_record.status = m_upstreamStatus;
        m_record.error = error.message;
        if (m_retain)
            m_record.responseBody = body;
        complete();
        return;
    }
    const auto info = OpenAICompat::readResponse(m_body);
    if (!info) {
        fail(ProxyError::badGateway(
            u"%1 sent a response that is not a JSON object (HTTP %2)."_s.arg(m_record.usedProvider).arg(m_upstreamStatus)));
        return;
    }
    m_record.finishReason = info->finishReason;
    QByteArray body = std::move(m_body);
    if (info->usage.isValid()) {
        m_record.usage = OpenAICompat::readUsage(body, info->usage);
        m_record.cost = computeCost(m_model, m_record.usage);
        if (m_record.cost)
            body = OpenAICompat::withCost(body, info->usage, m_record.cost->total());
    }
    m_responder.respond(m_upstreamStatus, "application/json", body, responseHeaders());
    m_record.status = m_upstreamStatus;
    if (m_retain)
        m_record.responseBody = std::move(body);
    complete();
}

void ProxyExchange::fail(const ProxyError &error)
{
    const QByteArray body = error.toJson();
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
    m_record.status = 499; // nginx's "client closed request"
    m_record.error = u"The client disconnected before the response was complete."_s;
    complete();
}

void ProxyExchange::complete()
{
    logRecord(m_handler, std::move(m_record), m_started);
    m_handler.release(this);
}
