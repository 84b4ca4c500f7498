#include "anthropicpassthroughcodec.h"

#include "jsonscan.h"
#include "openaicompat.h"

using namespace Qt::StringLiterals;

AnthropicPassthroughCodec::AnthropicPassthroughCodec(QString requestedModel)
    : ExchangeCodec(ClientFormat::Anthropic)
    , m_reader(std::move(requestedModel))
{ }

std::optional<QByteArray> AnthropicPassthroughCodec::translateWhole(
    const QByteArray &body, ExchangeState &state, QString *error)
{
    const JsonScan::Span root = JsonScan::validate(body);
    if (JsonScan::typeAt(body, root) != JsonScan::Type::Object) {
        *error = u"the upstream's answer is not a JSON object"_s;
        return std::nullopt;
    }
    state.setUsage(AnthropicAdapter::responseUsage(body));
    state.finishReason = AnthropicAdapter::finishReasonFor(
        JsonScan::toString(body, JsonScan::member(body, root, "stop_reason")).value_or(QString()));
    const JsonScan::Span usage = JsonScan::member(body, root, "usage");
    if (state.cost && JsonScan::typeAt(body, usage) == JsonScan::Type::Object)
        return OpenAICompat::withCost(body, usage, state.cost->total());
    return body;
}

QByteArray AnthropicPassthroughCodec::translateEvent(QByteArrayView event, ExchangeState &state)
{
    m_reader.feed(parseSseEvent(event));
    if (!m_reader.finishReason().isEmpty())
        state.finishReason = m_reader.finishReason();
    if (m_reader.failed() && !state.streamError) { // Anthropic's error event reaches the client as it is
        const AnthropicAdapter::ErrorInfo info = m_reader.error();
        state.streamError = upstreamStreamError(info.message, info.type, info.code);
    }
    return event.toByteArray();
}

QByteArray AnthropicPassthroughCodec::finishStream(ExchangeState &state)
{
    m_reader.finish();
    if (m_reader.usage().known)
        state.setUsage(m_reader.usage());
    if (!m_reader.finishReason().isEmpty())
        state.finishReason = m_reader.finishReason();
    return {};
}

QByteArray AnthropicPassthroughCodec::translateError(int status, const QByteArray &body, QString *message)
{
    const auto info = AnthropicAdapter::toOpenAIError(status, body);
    *message = info.message.isEmpty() ? QString::fromUtf8(body.left(200)).simplified() : info.message;
    if (JsonScan::toString(body, JsonScan::member(body, JsonScan::validate(body), "type")) == u"error"_s)
        return body; // already the client's envelope
    return errorBodyFor(ClientFormat::Anthropic, ProxyError { status, *message, info.type, info.code, {} });
}
