#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

// OpenAI's embeddings API over Gemini's batchEmbedContents. Gemini reports no token usage for embeddings,
// so the caller estimates it from the input's size.
namespace GeminiEmbeddings {

struct UpstreamCall
{
    QByteArray path; // "/v1beta/models/<model>:batchEmbedContents"
    QByteArray body;
    qsizetype inputBytes = 0; // of all input texts, for the usage estimate
    bool base64 = false; // the client asked for encoding_format "base64"
};

// nullopt and *error (a 400) for inputs Gemini cannot take, such as token arrays.
std::optional<UpstreamCall> fromOpenAIRequest(
    const QJsonObject &openai, const QString &upstreamModel, QString *error);

// {"embeddings":[{"values":[…]}]} → OpenAI's {"object":"list","data":[…],"model":…}; usage is the caller's.
std::optional<QJsonObject> toOpenAIResponse(
    const QByteArray &body, const QString &requestedModel, bool base64, QString *error);

} // namespace GeminiEmbeddings
