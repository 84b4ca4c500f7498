#pragma once

#include "fakeanswer.h"
#include "fakehttprequest.h"
#include "fakereply.h"

#include <QJsonObject>

// Google's Gemini API (generativelanguage v1beta) as the fake upstream plays it, in its documented wire
// format: POST /v1beta/models/<model>:generateContent answers one GenerateContentResponse (candidates with
// content.parts and finishReason, usageMetadata, modelVersion, responseId); :streamGenerateContent?alt=sse
// sends one partial response per event as "data: <json>\r\n\r\n" (Google ends SSE lines with CRLF), the
// last with finishReason and usageMetadata; without alt=sse the same responses come as one JSON array.
// Model names pick behaviours as in FakeAnswer (tool calls arrive as whole functionCall parts, finishReason
// STOP); "fake-error-<status>" answers {"error":{"code","message","status"}}. The key is taken from
// x-goog-api-key or ?key= when one is set.
class FakeGeminiApi
{
public:
    void setExpectedKey(const QByteArray &key) { m_expectedKey = key; }
    void setTokenSettings(const FakeTokenSettings &tokens) { m_tokens = tokens; }

    FakeReply reply(const FakeHttpRequest &request);

    // Google's error envelope and the status name Google uses for an HTTP status.
    static QByteArray errorBody(int code, const QString &message, const QByteArray &status);
    static QByteArray statusNameFor(int code);
    // The turns of a GenerateContentRequest: systemInstruction (if any) first, then each content.
    static QList<FakeTurn> turns(const QJsonObject &request);
    static void playAgentTurn(const QJsonObject &body, FakeAnswer *answer);

private:
    FakeReply error(int code, const QString &message, const FakeReply::Headers &headers) const;
    // batchEmbedContents: deterministic vectors (8 values, or outputDimensionality), no usage (as Gemini).
    FakeReply embed(const FakeHttpRequest &request, const FakeReply::Headers &headers) const;
    // :countTokens, with contents or a generateContentRequest: totalTokens by the echo rules, Google's
    // layout.
    FakeReply countTokens(const FakeHttpRequest &request, const FakeReply::Headers &headers) const;
    FakeReply generate(
        const FakeHttpRequest &request, const QString &model, bool stream, const FakeReply::Headers &headers);
    QByteArray usageJson(const FakeAnswer &answer) const;

    QByteArray m_expectedKey;
    FakeTokenSettings m_tokens;
    quint64 m_sequence = 0;
};
