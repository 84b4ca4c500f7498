#pragma once

#include "fakechatcompletion.h"
#include "fakehttprequest.h"
#include "fakereply.h"

class Clock;

// The OpenAI API as the fake upstream plays it: routes, auth, errors and the behaviours chosen by the model
// name (see FakeUpstream). Pure logic: turns a request into the bytes and pauses to send back.
class FakeOpenAiApi
{
public:
    explicit FakeOpenAiApi(const Clock *clock)
        : m_clock(clock)
    { }

    void setExpectedKey(const QByteArray &key) { m_expectedKey = key; }
    QByteArray expectedKey() const { return m_expectedKey; }
    void setTokenSettings(const FakeTokenSettings &tokens) { m_tokens = tokens; }
    FakeTokenSettings tokenSettings() const { return m_tokens; }

    FakeReply reply(const FakeHttpRequest &request);

    // OpenAI's error envelope; `code` and `param` may be null.
    static QByteArray errorBody(
        const QString &message, const QByteArray &type, const QByteArray &code, const QByteArray &param = {});
    // The envelope OpenAI sends for a status, as fake-error-<status> produces it.
    static FakeReply errorForStatus(int status, const QString &model, const FakeReply::Headers &headers);

private:
    FakeReply chatCompletions(const FakeHttpRequest &request, const FakeReply::Headers &headers);
    FakeReply models(const FakeHttpRequest &request, const FakeReply::Headers &headers) const;
    FakeReply embeddings(const FakeHttpRequest &request, const FakeReply::Headers &headers) const;
    FakeReply::Headers commonHeaders(const FakeHttpRequest &request);
    qint64 createdSeconds() const;

    const Clock *m_clock;
    QByteArray m_expectedKey;
    FakeTokenSettings m_tokens;
    quint64 m_sequence = 0;
};
