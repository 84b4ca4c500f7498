#pragma once

#include "requestrecord.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <optional>

// The columns of the requests table the log writer fills, in order, and the values one record gives them, for
// each of the writers (SQLite's C API, PostgreSQL's COPY) to put in its own form.
namespace RecordColumns {

inline constexpr const char *kNames[] = {
    "request_id",
    "created_at",
    "api_key_id",
    "member",
    "client_ip",
    "user_agent",
    "endpoint",
    "requested_model",
    "used_model",
    "used_provider",
    "streamed",
    "status",
    "finish_reason",
    "error",
    "prompt_tokens",
    "completion_tokens",
    "cached_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
    "total_tokens",
    "usage_estimated",
    "cost",
    "cost_input",
    "cost_cached_input",
    "cost_cache_write",
    "cost_output",
    "duration_ms",
    "ttft_ms",
    "request_body",
    "response_body",
    "attempt",
    "cache_hit",
    "retried",
};
inline constexpr int kCount = int(std::size(kNames));

// "request_id, created_at, …"
QString list();
// "2026-11-25T11:40:11.525Z", as Qt::ISODateWithMs writes it for UTC, without its cost per record.
QByteArray isoUtc(const QDateTime &time);

// Hands the values of `r` to `sink` in column order, one call each: text(QByteArray utf8), integer(qint64),
// real(double), blob(QByteArray, never empty) or null().
template<class Sink> void write(const RequestRecord &r, Sink &sink)
{
    const auto optionalInteger
        = [&](std::optional<qint64> value) { value ? sink.integer(*value) : sink.null(); };
    const auto optionalReal = [&](std::optional<double> value) { value ? sink.real(*value) : sink.null(); };
    // An empty body means "not retained" (metadata-only policy, or nothing to keep): NULL, not ''.
    const auto body = [&](const QByteArray &bytes) { bytes.isEmpty() ? sink.null() : sink.blob(bytes); };
    const auto costPart = [&](double Cost::*part) {
        optionalReal(r.cost ? std::optional<double>((*r.cost).*part) : std::nullopt);
    };

    sink.text(r.requestId);
    // A record without a time gets the time it is written: a NULL would drop it from every time range.
    sink.text(isoUtc(r.createdAt.isValid() ? r.createdAt : QDateTime::currentDateTimeUtc()));
    optionalInteger(r.apiKeyId > 0 ? std::optional<qint64>(r.apiKeyId) : std::nullopt);
    for (const QString *text : { &r.member, &r.clientIp, &r.userAgent, &r.endpoint, &r.requestedModel,
             &r.usedModel, &r.usedProvider })
        sink.text(text->toUtf8());
    sink.integer(r.streamed);
    sink.integer(r.status);
    sink.text(r.finishReason.toUtf8());
    sink.text(r.error.toUtf8());
    for (const qint64 count : { r.usage.promptTokens, r.usage.completionTokens, r.usage.cachedTokens,
             r.usage.cacheWriteTokens, r.usage.reasoningTokens, r.usage.totalTokens() })
        sink.integer(count);
    sink.integer(r.usage.estimated);
    optionalReal(r.cost ? std::optional<double>(r.cost->total()) : std::nullopt);
    costPart(&Cost::input);
    costPart(&Cost::cachedInput);
    costPart(&Cost::cacheWrite);
    costPart(&Cost::output);
    sink.integer(r.durationMs);
    optionalInteger(r.ttftMs);
    body(r.requestBody);
    body(r.responseBody);
    sink.integer(r.attempt);
    sink.integer(r.cacheHit);
    sink.integer(r.retried);
}

} // namespace RecordColumns
