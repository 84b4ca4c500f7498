#include "usagemath.h"

#include <algorithm>

namespace {

std::optional<double> weightedAvg(
    const std::optional<double> &a, qint64 countA, const std::optional<double> &b, qint64 countB)
{
    if (!a || countA <= 0)
        return countB > 0 ? b : std::nullopt;
    if (!b || countB <= 0)
        return a;
    return (*a * double(countA) + *b * double(countB)) / double(countA + countB);
}

} // namespace

namespace UsageMath {

UsageData::Totals sum(const UsageData::Totals &a, const UsageData::Totals &b)
{
    UsageData::Totals t;
    t.requests = a.requests + b.requests;
    t.errors = a.errors + b.errors;
    t.retries = a.retries + b.retries;
    t.cacheHits = a.cacheHits + b.cacheHits;
    t.promptTokens = a.promptTokens + b.promptTokens;
    t.completionTokens = a.completionTokens + b.completionTokens;
    t.cachedTokens = a.cachedTokens + b.cachedTokens;
    t.cacheWriteTokens = a.cacheWriteTokens + b.cacheWriteTokens;
    t.reasoningTokens = a.reasoningTokens + b.reasoningTokens;
    t.totalTokens = a.totalTokens + b.totalTokens;
    t.costUsd = a.costUsd + b.costUsd;
    t.unpricedRequests = a.unpricedRequests + b.unpricedRequests;
    t.duration.avg = weightedAvg(a.duration.avg, a.requests, b.duration.avg, b.requests);
    // The API does not say how many requests had a first token; requests weigh ttft averages instead.
    t.ttft.avg = weightedAvg(a.ttft.avg, a.requests, b.ttft.avg, b.requests);
    return t;
}

qint64 uncachedInput(const UsageData::Totals &totals)
{
    return std::max<qint64>(0, totals.promptTokens - totals.cachedTokens);
}

QList<UsageData::Group> byCost(QList<UsageData::Group> groups)
{
    std::stable_sort(groups.begin(), groups.end(), [](const UsageData::Group &a, const UsageData::Group &b) {
        if (a.totals.costUsd != b.totals.costUsd)
            return a.totals.costUsd > b.totals.costUsd;
        if (a.totals.requests != b.totals.requests)
            return a.totals.requests > b.totals.requests;
        return a.label() < b.label();
    });
    return groups;
}

} // namespace UsageMath
