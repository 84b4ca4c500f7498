#pragma once

#include <QString>
#include <optional>

// OpenAI's reasoning_effort and the thinking budgets (in tokens) of the providers that take a budget instead:
// one mapping per provider family and its inverse, so a level survives a trip through any pair of formats.
namespace ReasoningEffort {

enum class Family {
    Anthropic, // thinking.budget_tokens; 1024 is the smallest Anthropic accepts
    Gemini, // thinkingConfig.thinkingBudget; Google's documented mapping for its OpenAI-compatible endpoint
};

// "none" → 0, "minimal" and "low" → the family's smallest budget, "medium", "high"; nullopt for a value
// OpenAI does not define.
std::optional<qint64> thinkingBudget(Family family, QStringView effort);

// The level whose budget is nearest to `budget` on a logarithmic scale (ties go to the lower level): "low",
// "medium" or "high"; empty for 0 or less (thinking off, or Gemini's -1 "let the model decide").
QString effortFor(Family family, qint64 budget);

// For error messages: "none, minimal, low, medium, high".
QString levelNames();

} // namespace ReasoningEffort
