#pragma once

#include <QByteArrayList>
#include <QJsonObject>
#include <QString>
#include <QStringList>

// Token figures that a test wants the fake upstream to report on top of the counted ones.
struct FakeTokenSettings
{
    int cachedTokens = 0; // reported as prompt_tokens_details.cached_tokens (capped at prompt_tokens)
    int reasoningTokens
        = 0; // reported as completion_tokens_details.reasoning_tokens, part of completion_tokens
};

// One deterministic answer to an OpenAI Chat Completions request, rendered in OpenAI's wire format, both as a
// whole body and as the server-sent events of a stream. The rules, so that tests can predict every figure:
// - words(s): the number of whitespace-separated words in s.
// - a message's text: its `content` string, or the `text` of its text parts joined by one space.
// - reply: "Echo: " + the text of the last `user` message.
// - prompt_tokens = sum of words(text) over all messages + 7 * number of messages.
// - completion_tokens = words(reply) + reasoning tokens; for tool calls, the number of argument pieces
//   streamed (5 per call, 10 in all) + reasoning tokens.
// - Length: the reply is cut to max_completion_tokens (or max_tokens, else 4) words; finish_reason "length".
// - Tools: two parallel calls of get_weather, {"location":"Paris"} and {"location":"Tokyo"}.
class FakeChatCompletion
{
public:
    enum class Kind { Echo, Tools, Length };

    FakeChatCompletion(const QJsonObject &request, Kind kind, const FakeTokenSettings &tokens,
        const QByteArray &id, qint64 created);

    // The agent script's turns (FakeAgentScript): one call of `name`, or the echo of a tool's result.
    void replaceWithToolCall(const QString &name, const QString &arguments);
    void replaceWithEcho(const QString &text);
    // Structured output: the echo becomes FakeStructuredAnswer's JSON for `schema` (an echo answer only).
    void replaceWithJson(const QJsonObject &schema);

    QByteArray body() const;
    // Every event of the stream in order, each "data: {…}\n\n", the last one "data: [DONE]\n\n".
    QByteArrayList streamEvents() const;

    QString content() const { return m_pieces.join(QString()); }
    int promptTokens() const { return m_promptTokens; }
    int completionTokens() const;
    int cachedTokens() const { return qMin(m_tokens.cachedTokens, m_promptTokens); }
    bool includeUsage() const { return m_includeUsage; }

    static int countWords(const QString &text);
    // Splits text into pieces of one word each with the whitespace before it, so that joining them gives
    // back the text exactly.
    static QStringList wordPieces(const QString &text);
    static QByteArray jsonString(const QString &text);

private:
    struct ToolCall
    {
        QByteArray id;
        QString name;
        QStringList argumentPieces;
    };

    QByteArray usage() const;
    QByteArray message() const;
    QByteArray chunk(const QByteArray &delta, const QByteArray &finishReason) const;
    QByteArray finishReason() const;

    Kind m_kind;
    FakeTokenSettings m_tokens;
    QByteArray m_id;
    qint64 m_created;
    QString m_model;
    bool m_includeUsage = false;
    int m_promptTokens = 0;
    QStringList m_pieces;
    QList<ToolCall> m_toolCalls;
};
