#pragma once

#include "jsonscan.h"
#include "usage.h"

#include <QByteArray>
#include <QString>

#include <optional>

// The OpenAI Chat Completions wire format, as spoken by OpenAI and every OpenAI-compatible provider:
// the few edits and readings the proxy makes on requests, responses and stream events, done in place.
namespace OpenAICompat {

// What the proxy needs from a chat completion request body.
struct ChatRequest
{
    JsonScan::Span root;
    JsonScan::Member modelMember;
    JsonScan::Member streamOptions; // invalid when absent
    QString model;
    bool stream = false;
    bool clientWantsUsage = false; // stream_options.include_usage
};

// Reads a request; nullopt and *error ("…" a client can act on) when it is not a usable request.
std::optional<ChatRequest> readChatRequest(QByteArrayView body, QString *error);
// Reads an embeddings request (model and input); never a stream.
std::optional<ChatRequest> readEmbeddingsRequest(QByteArrayView body, QString *error);

// The body to send upstream: `model` replaced, and on streams stream_options.include_usage forced on so
// the gateway always learns the usage.
QByteArray rewriteChatRequest(QByteArrayView body, const ChatRequest &request, const QString &upstreamModel);

// Usage from an OpenAI `usage` object (also DeepSeek's prompt_cache_hit_tokens).
TokenUsage readUsage(QByteArrayView text, JsonScan::Span usage);

// What the proxy reads from a whole response or from one stream chunk.
struct ResponseInfo
{
    JsonScan::Span root;
    JsonScan::Span usage; // invalid when absent or null
    JsonScan::Span usageMember; // `"usage": …` including the key, when present (even as null)
    QString finishReason; // of the first choice, empty if none yet
    bool noChoices = false; // "choices": [] — the usage-only chunk of a stream
};
std::optional<ResponseInfo> readResponse(QByteArrayView text);

// Bytes of the first "content" string in a stream chunk (as sent, escapes included); 0 when there is none.
// Enough to estimate the completion's tokens when a stream ends without a usage report.
qsizetype contentBytes(QByteArrayView chunk);

// A rough token count for text of `bytes` bytes (about four bytes a token for English and code).
qint64 estimateTokens(qsizetype bytes);

// The text without the object member at `member` (as found by memberSpanWithKey) and its comma.
QByteArray withoutMember(QByteArrayView text, JsonScan::Span member);

// The text with `"cost":<usd>` added to its usage object.
QByteArray withCost(QByteArrayView text, JsonScan::Span usage, double cost);

} // namespace OpenAICompat
