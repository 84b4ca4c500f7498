#pragma once

#include "anthropicadapter.h"
#include "anthropicinbound.h"
#include "exchangecodec.h"
#include "geminiadapter.h"
#include "geminiinbound.h"
#include "providerdirectory.h"
#include "responsesinbound.h"

#include <QJsonObject>

#include <optional>

// Any client format, any upstream family: the upstream's answer is decoded into OpenAI's Chat Completions
// form (the canonical one), then encoded into the client's format, event by event for streams.
class TranslatingCodec final : public ExchangeCodec
{
public:
    // `responses`: for a Responses client, what its answers repeat of the request.
    TranslatingCodec(ClientFormat client, ProviderFamily upstream, QString requestedModel,
        bool clientWantsUsage, ResponsesInbound::ResponseContext responses = {});

    std::optional<QByteArray> translateWhole(
        const QByteArray &body, ExchangeState &state, QString *error) override;
    QByteArray translateEvent(QByteArrayView event, ExchangeState &state) override;
    QByteArray finishStream(ExchangeState &state) override;
    QByteArray translateError(int status, const QByteArray &body, QString *message) override;
    QByteArray streamError(const ProxyError &error) override;

private:
    std::optional<QJsonObject> decodeWhole(const QByteArray &body, QString *error) const;
    QList<QJsonObject> decodeEvent(const SseEvent &event);
    QByteArray encodeChunk(QJsonObject chunk, ExchangeState &state);
    void noteUsage(QJsonObject &usageHolder, ExchangeState &state) const;
    std::optional<ProxyError> upstreamFailure(const QJsonObject &chunk) const;
    QByteArray endWithError(const ProxyError &error, ExchangeState &state);

    ProviderFamily m_upstream;
    QString m_requestedModel;
    bool m_clientWantsUsage;
    std::optional<AnthropicAdapter::StreamToOpenAI> m_fromAnthropic;
    std::optional<GeminiAdapter::StreamToOpenAI> m_fromGemini;
    std::optional<AnthropicInbound::StreamFromOpenAI> m_toAnthropic;
    std::optional<GeminiInbound::StreamFromOpenAI> m_toGemini;
    ResponsesInbound::ResponseContext m_responses;
    std::optional<ResponsesInbound::StreamFromOpenAI> m_toResponses;
};
