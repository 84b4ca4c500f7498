#pragma once

#include "modelcatalog.h"
#include "sseevent.h"
#include "usage.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

// Google's Gemini API (generativelanguage v1beta, `generateContent` / `streamGenerateContent?alt=sse`)
// translated to and from the gateway's canonical OpenAI Chat Completions form.
namespace GeminiAdapter {

// The call to make upstream, relative to the provider's base URL.
struct UpstreamCall
{
    QByteArray path; // "/v1beta/models/<model>:generateContent" or ":streamGenerateContent?alt=sse"
    QByteArray body;
    bool stream = false;
};

// Canonical OpenAI request → Gemini request. `model` may be null (not in the catalog); when known it keeps
// thinking settings away from models that do not think and caps max tokens at the model's limit.
// nullopt and *error (for a 400) when the request cannot be expressed (bad tool arguments JSON, a tool
// result for an unknown tool_call_id, an unsupported content part, …).
std::optional<UpstreamCall> fromOpenAIRequest(
    const QJsonObject &openai, const QString &upstreamModel, const ModelInfo *model, QString *error);

// A JSON Schema (OpenAI tool parameters, response_format json_schema) reduced to the OpenAPI subset that
// Gemini's Schema accepts: local $refs and allOf inlined, type lists and null branches turned into
// `nullable`, const into enum, oneOf into anyOf, enum values as strings, only the formats Gemini knows,
// items on every array, `required` limited to defined properties, and every other keyword
// (additionalProperties, $schema, …) dropped, since Gemini rejects the whole request over a single unknown
// one. A $ref inside its own definition (a recursive type) cannot be inlined and its property is left out.
// nullopt and *error when the schema is too deep or expands into too many schemas.
std::optional<QJsonObject> toGeminiSchema(const QJsonObject &jsonSchema, QString *error);

// Gemini's whole response → canonical chat.completion. `created` (seconds since the epoch) defaults to now.
std::optional<QJsonObject> toOpenAIResponse(const QByteArray &body, const QString &requestedModel,
    QString *error, std::optional<qint64> created = std::nullopt);

// A functionCall part as an OpenAI tool call with the id "call_<index>", arguments as compact JSON, and its
// thought signature (if any) as extra_content.google.thought_signature, where Google's own OpenAI endpoint
// puts it and from where fromOpenAIRequest takes it back.
QJsonObject openAIToolCall(const QJsonObject &part, int index);

// Token usage from a response's `usageMetadata` (thoughts count as completion and reasoning tokens).
TokenUsage readUsage(const QJsonObject &usageMetadata);
// The OpenAI `usage` object for a TokenUsage.
QJsonObject openAIUsage(const TokenUsage &usage);
// A candidate's finishReason as an OpenAI finish_reason ("stop", "length", "tool_calls", "content_filter").
QString openAIFinishReason(const QString &geminiReason, bool hasToolCalls);

// A Gemini error body (any status) as the fields of OpenAI's error envelope, and the status to answer
// with (Gemini reports an invalid API key as 400; OpenAI clients expect 401 for that).
struct ErrorInfo
{
    QString message;
    QByteArray type;
    QByteArray code; // empty: null
    int status = 0;
};
ErrorInfo toOpenAIError(int status, const QByteArray &body);

// Gemini's SSE stream → canonical chat.completion.chunk objects, event by event: each event is a partial
// GenerateContentResponse and yields its chunks at once. Emits per choice a first chunk with the role,
// content / reasoning_content deltas, one tool_call delta per functionCall (Gemini sends each call whole)
// and a finish chunk; finish() adds the usage-only chunk ("choices": []) from the last usageMetadata.
class StreamToOpenAI
{
public:
    explicit StreamToOpenAI(QString requestedModel, std::optional<qint64> created = std::nullopt);

    QList<QJsonObject> feed(const SseEvent &event);
    // The stream's commonest event, one candidate with one text part and no finish reason, straight to the
    // bytes of its chunk (the same JSON feed() gives, the text copied as the upstream escaped it), taking in
    // its usageMetadata, without building a document of the event; *textBytes is the text's size as sent.
    // nullopt for any other event, and before feed() has taken the first: feed() takes those.
    std::optional<QByteArray> textChunk(QByteArrayView data, qsizetype *textBytes);
    QList<QJsonObject> finish();

    const TokenUsage &usage() const { return m_usage; }
    QString finishReason() const { return m_finishReason; } // of the first choice that finished
    bool failed() const { return m_failed; }
    QString errorMessage() const { return m_errorMessage; }

private:
    struct Choice
    {
        bool started = false;
        bool finished = false;
        int toolCalls = 0;
    };
    QJsonObject chunk(int index, const QJsonObject &delta, const QJsonValue &finishReason) const;

    QString m_model;
    QString m_id;
    qint64 m_created = 0;
    QHash<int, Choice> m_choices;
    TokenUsage m_usage;
    QString m_finishReason;
    QString m_errorMessage;
    bool m_failed = false;
    bool m_usageSent = false;
};

} // namespace GeminiAdapter
