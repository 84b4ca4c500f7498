#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QString>
#include <optional>

// Clients that speak Anthropic Messages (POST /v1/messages: Claude Code, the Anthropic SDKs) served by
// any provider: their requests become canonical OpenAI Chat Completions requests, and the canonical
// answers, streams and errors go back to them as Messages.
namespace AnthropicInbound {

// What the gateway must know of a Messages request before routing it: a JSON object naming a model.
// Everything else is the upstream's to judge when the request goes to Anthropic as it is (new fields, betas,
// system messages inside `messages`); the translation below judges it for other providers.
struct RequestHead
{
    QString model;
    bool stream = false;
};
std::optional<RequestHead> readHead(const QByteArray &messagesBody, QString *error);

// A Messages request body → the canonical OpenAI request. nullopt and *error (for a 400 with
// invalid_request_error) when the body is not a Messages request the gateway can serve. A system message
// inside `messages` becomes an OpenAI system message in the same place.
std::optional<QJsonObject> toOpenAIRequest(const QByteArray &messagesBody, QString *error);

// A canonical chat.completion → a Messages response answering as `requestedModel`.
QJsonObject fromOpenAIResponse(const QJsonObject &openaiResponse, const QString &requestedModel);

// Anthropic's error envelope: {"type":"error","error":{"type":…,"message":…}}.
QByteArray errorBody(const QByteArray &anthropicErrorType, const QString &message);
// The Anthropic error type of an HTTP status (other 4xx: invalid_request_error, other 5xx: api_error).
QByteArray errorTypeForStatus(int status);

// A Messages id (msg_…) for an OpenAI response id: msg_ ids are kept, chatcmpl-X becomes msg_X.
QString messageIdFor(const QString &openaiId);
// An OpenAI `usage` object as Messages usage: input_tokens counts only what was neither read from nor
// written to the cache (prompt_tokens_details.cached_tokens / cache_write_tokens).
QJsonObject usageFromOpenAI(const QJsonObject &openaiUsage);

// Anthropic's stop_reason for an OpenAI finish_reason ("end_turn" for unknown or null ones).
QString stopReasonFor(const QString &finishReason);

// Canonical chat.completion.chunk objects → Messages stream bytes ("event: <type>\ndata: <json>\n\n"),
// chunk by chunk. Only message_delta waits, for the usage chunk that follows the finish_reason.
class StreamFromOpenAI
{
public:
    explicit StreamFromOpenAI(QString requestedModel);

    QByteArray feed(const QJsonObject &openaiChunk);
    QByteArray finish(); // closes open blocks, then message_delta and message_stop, unless done already
    bool done() const { return m_stopped; }

private:
    enum class Block { None, Text, Thinking, ToolUse };

    QByteArray start(const QJsonObject &chunk);
    QByteArray openBlock(Block kind, const QJsonObject &contentBlock);
    QByteArray closeBlock();
    QByteArray end();

    QString m_model;
    bool m_started = false;
    bool m_stopped = false;
    int m_nextIndex = 0; // the next content block's index
    int m_openIndex = -1;
    Block m_open = Block::None;
    QHash<int, int> m_toolBlocks; // OpenAI tool_calls index → content block index
    QString m_stopReason;
    QString m_id;
    QJsonObject m_usage; // Messages usage, once the usage chunk came
};

} // namespace AnthropicInbound
