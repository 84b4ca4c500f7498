#pragma once

#include "testhttp.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

class Gateway;
class ProxyHarness;

// One pair of client format and upstream provider that the translating proxy serves, with the models a
// translation suite uses for it (served by the fake upstream, see FakeAnswer for what their names ask for).
struct TranslatePair
{
    enum class Client { OpenAI, Anthropic };

    const char *tag;
    Client client;
    QString provider; // provider id: openai, anthropic, google
    QString upstreamModel; // in the catalog, so that it has a price
    QString toolsModel; // without the provider prefix; the fake answers it with two get_weather calls

    QString model() const { return provider + u'/' + upstreamModel; }
    QString routed(const QString &bareModel) const { return provider + u'/' + bareModel; }
    bool anthropicClient() const { return client == Client::Anthropic; }
    // Where the request lands on the fake upstream.
    QByteArray upstreamPath() const;

    // The five pairs the suites run over, and a QTest data row per pair (column "pair", an index).
    static const QList<TranslatePair> &all();
    static void addRows(const QString &suffix = {});
    static const TranslatePair &at(int index) { return all().at(index); }
};

// The client's request in its format: system prompt "Be brief." and the user's text (OpenAI: a system
// message; Anthropic: top-level system, max_tokens 256); with `tools`, one get_weather tool in that format.
QByteArray translateRequest(const TranslatePair &pair, const QString &model, const QString &userText,
    bool stream = false, bool includeUsage = false, bool tools = false);
// Sends it to the client's endpoint with the harness's key.
TestHttpResult sendTranslated(ProxyHarness &harness, const TranslatePair &pair, const QByteArray &body,
    const QList<QPair<QByteArray, QByteArray>> &headers = {});

// The fake's figures for translateRequest(): prompt and completion tokens (FakeAnswer's rules).
int expectedPromptTokens(const QString &userText);
int expectedCompletionTokens(const QString &userText);
// Catalog price of provider/model applied to the tokens; -1 when the catalog has no price.
double catalogCost(
    const Gateway &gateway, const QString &provider, const QString &model, qint64 prompt, qint64 completion);

// A tool call as a client sees it, whatever the format.
struct SeenToolCall
{
    QString id;
    QString name;
    QJsonObject arguments;
    bool argumentsParsed = false;
};

// An OpenAI chat.completion.chunk stream, checked for form as it is parsed.
struct OpenAIStream
{
    QString problem; // empty when well formed: data events of chunks, one finish_reason, data: [DONE] last
    QString text;
    QString finishReason;
    QJsonObject usage; // of the usage-only chunk (choices []), if any
    int usageChunks = 0; // chunks carrying a usage object
    bool usageLast = false; // the usage-only chunk came right before [DONE]
    QList<SeenToolCall> toolCalls; // assembled by index
    static OpenAIStream parse(const QByteArray &body);
};

// An Anthropic Messages stream, checked for form as it is parsed.
struct AnthropicStream
{
    QString problem; // empty when well formed (see parse)
    QStringList types; // event types in order, pings left out
    QJsonObject message; // message_start's message
    QString text;
    QString stopReason;
    QJsonObject deltaUsage; // message_delta's usage
    QList<SeenToolCall> toolUses;
    // "event: T\ndata: {"type":"T",…}\n\n" each; message_start first, message_stop last, message_delta just
    // before it; blocks numbered from 0, one open at a time, deltas of the open block's kind.
    static AnthropicStream parse(const QByteArray &body);
};

// The tool calls of a whole answer: OpenAI message.tool_calls or Anthropic tool_use blocks.
QList<SeenToolCall> wholeToolCalls(const TranslatePair &pair, const QJsonObject &response);
// The text of a whole answer: OpenAI message.content or the Anthropic text blocks joined.
QString wholeText(const TranslatePair &pair, const QJsonObject &response);
