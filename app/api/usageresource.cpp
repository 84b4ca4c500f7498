// usage: totals and time series of requests, tokens, cost, errors and latency percentiles, from the hourly
// rollups (minute buckets: the minute rollups of the last two days), optionally grouped by model, provider,
// API key or member.
#include "apiresources.h"

#include "apikeystore.h"
#include "clock.h"
#include "recordstore.h"
#include "usagerollups.h"
#include "wirenames.h"

#include <QJsonArray>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

QJsonValue orNull(const std::optional<double> &value)
{
    return value ? QJsonValue(std::round(*value * 10) / 10) : QJsonValue(QJsonValue::Null);
}

QJsonObject latency(const LatencyBins::Histogram &counts, qint64 count, qint64 sumMs)
{
    return { { u"avg"_s,
                 count > 0 ? QJsonValue(std::round(double(sumMs) / double(count) * 10) / 10) : QJsonValue() },
        { u"p50"_s, orNull(LatencyBins::percentile(counts, 0.50)) },
        { u"p95"_s, orNull(LatencyBins::percentile(counts, 0.95)) },
        { u"p99"_s, orNull(LatencyBins::percentile(counts, 0.99)) } };
}

QJsonObject totalsJson(const UsageTotals &t)
{
    return {
        { u"requests"_s, t.requests },
        { u"errors"_s, t.errors },
        { u"retries"_s, t.retries },
        { u"cache_hits"_s, t.cacheHits },
        { u"prompt_tokens"_s, t.promptTokens },
        { u"completion_tokens"_s, t.completionTokens },
        { u"cached_tokens"_s, t.cachedTokens },
        { u"cache_write_tokens"_s, t.cacheWriteTokens },
        { u"reasoning_tokens"_s, t.reasoningTokens },
        { u"total_tokens"_s, t.totalTokens },
        { u"cost_usd"_s, t.cost },
        // Records whose model had no known price: their cost is missing from cost_usd, not zero.
        { u"unpriced_requests"_s, t.unpriced },
        { u"duration_ms"_s, latency(t.duration, t.requests, t.durationSumMs) },
        { u"ttft_ms"_s, latency(t.ttft, t.ttftCount, t.ttftSumMs) },
    };
}

QJsonArray seriesJson(const std::vector<UsagePoint> &series)
{
    QJsonArray array;
    for (const UsagePoint &point : series) {
        QJsonObject object = totalsJson(point.totals);
        object.insert(u"start"_s, point.start.toString(Qt::ISODate));
        array.append(object);
    }
    return array;
}

// group_by's names; none (or nothing) groups nothing.
std::optional<UsageDimension> dimensionOf(const QString &name)
{
    static const WireName<UsageDimension> names[] = {
        { UsageDimension::None, "none"_L1 },
        { UsageDimension::Model, "model"_L1 },
        { UsageDimension::Provider, "provider"_L1 },
        { UsageDimension::ApiKey, "key"_L1 },
        { UsageDimension::Member, "member"_L1 },
    };
    return name.isEmpty() ? UsageDimension::None : WireNames::value(names, name);
}

// The oldest time minute buckets reach: the minute rollups are kept for a window only.
QDateTime minutesSince(const ApiContext &context)
{
    return context.clock.now().toUTC().addSecs(-UsageRollups::kMinuteHours * 3600);
}

// Minutes for up to six hours (at most 360 points) within the minutes kept, hours for up to two days, days
// for up to three months, weeks beyond.
UsageBucket defaultBucket(const RecordFilter &filter, const QDateTime &minutesSince)
{
    const qint64 seconds = filter.from.secsTo(filter.to);
    if (seconds <= 6 * 3600 && filter.from >= minutesSince)
        return UsageBucket::Minute;
    const qint64 hours = seconds / 3600;
    return hours <= 48 ? UsageBucket::Hour : hours <= 92 * 24 ? UsageBucket::Day : UsageBucket::Week;
}

} // namespace

namespace UsageResource {

ApiReply report(const ApiContext &context, const ApiCall &call)
{
    ApiReply refusal;
    const auto filter = RecordParams::filter(context, call, &refusal);
    if (!filter)
        return refusal;
    const QString groupBy = call.query.queryItemValue(u"group_by"_s);
    const auto dimension = dimensionOf(groupBy);
    if (!dimension)
        return ApiReply::error(422, u"invalid"_s, u"'group_by' must be model, provider, key or member"_s);
    if (const Decision decision
        = Permissions::groupUsageBy(call.actor.role, groupBy.isEmpty() ? u"none"_s : groupBy);
        !decision)
        return ApiReply::forbidden(decision);
    const QDateTime since = minutesSince(context);
    UsageBucket bucket = defaultBucket(*filter, since);
    if (call.query.hasQueryItem(u"bucket"_s)) {
        const auto named = UsageBuckets::fromName(call.query.queryItemValue(u"bucket"_s));
        if (!named)
            return ApiReply::error(422, u"invalid"_s, u"'bucket' must be minute, hour, day, week or month"_s);
        bucket = *named;
    }
    // A minute that started before the window would read as empty: refused rather than shown as no traffic.
    const QDateTime firstMinute = UsageBuckets::startOf(since, UsageBucket::Minute);
    if (bucket == UsageBucket::Minute
        && UsageBuckets::startOf(filter->from, UsageBucket::Minute) < firstMinute)
        return ApiReply::error(422, u"invalid"_s,
            u"minute buckets reach back %1 hours (to %2); choose hour buckets for an older range"_s
                .arg(UsageRollups::kMinuteHours)
                .arg(firstMinute.toString(Qt::ISODate)));

    StoreError error; // Invalid (422) for a range the report cannot cover
    const auto report = context.records.usage(*filter, bucket, *dimension, &error);
    if (!report)
        return ApiReply::fromStoreError(error);
    QJsonObject body {
        { u"from"_s, report->from.toString(Qt::ISODate) },
        { u"to"_s, report->to.toString(Qt::ISODate) },
        { u"bucket"_s, UsageBuckets::name(bucket) },
        { u"totals"_s, totalsJson(report->totals) },
        { u"series"_s, seriesJson(report->series) },
    };
    if (*dimension != UsageDimension::None) {
        QJsonArray groups;
        for (const UsageGroup &group : report->groups) {
            QJsonObject object { { u"key"_s, group.key }, { u"totals"_s, totalsJson(group.totals) },
                { u"series"_s, seriesJson(group.series) } };
            if (*dimension == UsageDimension::ApiKey) {
                const auto key = context.keys.find(group.key.toLongLong());
                object.insert(u"name"_s, key ? QJsonValue(key->name) : QJsonValue(QJsonValue::Null));
            }
            groups.append(object);
        }
        body.insert(u"group_by"_s, groupBy);
        body.insert(u"groups"_s, groups);
    }
    return { 200, body };
}

} // namespace UsageResource
