#include "apitypes.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

QDateTime time(const QJsonValue &value)
{
    QDateTime at = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    return at.isValid() ? at.toUTC() : at;
}

qint64 integer(const QJsonObject &object, const QString &name)
{
    return object.value(name).toInteger();
}

std::optional<double> optionalDouble(const QJsonValue &value)
{
    return value.isDouble() ? std::optional(value.toDouble()) : std::nullopt;
}

std::optional<qint64> optionalId(const QJsonValue &value)
{
    return value.isDouble() ? std::optional(value.toInteger()) : std::nullopt;
}

UsageData::Latency latency(const QJsonObject &object)
{
    return { optionalDouble(object.value(u"avg"_s)), optionalDouble(object.value(u"p50"_s)),
        optionalDouble(object.value(u"p95"_s)), optionalDouble(object.value(u"p99"_s)) };
}

UsageData::Totals parseTotals(const QJsonObject &o)
{
    UsageData::Totals t;
    t.requests = integer(o, u"requests"_s);
    t.errors = integer(o, u"errors"_s);
    t.retries = integer(o, u"retries"_s);
    t.cacheHits = integer(o, u"cache_hits"_s);
    t.promptTokens = integer(o, u"prompt_tokens"_s);
    t.completionTokens = integer(o, u"completion_tokens"_s);
    t.cachedTokens = integer(o, u"cached_tokens"_s);
    t.cacheWriteTokens = integer(o, u"cache_write_tokens"_s);
    t.reasoningTokens = integer(o, u"reasoning_tokens"_s);
    t.totalTokens = integer(o, u"total_tokens"_s);
    t.costUsd = o.value(u"cost_usd"_s).toDouble();
    t.unpricedRequests = integer(o, u"unpriced_requests"_s);
    t.duration = latency(o.value(u"duration_ms"_s).toObject());
    t.ttft = latency(o.value(u"ttft_ms"_s).toObject());
    return t;
}

QList<UsageData::Point> parseSeries(const QJsonArray &array)
{
    QList<UsageData::Point> points;
    points.reserve(array.size());
    for (const QJsonValue &value : array) {
        const QJsonObject object = value.toObject();
        points.append({ time(object.value(u"start"_s)), parseTotals(object) });
    }
    return points;
}

std::optional<double> ratePercent(qint64 part, qint64 whole)
{
    return whole > 0 ? std::optional(100.0 * double(part) / double(whole)) : std::nullopt;
}

} // namespace

std::optional<double> UsageData::Totals::errorRatePercent() const
{
    return ratePercent(errors, requests);
}

std::optional<double> UsageData::Totals::cacheHitRatePercent() const
{
    return ratePercent(cacheHits, requests);
}

std::optional<double> UsageData::Totals::outputTokensPerSecond() const
{
    // The API gives the average duration, not its sum: avg × requests is the time the requests took.
    if (!duration.avg || requests <= 0)
        return std::nullopt;
    const double seconds = *duration.avg * double(requests) / 1000.0;
    return seconds > 0 ? std::optional(double(completionTokens) / seconds) : std::nullopt;
}

StatusInfo StatusInfo::fromJson(const QJsonObject &o)
{
    StatusInfo s;
    s.version = o.value(u"version"_s).toString();
    s.url = o.value(u"url"_s).toString();
    s.startedAt = time(o.value(u"started_at"_s));
    s.uptimeS = integer(o, u"uptime_s"_s);
    s.inFlight = integer(o, u"in_flight"_s);
    for (const QJsonValue &value : o.value(u"requests_per_minute"_s).toArray()) {
        const QJsonObject minute = value.toObject();
        s.requestsPerMinute.append(
            { time(minute.value(u"start"_s)), integer(minute, u"requests"_s), integer(minute, u"errors"_s) });
    }
    s.latestRecordId = optionalId(o.value(u"latest_record_id"_s));
    const QJsonObject writer = o.value(u"log_writer"_s).toObject();
    s.logWriter = { integer(writer, u"backlog"_s), integer(writer, u"backlog_bytes"_s),
        integer(writer, u"failures"_s), integer(writer, u"dropped"_s) };
    const QJsonObject database = o.value(u"database"_s).toObject();
    s.database = { database.value(u"engine"_s).toString(), database.value(u"healthy"_s).toBool(true),
        database.value(u"message"_s).toString() };
    s.retentionLevel = o.value(u"retention_level"_s).toString();
    return s;
}

