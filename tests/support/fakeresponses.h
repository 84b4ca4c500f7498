#pragma once

#include "fakechatcompletion.h"
#include "fakehttprequest.h"
#include "fakereply.h"

#include <QByteArrayList>
#include <QJsonObject>

// OpenAI's Responses API (POST /v1/responses) as the fake upstream plays it, byte for byte in OpenAI's field
// order, with the rules of FakeAnswer: the turns are `instructions` (one turn) and each input item (a
// message's input_text/output_text parts joined by a space; function calls and outputs count as turns without
// words); the reply echoes the last user turn; a model ending in "-tools" with tools given calls get_weather
// twice, one ending in "-length" is cut to max_output_tokens words (status incomplete); fake-error-<status>
// answers OpenAI's error envelope, fake-drop-mid-stream sends two events of a stream and hangs up. Streams
// send every event OpenAI documents for these answers, with sequence numbers.
class FakeResponses
{
public:
    FakeResponses(const QJsonObject &request, const FakeTokenSettings &tokens, const QByteArray &idSeed,
        qint64 createdAt);

    QByteArray body() const;
    QByteArrayList streamEvents() const; // each "event: <type>\ndata: {…}\n\n"

    QString text() const;
    QByteArray id() const { return m_id; }
    QByteArray messageId() const { return m_messageId; }
    int inputTokens() const { return m_inputTokens; }
    int outputTokens() const { return m_outputTokens; }

    static FakeReply reply(const FakeHttpRequest &request, const FakeReply::Headers &headers,
        const FakeTokenSettings &tokens, const QByteArray &idSeed, qint64 createdAt);

private:
    struct Call
    {
        QByteArray id;
        QByteArray callId;
        QString name;
        QString arguments;
        QStringList pieces;
    };

    QByteArray response(const QByteArray &status, const QByteArray &output, bool withUsage) const;
    QByteArray messageItem(const QByteArray &status, bool withContent) const;
    QByteArray callItem(const Call &call, const QByteArray &status, bool withArguments) const;
    QByteArray outputText() const;
    QByteArray usage() const;

    QJsonObject m_request;
    FakeTokenSettings m_tokens;
    QByteArray m_id;
    QByteArray m_messageId;
    qint64 m_createdAt;
    bool m_tools = false;
    bool m_incomplete = false;
    QStringList m_pieces;
    QList<Call> m_calls;
    int m_inputTokens = 0;
    int m_outputTokens = 0;
};
