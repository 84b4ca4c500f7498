#include "responsespassthroughcodec.h"

#include "openaicompat.h"
#include "passthroughcodec.h"
#include "responsesinbound.h"
#include "responseswire.h"
#include "sseevent.h"

using namespace Qt::StringLiterals;

namespace {

// Reads usage and the finish reason of the Response at `response` into `state`; returns `text` with
// usage.cost added when the price is known.
QByteArray noteResponse(QByteArrayView text, JsonScan::Span response, ExchangeState &state)
{
    const QString finish = ResponsesWire::finishReason(text, response);
    if (!finish.isEmpty())
        state.finishReason = finish;
    const JsonScan::Span usage = JsonScan::member(text, response, "usage");
    if (JsonScan::typeAt(text, usage) != JsonScan::Type::Object)
        return text.toByteArray();
    state.setUsage(ResponsesWire::readUsage(text, usage));
    return state.cost ? OpenAICompat::withCost(text, usage, state.cost->total()) : text.toByteArray();
}

bool isFinalEvent(QByteArrayView type)
{
    return type == "response.completed" || type == "response.incomplete" || type == "response.failed";
}

} // namespace

ResponsesPassthroughCodec::ResponsesPassthroughCodec()
    : ExchangeCodec(ClientFormat::Responses)
{ }

std::optional<QByteArray> ResponsesPassthroughCodec::translateWhole(
    const QByteArray &body, ExchangeState &state, QString *error)
{
    const JsonScan::Span root = JsonScan::validate(body);
    if (JsonScan::typeAt(body, root) != JsonScan::Type::Object) {
        *error = u"the upstream's answer is not a JSON object"_s;
        return std::nullopt;
    }
    return noteResponse(body, root, state);
}

QByteArray ResponsesPassthroughCodec::translateEvent(QByteArrayView event, ExchangeState &state)
{
    const SseEvent parsed = parseSseEvent(event);
    if (parsed.data.isEmpty())
        return event.toByteArray();
    ++m_events;
    const JsonScan::Span root = JsonScan::validate(parsed.data);
    if (!root.isValid())
        return event.toByteArray();
    const auto type
        = JsonScan::toString(parsed.data, JsonScan::member(parsed.data, root, "type")).value_or(QString());
    if (type == u"response.output_text.delta"_s) {
        state.contentBytes += JsonScan::member(parsed.data, root, "delta").size();
        return event.toByteArray();
    }
    if (!isFinalEvent(type.toLatin1()))
        return event.toByteArray();
    const JsonScan::Span response = JsonScan::member(parsed.data, root, "response");
    if (JsonScan::typeAt(parsed.data, response) != JsonScan::Type::Object)
        return event.toByteArray();
    const QByteArray data = noteResponse(parsed.data, response, state);
    if (data == parsed.data)
        return event.toByteArray();
    return "event: " + (parsed.event.isEmpty() ? type.toUtf8() : parsed.event) + "\ndata: " + data + "\n\n";
}

QByteArray ResponsesPassthroughCodec::finishStream(ExchangeState &)
{
    return {};
}

QByteArray ResponsesPassthroughCodec::translateError(int status, const QByteArray &body, QString *message)
{
    return PassthroughCodec(false).translateError(status, body, message); // the same OpenAI envelope
}

QByteArray ResponsesPassthroughCodec::streamError(const ProxyError &error)
{
    return ResponsesInbound::sseEvent(ResponsesInbound::errorEvent(
        error.message, QString::fromLatin1(error.type), QString::fromLatin1(error.code), m_events++));
}
