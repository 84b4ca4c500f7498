#pragma once

#include "apitypes.h"

#include <QtMath>

// Realistic usage reports made by hand for chart and page tests: a working day's shape (quiet nights,
// busy afternoons), a few models, latency with a long tail. Deterministic: the same arguments, the same
// numbers.
namespace UsageFixture {

inline UsageData::Totals totalsAt(int i, double scale, int salt)
{
    UsageData::Totals t;
    const int hour = i % 24;
    const double daily = 0.25 + 0.75 * std::max(0.0, std::sin((hour - 6) / 24.0 * 2 * M_PI));
    const double jitter = 0.8 + 0.4 * (((i * 37 + salt * 11) % 17) / 16.0);
    t.requests = qint64(std::round(120 * scale * daily * jitter));
    t.errors = t.requests > 0 ? qint64(t.requests * (0.01 + 0.03 * ((i + salt) % 5 == 0))) : 0;
    t.cacheHits = t.requests / 4;
    t.promptTokens = t.requests * (900 + 37 * salt);
    t.cachedTokens = t.promptTokens / 3;
    t.completionTokens = t.requests * (240 + 13 * salt);
    t.totalTokens = t.promptTokens + t.completionTokens;
    t.costUsd
        = double(t.promptTokens) * 0.15e-6 * (1 + salt) + double(t.completionTokens) * 0.6e-6 * (1 + salt);
    if (t.requests > 0) {
        const double base = 420 + 90 * salt + 60 * std::sin(i / 3.0);
        t.duration = { base * 1.1, base, base * 2.6, base * 4.1 };
        t.ttft = { base * 0.3, base * 0.28, base * 0.7, base * 1.2 };
    }
    return t;
}

// `count` buckets of `bucket` ("hour", "day") from `from`; `groups` model names, or none for an ungrouped
// report.
inline UsageData report(const QDateTime &from, int count, const QString &bucket = QStringLiteral("hour"),
    const QStringList &groups = {}, double scale = 1.0)
{
    UsageData data;
    data.from = from;
    data.bucket = bucket;
    const auto step
        = [&](int i) { return bucket == QLatin1String("day") ? from.addDays(i) : from.addSecs(3600LL * i); };
    data.to = step(count);
    for (int i = 0; i < count; ++i)
        data.series.append({ step(i), totalsAt(i, scale, 0) });
    if (!groups.isEmpty()) {
        data.groupBy = QStringLiteral("model");
        for (int g = 0; g < groups.size(); ++g) {
            UsageData::Group group;
            group.key = groups[g];
            for (int i = 0; i < count; ++i)
                group.series.append({ step(i), totalsAt(i, scale / (g + 1), g + 1) });
            for (const auto &p : group.series) {
                group.totals.requests += p.totals.requests;
                group.totals.costUsd += p.totals.costUsd;
                group.totals.totalTokens += p.totals.totalTokens;
            }
            data.groups.append(group);
        }
    }
    for (const auto &p : data.series) {
        data.totals.requests += p.totals.requests;
        data.totals.costUsd += p.totals.costUsd;
    }
    return data;
}

} // namespace UsageFixture
