#include "exchangecodec.h"

#include "anthropicinbound.h"
#include "geminiinbound.h"
#include "openaicompat.h"
#include "responsesinbound.h"

QByteArray errorBodyFor(ClientFormat format, const ProxyError &error)
{
    if (format == ClientFormat::Gemini)
        return GeminiInbound::errorBody(error.status, error.message);
    if (format == ClientFormat::Anthropic)
        return AnthropicInbound::errorBody(AnthropicInbound::errorTypeForStatus(error.status), error.message);
    return error.toJson();
}

QByteArray streamErrorEventFor(ClientFormat format, const ProxyError &error)
{
    if (format == ClientFormat::Anthropic)
        return "event: error\ndata: " + errorBodyFor(format, error) + "\n\n";
    if (format == ClientFormat::Gemini)
        return "data: " + errorBodyFor(format, error) + "\r\n\r\n";
    if (format == ClientFormat::Responses)
        return ResponsesInbound::sseEvent(ResponsesInbound::errorEvent(
            error.message, QString::fromLatin1(error.type), QString::fromLatin1(error.code), 0));
    return "data: " + error.toJson() + "\n\n";
}

ProxyError upstreamStreamError(QString message, QByteArray type, QByteArray code)
{
    return ProxyError { 502, std::move(message),
        type.isEmpty() ? QByteArray("server_error") : std::move(type), std::move(code), {} };
}

void ExchangeState::setUsage(const TokenUsage &value)
{
    usage = value;
    cost = computeCost(model, usage);
}

void ExchangeState::estimateUsage(qsizetype requestBytes)
{
    TokenUsage estimate;
    estimate.promptTokens = OpenAICompat::estimateTokens(requestBytes);
    estimate.completionTokens = OpenAICompat::estimateTokens(contentBytes);
    estimate.known = true;
    estimate.estimated = true;
    setUsage(estimate);
}