MemberSelf MemberSelf::fromJson(const QJsonObject &o)
{
    MemberSelf m;
    m.id = integer(o, u"id"_s);
    m.email = o.value(u"email"_s).toString();
    m.name = o.value(u"name"_s).toString();
    m.role = o.value(u"role"_s).toString();
    for (const QJsonValue &action : o.value(u"can"_s).toArray())
        m.can.insert(action.toString());
    m.recordScope = o.value(u"record_scope"_s).toString();
    return m;
}

UsageData UsageData::fromJson(const QJsonObject &o)
{
    UsageData u;
    u.from = time(o.value(u"from"_s));
    u.to = time(o.value(u"to"_s));
    u.bucket = o.value(u"bucket"_s).toString();
    u.groupBy = o.value(u"group_by"_s).toString();
    u.totals = parseTotals(o.value(u"totals"_s).toObject());
    u.series = parseSeries(o.value(u"series"_s).toArray());
    for (const QJsonValue &value : o.value(u"groups"_s).toArray()) {
        const QJsonObject group = value.toObject();
        // Keys come as text or number depending on the dimension; the window treats them all as text.
        const QJsonValue key = group.value(u"key"_s);
        u.groups.append({ key.isDouble() ? QString::number(key.toInteger()) : key.toString(),
            group.value(u"name"_s).toString(), parseTotals(group.value(u"totals"_s).toObject()),
            parseSeries(group.value(u"series"_s).toArray()) });
    }
    return u;
}

LogRecord LogRecord::fromJson(const QJsonObject &o)
{
    LogRecord r;
    r.id = integer(o, u"id"_s);
    r.requestId = o.value(u"request_id"_s).toString();
    r.createdAt = time(o.value(u"created_at"_s));
    r.apiKeyId = optionalId(o.value(u"api_key_id"_s));
    r.member = o.value(u"member"_s).toString();
    r.requestedModel = o.value(u"requested_model"_s).toString();
    r.usedModel = o.value(u"used_model"_s).toString();
    r.usedProvider = o.value(u"used_provider"_s).toString();
    r.streamed = o.value(u"streamed"_s).toBool();
    r.status = o.value(u"status"_s).toInt();
    r.finishReason = o.value(u"finish_reason"_s).toString();
    const QJsonValue error = o.value(u"error"_s);
    // An error may be a plain message or the upstream's error object.
    r.error = error.isObject() ? error.toObject().value(u"message"_s).toString() : error.toString();
    r.promptTokens = integer(o, u"prompt_tokens"_s);
    r.completionTokens = integer(o, u"completion_tokens"_s);
    r.cachedTokens = integer(o, u"cached_tokens"_s);
    r.reasoningTokens = integer(o, u"reasoning_tokens"_s);
    r.totalTokens = integer(o, u"total_tokens"_s);
    r.cost = optionalDouble(o.value(u"cost"_s));
    r.durationMs = optionalDouble(o.value(u"duration_ms"_s));
    r.ttftMs = optionalDouble(o.value(u"ttft_ms"_s));
    r.clientIp = o.value(u"client_ip"_s).toString();
    r.userAgent = o.value(u"user_agent"_s).toString();
    r.json = o;
    return r;
}

LogsPage LogsPage::fromJson(const QJsonObject &o)
{
    LogsPage page;
    const QJsonArray records = o.value(u"records"_s).toArray();
    page.records.reserve(records.size());
    for (const QJsonValue &record : records)
        page.records.append(LogRecord::fromJson(record.toObject()));
    page.nextBefore = optionalId(o.value(u"next_before"_s));
    page.latestId = optionalId(o.value(u"latest_id"_s));
    return page;
}

CreatedKey CreatedKey::fromJson(const QJsonObject &o)
{
    return { integer(o, u"id"_s), o.value(u"name"_s).toString(), o.value(u"key"_s).toString() };
}
