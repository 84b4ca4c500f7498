#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

// Clients that speak Gemini generateContent (the @google/genai SDK pointed at the gateway) served by any
// provider: their requests become canonical OpenAI Chat Completions requests, and the canonical answers,
// streams and errors go back to them as GenerateContentResponse objects.
namespace GeminiInbound {

// Body of POST /v1beta/models/{model}:generateContent (the model comes from the path) → canonical OpenAI
// request with "model" = `model` and "stream" = `stream`. nullopt and *error (for a 400) when the body is
// not a request the gateway can express.
std::optional<QJsonObject> toOpenAIRequest(
    const QByteArray &body, const QString &model, bool stream, QString *error);

// A canonical chat.completion → a GenerateContentResponse answering as `model`.
QJsonObject fromOpenAIResponse(const QJsonObject &openai, const QString &model);

// Gemini's error envelope {"error":{"code":…,"message":…,"status":…}}.
QByteArray errorBody(int status, const QString &message);
// The Google RPC status name of an HTTP status ("INVALID_ARGUMENT", "RESOURCE_EXHAUSTED", …).
QString statusNameFor(int status);

// Gemini's finishReason for an OpenAI finish_reason ("STOP" for unknown or null ones).
QString finishReasonFor(const QString &openaiFinishReason);
// An OpenAI `usage` object as usageMetadata (thoughts are counted apart from candidate tokens there).
QJsonObject usageMetadataFromOpenAI(const QJsonObject &openaiUsage);

// Canonical chat.completion.chunk objects → Gemini SSE bytes ("data: <GenerateContentResponse>\r\n\r\n"),
// chunk by chunk. Text deltas go out at once; a tool call waits until its arguments are complete (the next
// call starts, or the stream finishes); finishReason and usageMetadata come on the last event.
class StreamFromOpenAI
{
public:
    explicit StreamFromOpenAI(QString model);

    QByteArray feed(const QJsonObject &openaiChunk);
    QByteArray finish(); // the last event, unless sent already
    bool done() const { return m_done; }

private:
    struct PendingCall
    {
        int index = -1;
        QString name;
        QString arguments;
    };
    QByteArray event(const QJsonObject &candidate, const QJsonObject &usageMetadata = {}) const;
    QJsonObject callPart(const PendingCall &call) const;
    QByteArray flushCall();
    QByteArray end();

    QString m_model;
    QString m_id;
    std::optional<PendingCall> m_call;
    QString m_finishReason; // OpenAI's, once it came
    QJsonObject m_usage; // usageMetadata, once the usage chunk came
    bool m_finished = false;
    bool m_done = false;
};

} // namespace GeminiInbound
