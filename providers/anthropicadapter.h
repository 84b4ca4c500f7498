#pragma once

#include "modelcatalog.h"
#include "sseevent.h"
#include "usage.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

// Anthropic's Messages API (POST /v1/messages) as an upstream: canonical OpenAI Chat Completions requests
// go out as Messages requests, and Messages responses, streams and errors come back in OpenAI form.
namespace AnthropicAdapter {

// What to send upstream: the path below the base URL (which has no /v1), the body, and whether it streams.
// Headers (x-api-key, anthropic-version) are the proxy's business.
struct UpstreamCall
{
    QByteArray path;
    QByteArray body;
    bool stream = false;
};

// Canonical OpenAI request → Messages request body. `model` is the catalog entry (may be null: unknown),
// used for the default max_tokens and to decide whether reasoning_effort becomes extended thinking.
// response_format json_schema becomes structured output (output_config.format); the answer is its text.
// nullopt and *error (a message for a 400) when the request cannot be expressed for Anthropic.
std::optional<UpstreamCall> fromOpenAIRequest(
    const QJsonObject &openai, const QString &upstreamModel, const ModelInfo *model, QString *error);

// A whole Messages response → OpenAI chat.completion, answering as `requestedModel`.
// `created` is the chat.completion's timestamp (Anthropic responses carry none).
std::optional<QJsonObject> toOpenAIResponse(const QByteArray &body, const QString &requestedModel,
    QString *error, qint64 created = QDateTime::currentSecsSinceEpoch());

// The usage of a Messages `usage` object, and of a whole Messages response body (unknown when absent).
TokenUsage readUsage(const QJsonObject &anthropicUsage);
TokenUsage responseUsage(const QByteArray &body);

// OpenAI's `usage` object for a usage. A cache write, which OpenAI has no field for, goes into
// prompt_tokens_details.cache_write_tokens (OpenRouter's name) when there was one.
QJsonObject openAIUsage(const TokenUsage &usage);

// OpenAI's finish_reason for an Anthropic stop_reason ("stop" for unknown or null ones).
QString finishReasonFor(const QString &stopReason);

// An Anthropic error body (any status) as the fields of OpenAI's error envelope.
struct ErrorInfo
{
    QString message;
    QByteArray type;
    QByteArray code; // empty: null
};
ErrorInfo toOpenAIError(int status, const QByteArray &body);

// Translates a Messages stream into OpenAI chat.completion.chunk objects as each event arrives: nothing
// is held back beyond what the current event says, so every delta goes out as soon as it came in.
class StreamToOpenAI
{
public:
    explicit StreamToOpenAI(QString requestedModel, qint64 created = QDateTime::currentSecsSinceEpoch());

    QList<QJsonObject> feed(const SseEvent &event); // zero or more chunks per event
    // The stream's commonest event, a text delta, straight to the bytes of its chunk (the same JSON feed()
    // gives, the text copied as the upstream escaped it), without building documents; *textBytes is the
    // text's size as sent. nullopt for any other event: feed() takes those. Changes no state.
    std::optional<QByteArray> textDeltaChunk(QByteArrayView data, qsizetype *textBytes) const;
    QList<QJsonObject> finish(); // the usage-only chunk, if the stream ended before message_stop

    const TokenUsage &usage() const { return m_usage; }
    QString finishReason() const { return m_finishReason; }
    bool failed() const { return m_failed; }
    QString errorMessage() const { return m_error.message; }
    ErrorInfo error() const { return m_error; } // of the stream's `error` event, as OpenAI fields

private:
    QJsonObject chunk(const QJsonObject &delta, const QJsonValue &finishReason = QJsonValue::Null) const;
    QJsonObject usageChunk();
    void takeUsage(const QJsonObject &usage);

    QString m_model;
    qint64 m_created = 0;
    QString m_id;
    QHash<int, int> m_toolIndex; // Anthropic block index → OpenAI tool_calls index
    QJsonObject m_rawUsage; // Anthropic's usage fields so far (message_delta repeats only some)
    TokenUsage m_usage;
    QString m_finishReason;
    ErrorInfo m_error;
    bool m_failed = false;
    bool m_usageSent = false;
};

} // namespace AnthropicAdapter
