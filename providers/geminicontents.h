#pragma once

#include <QJsonArray>
#include <QString>
#include <optional>

// The conversation part of a Gemini request, built from OpenAI chat messages (part of GeminiAdapter):
// system/developer messages as systemInstruction parts; user, assistant (as "model") and tool messages as
// contents, consecutive turns of one role merged; text, image, audio and file parts; tool calls as
// functionCall parts and tool results as functionResponse parts named after the call they answer.
struct GeminiContents
{
    QJsonArray contents;
    QJsonArray systemParts;

    // nullopt and *error (naming the message and part, e.g. "messages[3].tool_calls[0].function.arguments")
    // when a message cannot be expressed for Gemini.
    static std::optional<GeminiContents> fromMessages(const QJsonArray &messages, QString *error);
};
