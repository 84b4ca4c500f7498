#pragma once

#include <QLatin1StringView>

// The numbers in Gemini's generationConfig that mean what an OpenAI Chat Completions parameter means, under
// their two names: one table for both directions (GeminiAdapter's requests, GeminiInbound's).
struct GeminiConfigName
{
    QLatin1StringView openai;
    QLatin1StringView gemini;
};

inline constexpr GeminiConfigName geminiNumberConfigNames[] = {
    { QLatin1StringView("temperature"), QLatin1StringView("temperature") },
    { QLatin1StringView("top_p"), QLatin1StringView("topP") },
    { QLatin1StringView("top_k"), QLatin1StringView("topK") },
    { QLatin1StringView("n"), QLatin1StringView("candidateCount") },
    { QLatin1StringView("seed"), QLatin1StringView("seed") },
    { QLatin1StringView("presence_penalty"), QLatin1StringView("presencePenalty") },
    { QLatin1StringView("frequency_penalty"), QLatin1StringView("frequencyPenalty") },
};
