#pragma once

#include "anthropicadapter.h"
#include "exchangecodec.h"

// Anthropic client, Anthropic upstream: the Messages request and answer go through as they are, so prompt
// caching (cache_control), extended thinking and its signed blocks survive. The stream events are read
// on the way only for usage and the stop reason; whole answers get usage.cost added.
class AnthropicPassthroughCodec final : public ExchangeCodec
{
public:
    explicit AnthropicPassthroughCodec(QString requestedModel);

    std::optional<QByteArray> translateWhole(
        const QByteArray &body, ExchangeState &state, QString *error) override;
    QByteArray translateEvent(QByteArrayView event, ExchangeState &state) override;
    QByteArray finishStream(ExchangeState &state) override;
    QByteArray translateError(int status, const QByteArray &body, QString *message) override;

private:
    AnthropicAdapter::StreamToOpenAI m_reader; // its OpenAI chunks are not used, only what it learns
};
