#pragma once

#include <QtGlobal>

#include <optional>

// Token counts of one request, as the upstream reported them (or as estimated).
struct TokenUsage
{
    qint64 promptTokens = 0; // all input tokens, cached ones included
    qint64 completionTokens = 0; // all output tokens, reasoning ones included
    qint64 cachedTokens = 0; // input tokens read from the provider's prompt cache
    qint64 cacheWriteTokens = 0; // input tokens written to the provider's prompt cache
    qint64 reasoningTokens = 0; // output tokens spent on reasoning
    bool known = false; // false until a usage report (or estimate) arrived
    bool estimated = false;

    qint64 totalTokens() const { return promptTokens + completionTokens; }
};

// What one request cost, per component, in USD. Absent when the model's price is unknown.
struct Cost
{
    double input = 0; // uncached input
    double cachedInput = 0; // cache reads
    double cacheWrite = 0;
    double output = 0;
    double total() const { return input + cachedInput + cacheWrite + output; }
};
