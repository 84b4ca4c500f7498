#pragma once

#include <QJsonArray>
#include <QString>
#include <QStringList>
#include <optional>

// Model names ending in "-agent" (or "fake-agent") play a coding agent's tool round trip, whatever the API:
// while the conversation holds no tool result, the answer is one call of the agent's own file or shell tool
// on the last absolute path the user's text names (Claude Code's Read and Gemini CLI's read_file
// {"file_path"}, preferred when offered; else Codex's exec_command {"cmd":"cat …"},
// Bash/shell_command/run_shell_command
// {"command":"cat …"}, shell {"command":["cat", …]}); once the last turn
// is a tool result, the answer is "Echo: " + that result. Without such a tool or path: the usual echo.
namespace FakeAgentScript {

bool applies(const QString &model);

struct Call
{
    QString name;
    QString arguments; // compact JSON
};
std::optional<Call> call(const QStringList &offeredTools, const QString &userText);

// The text of a tool result's content: a string, text blocks or parts joined by a space, anything else as
// JSON.
QString resultText(const QJsonValue &content);

} // namespace FakeAgentScript
