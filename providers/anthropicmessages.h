#pragma once

#include <QJsonArray>
#include <QString>
#include <optional>

// Inside the Anthropic adapter: OpenAI `messages` as the Messages request's `system` and `messages`.
namespace AnthropicAdapter {

struct ConvertedMessages
{
    QString system; // the system and developer messages, joined; empty when there were none
    QJsonArray messages; // user and assistant turns, alternating
    bool lastAssistantUsedTools = false;
};

// nullopt and *error (naming the offending message, e.g. "messages[2].tool_calls[0]…") when a message
// cannot be expressed for Anthropic.
std::optional<ConvertedMessages> convertMessages(const QJsonArray &messages, QString *error);

} // namespace AnthropicAdapter
