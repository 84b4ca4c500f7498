#pragma once

#include "fakechatcompletion.h"

#include <QList>
#include <QString>
#include <QStringList>

// One turn of a conversation as the fake upstream reads it, whatever the wire format: the role in that
// format's words ("system", "user", "assistant", "model", …) and the text of its text parts joined by one
// space.
struct FakeTurn
{
    QString role;
    QString text;
};

// The deterministic answer that the fake Anthropic and Gemini APIs give, with the OpenAI fake's rules (see
// FakeChatCompletion) so that a test predicts the same figures whichever format the gateway chose:
// - prompt tokens = sum over turns of words(text) + 7, where a system prompt counts as one turn;
// - reply = "Echo: " + the text of the last user turn that has text;
// - completion tokens = words(reply) + reasoning tokens; for tools, the argument pieces (5 per call) +
// reasoning;
// - Length: the reply is cut to the request's max tokens in words (at least 1);
// - Tools: two calls of get_weather, {"location":"Paris"} and {"location":"Tokyo"}.
class FakeAnswer
{
public:
    enum class Kind { Echo, Tools, Length };

    struct ToolCall
    {
        QString name;
        QString arguments; // compact JSON
        QStringList argumentPieces; // how a stream sends the arguments
    };

    FakeAnswer(const QList<FakeTurn> &turns, Kind kind, int maxTokens, const FakeTokenSettings &tokens);

    // The behaviour a model name asks for: "…-tools" (or "fake-tools") with tools given, "…-length"; else
    // echo.
    static Kind kindFor(const QString &model, bool toolsGiven);
    // "fake-error-429" -> 429; -1 when the model does not ask for an error.
    static int errorStatusFor(const QString &model);
    // "fake-stream-error" or "…-stream-error": a stream that sends its first two text pieces, then the API's
    // mid-stream error (overloaded), and ends.
    static bool errorsMidStream(const QString &model);

    // The agent script's turns (FakeAgentScript): one call of `name`, or the echo of a tool's result.
    void replaceWithToolCall(const QString &name, const QString &arguments);
    void replaceWithEcho(const QString &text);
    // Structured output: the echo becomes FakeStructuredAnswer's JSON for `schema` (an echo answer only).
    void replaceWithJson(const QJsonObject &schema);

    Kind kind() const { return m_kind; }
    QStringList pieces() const
    {
        return m_pieces;
    } // the reply, one word (with the whitespace before it) each
    QString content() const { return m_pieces.join(QString()); }
    QList<ToolCall> toolCalls() const { return m_toolCalls; }
    int promptTokens() const { return m_promptTokens; }
    int completionTokens() const;
    const FakeTokenSettings &tokenSettings() const { return m_tokens; }

private:
    Kind m_kind;
    FakeTokenSettings m_tokens;
    int m_promptTokens = 0;
    QStringList m_pieces;
    QList<ToolCall> m_toolCalls;
};

#include "fakereply.h"

// A 200 server-sent-event stream, chunked, one event per chunk and step (so that a test can see each event
// arrive on its own), the head going out with the first, the others paced as `pacing` says.
FakeReply fakeEventStreamReply(
    const FakeReply::Headers &headers, const QByteArrayList &events, const FakeStreamPacing &pacing = {});
