#pragma once

#include "exchangecodec.h"

// Responses client, Responses upstream (OpenAI, Azure OpenAI): the answer goes through as it came, edited in
// place only to add usage.cost to the Response (whole, or in its response.completed/.incomplete/.failed
// event); every other event is relayed as its bytes.
class ResponsesPassthroughCodec final : public ExchangeCodec
{
public:
    ResponsesPassthroughCodec();

    std::optional<QByteArray> translateWhole(
        const QByteArray &body, ExchangeState &state, QString *error) override;
    QByteArray translateEvent(QByteArrayView event, ExchangeState &state) override;
    QByteArray finishStream(ExchangeState &state) override;
    QByteArray translateError(int status, const QByteArray &body, QString *message) override;
    QByteArray streamError(const ProxyError &error) override;

private:
    int m_events = 0; // relayed so far: the next sequence number of an OpenAI stream
};
