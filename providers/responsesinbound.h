#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

// Clients that speak OpenAI's Responses API (POST /v1/responses: Codex CLI, the Agents SDK, the Vercel AI
// SDK) served by a provider without one: their requests become canonical Chat Completions requests, and the
// canonical answers, streams and errors go back to them as Responses objects and events.
//
// The rules for what Chat Completions cannot carry:
// - Tools of the types an upstream cannot run (web_search, file_search, code_interpreter, computer use,
//   image_generation, mcp, local_shell, custom, …) are not sent; the answer's header x-llmgw-dropped-tools
//   names them. A `namespace` tool is flattened: its function tools go upstream as "<namespace>__<name>", and
//   calls of them come back as function_call items with `name` and `namespace` again.
// - Images and files a tool returns (function_call_output parts) follow its tool message in a user message.
// - `reasoning` input items (encrypted for OpenAI's eyes only) are left out; reasoning the upstream shows is
//   answered as a reasoning item with a summary text, without encrypted_content.
// - The gateway stores no responses: `previous_response_id`, `conversation`, `item_reference` items and
//   `background` are refused with a 400 saying so; `store` is answered as false.
namespace ResponsesInbound {

// A namespace tool's function as the client named it.
struct ToolName
{
    QString name;
    QString space; // the namespace
};

// What an answer repeats of its request, and how to name the calls it reports.
struct ResponseContext
{
    QString model; // as the client asked for it
    QJsonObject echo; // the request's fields a Response object repeats (instructions, tools, text, …)
    QHash<QString, ToolName> namespacedTools; // flattened upstream name → the client's names
};

// A request read for translation.
struct Translation
{
    QJsonObject canonical; // the Chat Completions request
    ResponseContext context;
    QStringList droppedTools; // the types of the tools left out, in request order, each once
};

// The few fields every route needs, read from a request body: nullopt and *error (for a 400) when the body
// is not a JSON object with a model.
struct RequestHead
{
    QJsonObject body;
    QString model;
    bool stream = false;
};
std::optional<RequestHead> readRequest(const QByteArray &body, QString *error, QByteArray *param);

// A Responses request → the canonical request. nullopt, *error and *param (for a 400 with
// invalid_request_error) when it cannot be served without a Responses API upstream.
std::optional<Translation> toOpenAIRequest(const QJsonObject &request, QString *error, QByteArray *param);

// OpenAI `usage` (Chat Completions) as Responses usage; its `cost`, when present, is kept.
QJsonObject usageFromOpenAI(const QJsonObject &openaiUsage);
// The Responses id for a Chat Completions id: chatcmpl-X (and Anthropic's msg_X) becomes resp_X.
QString responseIdFor(const QString &openaiId);
// A Chat Completions finish_reason → the Response's status and incomplete_details (null when complete).
QString statusFor(const QString &finishReason);
QJsonValue incompleteDetailsFor(const QString &finishReason);

// The Response object around `output`, with the request's fields repeated.
QJsonObject responseObject(const ResponseContext &context, const QString &id, qint64 createdAt,
    const QString &status, const QJsonArray &output, const QJsonValue &usage);

// A canonical chat.completion → a Response.
QJsonObject fromOpenAIResponse(const QJsonObject &openaiResponse, const ResponseContext &context);

// The body of the error event a Responses stream ends with: {"type":"error","code","message","param",
// "sequence_number"} as OpenAI documents it, plus the `error` object that makes the OpenAI SDKs raise.
QJsonObject errorEvent(const QString &message, const QString &type, const QString &code, int sequenceNumber);
// One event as it goes on the wire: "event: <type>\ndata: <json>\n\n".
QByteArray sseEvent(const QJsonObject &data);

// Canonical chat.completion.chunk objects → Responses stream events, chunk by chunk, with sequence numbers.
// Text and reasoning items are closed when another item starts; function calls stay open (their argument
// deltas may interleave) until the finish_reason, and response.completed waits for the usage chunk that
// follows it (or for finish()).
class StreamFromOpenAI
{
public:
    explicit StreamFromOpenAI(ResponseContext context);

    QByteArray feed(const QJsonObject &openaiChunk);
    QByteArray finish(); // closes open items, then response.completed (or .incomplete), unless done already
    // An error after the stream began: response.failed and the error event.
    QByteArray fail(const QString &message, const QString &type, const QString &code);
    bool done() const { return m_done; }

private:
    enum class Kind { Reasoning, Message, FunctionCall };
    struct Item
    {
        Kind kind;
        int outputIndex;
        QString id;
        QString text; // reasoning summary, message text, or function arguments
        QString callId;
        ToolName name;
        bool open = true;
    };

    QByteArray event(const QString &type, QJsonObject fields);
    QByteArray start(const QJsonObject &chunk);
    QByteArray openItem(Kind kind, const QString &callId = {}, const QString &upstreamName = {});
    QByteArray closeItem(Item &item);
    QByteArray closeAll();
    QByteArray end();
    QJsonObject itemObject(const Item &item) const;
    QJsonObject currentResponse(const QString &status, const QJsonValue &usage) const;
    Item *openTextItem(Kind kind);

    ResponseContext m_context;
    bool m_started = false;
    bool m_done = false;
    int m_sequence = 0;
    QString m_id;
    QString m_suffix; // of m_id, for the item ids
    qint64 m_createdAt = 0;
    QList<Item> m_items;
    QHash<int, qsizetype> m_calls; // Chat Completions tool_calls index → m_items index
    QString m_finishReason;
    QJsonObject m_usage; // Responses usage, once the usage chunk came
};

} // namespace ResponsesInbound
