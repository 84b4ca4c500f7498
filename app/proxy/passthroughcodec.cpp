#include "passthroughcodec.h"

#include "openaicompat.h"

using namespace Qt::StringLiterals;

namespace {
// The message inside an OpenAI-style error envelope, or the start of the body when it has none.
QString upstreamErrorMessage(const QByteArray &body)
{
    const JsonScan::Span root = JsonScan::validate(body);
    if (root.isValid()) {
        if (auto message = JsonScan::toString(body, JsonScan::path(body, root, { "error", "message" })))
            return *message;
        if (auto message = JsonScan::toString(body, JsonScan::member(body, root, "error")))
            return *message;
    }
    return QString::fromUtf8(body.left(200)).simplified();
}

// Where member `key` (given with its quotes and colon, e.g. "\"usage\":") holds null: the span from the key
// to the end of null. Absent: an invalid span and *present false. Anything else (not null, or the text
// occurring twice, which may be inside a string): nullopt, and the event needs a full parse.
std::optional<JsonScan::Span> nullMember(QByteArrayView payload, QByteArrayView key, bool *present)
{
    const qsizetype at = payload.indexOf(key);
    *present = at >= 0;
    if (at < 0)
        return JsonScan::Span {};
    if (payload.indexOf(key, at + 1) >= 0)
        return std::nullopt;
    qsizetype value = at + key.size();
    while (value < payload.size() && (payload[value] == ' ' || payload[value] == '\t'))
        ++value;
    if (payload.sliced(value).startsWith("null"))
        return JsonScan::Span { at, value + 4 };
    return std::nullopt;
}

bool isErrorEnvelope(const QByteArray &body)
{
    const JsonScan::Span root = JsonScan::validate(body);
    return JsonScan::typeAt(body, JsonScan::member(body, root, "error")) == JsonScan::Type::Object;
}
} // namespace

PassthroughCodec::PassthroughCodec(bool clientWantsUsage)
    : ExchangeCodec(ClientFormat::OpenAI)
    , m_clientWantsUsage(clientWantsUsage)
{ }

std::optional<QByteArray> PassthroughCodec::translateWhole(
    const QByteArray &body, ExchangeState &state, QString *error)
{
    const auto info = OpenAICompat::readResponse(body);
    if (!info) {
        *error = u"the upstream's answer is not a JSON object"_s;
        return std::nullopt;
    }
    state.finishReason = info->finishReason;
    if (!info->usage.isValid())
        return body;
    state.setUsage(OpenAICompat::readUsage(body, info->usage));
    return state.cost ? OpenAICompat::withCost(body, info->usage, state.cost->total()) : body;
}

QByteArray PassthroughCodec::translateEvent(QByteArrayView event, ExchangeState &state)
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
    // OpenAI's mid-stream error: the client's SDK raises on it as it is; the record must say so.
    if (payload.startsWith("{\"error\":")) {
        state.streamError
            = upstreamStreamError(upstreamErrorMessage(payload.toByteArray()), "server_error", {});
        return event.toByteArray();
    }
    state.contentBytes += OpenAICompat::contentBytes(payload);

    // Fast path for the content chunks that make up nearly all of a stream: no finish reason and no usage
    // yet, so nothing to read; only the "usage": null the gateway asked for may have to go.
    bool finishPresent = false;
    bool usagePresent = false;
    const auto finishNull = nullMember(payload, "\"finish_reason\":", &finishPresent);
    const auto usageNull = nullMember(payload, "\"usage\":", &usagePresent);
    if (finishNull && usageNull) {
        if (!usagePresent || m_clientWantsUsage)
            return event.toByteArray();
        return "data: " + OpenAICompat::withoutMember(payload, *usageNull) + "\n\n";
    }

    const auto info = OpenAICompat::readResponse(payload);
    if (!info)
        return event.toByteArray();
    if (!info->finishReason.isEmpty())
        state.finishReason = info->finishReason;
    if (!info->usage.isValid()) {
        // Chunks carry "usage": null only because the gateway asked for usage; the client did not.
        if (!m_clientWantsUsage && info->usageMember.isValid())
            return "data: " + OpenAICompat::withoutMember(payload, info->usageMember) + "\n\n";
        return event.toByteArray();
    }
    state.setUsage(OpenAICompat::readUsage(payload, info->usage));
    // The gateway asked for usage on the client's behalf: that chunk is not the client's to see.
    if (!m_clientWantsUsage && info->noChoices)
        return {};
    if (!state.cost)
        return event.toByteArray();
    return "data: " + OpenAICompat::withCost(payload, info->usage, state.cost->total()) + "\n\n";
}

QByteArray PassthroughCodec::finishStream(ExchangeState &)
{
    return {};
}

QByteArray PassthroughCodec::translateError(int status, const QByteArray &body, QString *message)
{
    *message = upstreamErrorMessage(body);
    if (isErrorEnvelope(body))
        return body;
    return ProxyError { status, *message, "upstream_error", {}, {} }.toJson();
}
