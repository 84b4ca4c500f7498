#pragma once

#include "fakeanswer.h"
#include "fakehttprequest.h"
#include "fakereply.h"

#include <QJsonObject>

// Anthropic's Messages API (POST /v1/messages) as the fake upstream plays it, in Anthropic's documented wire
// format: a `message` object with content blocks and usage (cache reads and writes apart from input_tokens),
// or, with "stream": true, the events message_start, content_block_start/delta/stop (with a ping after the
// first block start), message_delta (stop_reason and the cumulative output_tokens) and message_stop, each as
// "event: <type>\ndata: <json>\n\n". Model names pick behaviours as in FakeAnswer; "fake-error-<status>"
// answers that status with {"type":"error","error":{"type","message"},"request_id"}.
// Checks what the real API checks first: the key (when one is set; x-api-key or "Authorization: Bearer",
// which the official SDKs send since 1.x), anthropic-version, and the required model, max_tokens and
// messages, and that a structured output's output_config.format is {"type":"json_schema","schema":{…}}.
class FakeAnthropicApi
{
public:
    void setExpectedKey(const QByteArray &key) { m_expectedKey = key; }
    void setTokenSettings(const FakeTokenSettings &tokens) { m_tokens = tokens; }
    // Prompt tokens reported as cache_creation_input_tokens (capped at what the cache read left).
    void setCacheWriteTokens(int tokens) { m_cacheWriteTokens = tokens; }

    FakeReply reply(const FakeHttpRequest &request);

    // Anthropic's error envelope, and the error type Anthropic uses for a status.
    static QByteArray errorBody(const QByteArray &type, const QString &message, const QByteArray &requestId);
    static QByteArray errorTypeFor(int status);
    // The turns of a Messages request: the system prompt (if any) first, then each message.
    static QList<FakeTurn> turns(const QJsonObject &request);

private:
    struct Usage
    {
        int input = 0;
        int cacheRead = 0;
        int cacheWrite = 0;
        int output = 0;
    };

    FakeReply error(int status, const QString &message, const FakeReply::Headers &headers) const;
    FakeReply messages(const FakeHttpRequest &request, const FakeReply::Headers &headers);
    // POST /v1/messages/count_tokens: {"input_tokens": the prompt tokens of the echo rules}; no max_tokens.
    FakeReply countTokens(const FakeHttpRequest &request, const FakeReply::Headers &headers) const;
    Usage usageOf(const FakeAnswer &answer) const;
    static QByteArray usageJson(const Usage &usage, int outputTokens);
    static QByteArray contentJson(const FakeAnswer &answer, const QByteArray &messageId);
    static QByteArrayList streamEvents(
        const FakeAnswer &answer, const Usage &usage, const QByteArray &id, const QString &model);

    QByteArray m_expectedKey;
    FakeTokenSettings m_tokens;
    int m_cacheWriteTokens = 0;
    quint64 m_sequence = 0;
    QByteArray m_requestId;
};
