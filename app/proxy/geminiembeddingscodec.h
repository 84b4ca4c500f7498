#pragma once

#include "exchangecodec.h"

// OpenAI client, embeddings from Gemini: translates batchEmbedContents' answer into OpenAI's list and, since
// Gemini reports no usage for embeddings, estimates the input tokens from the text's size (marked so).
class GeminiEmbeddingsCodec final : public ExchangeCodec
{
public:
    GeminiEmbeddingsCodec(QString requestedModel, qsizetype inputBytes, bool base64);

    std::optional<QByteArray> translateWhole(
        const QByteArray &body, ExchangeState &state, QString *error) override;
    QByteArray translateEvent(QByteArrayView event, ExchangeState &state) override;
    QByteArray finishStream(ExchangeState &state) override;
    QByteArray translateError(int status, const QByteArray &body, QString *message) override;

private:
    QString m_requestedModel;
    qsizetype m_inputBytes;
    bool m_base64;
};
