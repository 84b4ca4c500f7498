#include "geminiembeddingscodec.h"

#include "geminiadapter.h"
#include "geminiembeddings.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

GeminiEmbeddingsCodec::GeminiEmbeddingsCodec(QString requestedModel, qsizetype inputBytes, bool base64)
    : ExchangeCodec(ClientFormat::OpenAI)
    , m_requestedModel(std::move(requestedModel))
    , m_inputBytes(inputBytes)
    , m_base64(base64)
{ }

std::optional<QByteArray> GeminiEmbeddingsCodec::translateWhole(
    const QByteArray &body, ExchangeState &state, QString *error)
{
    auto answer = GeminiEmbeddings::toOpenAIResponse(body, m_requestedModel, m_base64, error);
    if (!answer)
        return std::nullopt;
    state.estimateUsage(m_inputBytes);
    QJsonObject usage { { u"prompt_tokens"_s, state.usage.promptTokens },
        { u"total_tokens"_s, state.usage.promptTokens } };
    if (state.cost)
        usage.insert(u"cost"_s, state.cost->total());
    answer->insert(u"usage"_s, usage);
    return QJsonDocument(*answer).toJson(QJsonDocument::Compact);
}

QByteArray GeminiEmbeddingsCodec::translateEvent(QByteArrayView event, ExchangeState &)
{
    return event.toByteArray(); // embeddings are never streamed
}

QByteArray GeminiEmbeddingsCodec::finishStream(ExchangeState &)
{
    return {};
}

QByteArray GeminiEmbeddingsCodec::translateError(int status, const QByteArray &body, QString *message)
{
    const auto info = GeminiAdapter::toOpenAIError(status, body);
    *message = info.message;
    return ProxyError { status, info.message, info.type, info.code, {} }.toJson();
}
