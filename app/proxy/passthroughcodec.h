#pragma once

#include "exchangecodec.h"

// OpenAI client, OpenAI-compatible upstream: the answer goes through as it came, edited in place only to
// add usage.cost and to hide the usage the gateway asked for on the client's behalf. The hot path.
class PassthroughCodec final : public ExchangeCodec
{
public:
    explicit PassthroughCodec(bool clientWantsUsage);

    std::optional<QByteArray> translateWhole(
        const QByteArray &body, ExchangeState &state, QString *error) override;
    QByteArray translateEvent(QByteArrayView event, ExchangeState &state) override;
    QByteArray finishStream(ExchangeState &state) override;
    QByteArray translateError(int status, const QByteArray &body, QString *message) override;

private:
    bool m_clientWantsUsage;
};
