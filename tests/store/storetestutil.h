#pragma once

// Helpers shared by the store suites: a hand-driven clock, sample records that exercise every column,
// and a column-by-column comparison of a stored row with the record it came from.

#include "clock.h"
#include "fastquery.h"
#include "logwriter.h"
#include "requestrecord.h"
#include "usagerollups.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStringList>
#include <QThread>
#include <QVariant>
#include <atomic>
#include <cmath>
#include <map>
#include <tuple>
#include <vector>

class TestClock final : public Clock
{
public:
    QDateTime now() const override { return m_now; }
    qint64 monotonicMs() const override { return m_monotonic.load(); }
    void advance(qint64 ms)
    {
        m_monotonic += ms;
        m_now = m_now.addMSecs(ms);
    }

private:
    QDateTime m_now = QDateTime(QDate(2025, 3, 14), QTime(9, 26, 53, 589), Qt::UTC);
    std::atomic<qint64> m_monotonic { 1'000'000 };
};

// Record number `i`: every third one has no price, no time to first token, no key and no bodies.
inline RequestRecord sampleRecord(int i)
{
    RequestRecord r;
    r.requestId = "req-" + QByteArray::number(i);
    r.createdAt = QDateTime(QDate(2025, 1, 2), QTime(3, 4, 5, 678), Qt::UTC).addMSecs(qint64(i) * 1001);
    const bool sparse = i % 3 == 0;
    r.apiKeyId = sparse ? 0 : 1 + i % 7;
    r.member = sparse ? QString() : QStringLiteral("dev%1@example.com").arg(i % 5);
    r.clientIp = QStringLiteral("127.0.0.%1").arg(1 + i % 250);
    r.userAgent = QStringLiteral("OpenAI/Python 1.%1 \"quoted\", with comma").arg(i);
    r.endpoint = i % 2 ? QStringLiteral("/v1/messages") : QStringLiteral("/v1/chat/completions");
    r.requestedModel = QStringLiteral("gpt-4o-mini");
    r.usedModel = QStringLiteral("gpt-4o-mini-2024-07-18");
    r.usedProvider = sparse ? QString() : QStringLiteral("openai");
    r.streamed = i % 2 == 1;
    r.status = sparse ? 502 : 200;
    r.finishReason = sparse ? QString() : QStringLiteral("stop");
    r.error = sparse ? QStringLiteral("upstream: connection refused — ünïcode") : QString();
    r.usage.promptTokens = 100 + i;
    r.usage.completionTokens = 20 + i % 13;
    r.usage.cachedTokens = i % 4 * 10;
    r.usage.cacheWriteTokens = i % 5;
    r.usage.reasoningTokens = i % 3;
    r.usage.known = !sparse;
    r.usage.estimated = i % 4 == 1;
    if (!sparse)
        r.cost = Cost { 0.00015 * i, 0.0000075, 0.25e-6, 0.0006 + i };
    r.durationMs = 40 + i % 1000;
    if (!sparse)
        r.ttftMs = 5 + i % 17;
    if (!sparse) {
        r.requestBody = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi )"
            + QByteArray::number(i) + R"("}]})";
        r.responseBody = "data: {\"id\":\"x\"}\n\ndata: [DONE]\n\n";
    }
    // What a text format must escape (tabs, line breaks, backslashes) and bytes that are not text at all.
    if (i % 5 == 2) {
        r.userAgent += QStringLiteral("\ttab\\back\\\\slash\\N");
        r.finishReason = QStringLiteral("line one\nline two\r\n");
        static constexpr char kBytes[] = "\x00\xff\\x00\t\n\\N end";
        r.responseBody = QByteArray(kBytes, sizeof kBytes - 1);
    }
    return r;
}

inline const QStringList &requestColumns()
{
    static const QStringList columns = {
        QStringLiteral("id"),
        QStringLiteral("request_id"),
        QStringLiteral("created_at"),
        QStringLiteral("api_key_id"),
        QStringLiteral("member"),
        QStringLiteral("client_ip"),
        QStringLiteral("user_agent"),
        QStringLiteral("endpoint"),
        QStringLiteral("requested_model"),
        QStringLiteral("used_model"),
        QStringLiteral("used_provider"),
        QStringLiteral("streamed"),
        QStringLiteral("status"),
        QStringLiteral("finish_reason"),
        QStringLiteral("error"),
        QStringLiteral("prompt_tokens"),
        QStringLiteral("completion_tokens"),
        QStringLiteral("cached_tokens"),
        QStringLiteral("cache_write_tokens"),
        QStringLiteral("reasoning_tokens"),
        QStringLiteral("total_tokens"),
        QStringLiteral("usage_estimated"),
        QStringLiteral("cost"),
        QStringLiteral("cost_input"),
        QStringLiteral("cost_cached_input"),
        QStringLiteral("cost_cache_write"),
        QStringLiteral("cost_output"),
        QStringLiteral("duration_ms"),
        QStringLiteral("ttft_ms"),
        QStringLiteral("request_body"),
        QStringLiteral("response_body"),
        QStringLiteral("attempt"),
        QStringLiteral("cache_hit"),
        QStringLiteral("retried"),
    };
    return columns;
}

// Empty when the row (selected as "SELECT * FROM requests") holds exactly `r`; else what differs.
inline QString compareRow(const QSqlRecord &row, const RequestRecord &r)
{
    QStringList diffs;
    auto expect = [&](const char *column, const QVariant &expected) {
        const QVariant actual = row.value(QLatin1String(column));
        bool same = false;
        if (expected.isNull() || actual.isNull())
            same = expected.isNull() && actual.isNull();
        else if (expected.typeId() == QMetaType::Double)
            same = std::abs(actual.toDouble() - expected.toDouble())
                <= 1e-12 * std::max(1.0, std::abs(expected.toDouble()));
        else if (expected.typeId() == QMetaType::QByteArray)
            same = actual.toByteArray() == expected.toByteArray();
        else if (expected.typeId() == QMetaType::QString)
            same = actual.toString() == expected.toString();
        else
            same = actual.toLongLong() == expected.toLongLong();
        if (!same)
            diffs.append(QStringLiteral("%1: expected %2, got %3")
                             .arg(QLatin1String(column), expected.toString(), actual.toString()));
    };
    const QVariant nullInt(QMetaType::fromType<qint64>());
    const QVariant nullDouble(QMetaType::fromType<double>());
    const QVariant nullBytes(QMetaType::fromType<QByteArray>());
    expect("request_id", QString::fromUtf8(r.requestId));
    expect("created_at", r.createdAt.toUTC().toString(Qt::ISODateWithMs));
    expect("api_key_id", r.apiKeyId ? QVariant(r.apiKeyId) : nullInt);
    expect("member", r.member);
    expect("client_ip", r.clientIp);
    expect("user_agent", r.userAgent);
    expect("endpoint", r.endpoint);
    expect("requested_model", r.requestedModel);
    expect("used_model", r.usedModel);
    expect("used_provider", r.usedProvider);
    expect("attempt", r.attempt);
    expect("cache_hit", int(r.cacheHit));
    expect("retried", int(r.retried));
    expect("streamed", qint64(r.streamed));
    expect("status", qint64(r.status));
    expect("finish_reason", r.finishReason);
    expect("error", r.error);
    expect("prompt_tokens", r.usage.promptTokens);
    expect("completion_tokens", r.usage.completionTokens);
    expect("cached_tokens", r.usage.cachedTokens);
    expect("cache_write_tokens", r.usage.cacheWriteTokens);
    expect("reasoning_tokens", r.usage.reasoningTokens);
    expect("total_tokens", r.usage.totalTokens());
    expect("usage_estimated", qint64(r.usage.estimated));
    expect("cost", r.cost ? QVariant(r.cost->total()) : nullDouble);
    expect("cost_input", r.cost ? QVariant(r.cost->input) : nullDouble);
    expect("cost_cached_input", r.cost ? QVariant(r.cost->cachedInput) : nullDouble);
    expect("cost_cache_write", r.cost ? QVariant(r.cost->cacheWrite) : nullDouble);
    expect("cost_output", r.cost ? QVariant(r.cost->output) : nullDouble);
    expect("duration_ms", r.durationMs);
    expect("ttft_ms", r.ttftMs ? QVariant(*r.ttftMs) : nullInt);
    expect("request_body", r.requestBody.isEmpty() ? nullBytes : QVariant(r.requestBody));
    expect("response_body", r.responseBody.isEmpty() ? nullBytes : QVariant(r.responseBody));
    return diffs.join(QStringLiteral("; "));
}

inline qint64 countRows(QSqlDatabase &db, const QString &table = QStringLiteral("requests"))
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("SELECT COUNT(*) FROM ") + table) || !query.next())
        return -1;
    return query.value(0).toLongLong();
}

// Whether two usage totals are the same (costs to a relative 1e-9); else *why names the first difference.
inline bool sameTotals(const UsageTotals &a, const UsageTotals &b, QString *why)
{
    const auto check = [&](const char *name, double x, double y) {
        if (std::abs(x - y) > 1e-9 * std::max(1.0, std::abs(y))) {
            *why = QStringLiteral("%1: %2 vs %3").arg(QLatin1String(name)).arg(x).arg(y);
            return false;
        }
        return true;
    };
    return check("requests", a.requests, b.requests) && check("errors", a.errors, b.errors)
        && check("retries", a.retries, b.retries) && check("cache_hits", a.cacheHits, b.cacheHits)
        && check("unpriced", a.unpriced, b.unpriced) && check("prompt", a.promptTokens, b.promptTokens)
        && check("completion", a.completionTokens, b.completionTokens)
        && check("cached", a.cachedTokens, b.cachedTokens)
        && check("reasoning", a.reasoningTokens, b.reasoningTokens)
        && check("total", a.totalTokens, b.totalTokens) && check("cost", a.cost, b.cost)
        && check("duration_sum", a.durationSumMs, b.durationSumMs)
        && check("ttft_count", a.ttftCount, b.ttftCount)
        && check("upstream_failures", a.upstreamFailures, b.upstreamFailures) && a.duration == b.duration
        && a.ttft == b.ttft;
}

// Empty when every row of the three rollup tables holds exactly the sums of `records` for its bucket, key,
// member, model and provider, and no row is missing or extra; else what differs.
inline QString compareRollups(QSqlDatabase &db, const std::vector<RequestRecord> &records)
{
    using Key = std::tuple<QString, qint64, QString, QString, QString>;
    QStringList diffs;
    for (const auto table :
        { UsageRollups::Table::Minutely, UsageRollups::Table::Hourly, UsageRollups::Table::Daily }) {
        std::map<Key, UsageTotals> expected;
        for (const RequestRecord &r : records)
            expected[Key { UsageRollups::bucketOf(r.createdAt, table), r.apiKeyId, r.member, r.usedModel,
                         r.usedProvider }]
                .add(r);
        FastQuery query(db);
        if (!query.prepare(QStringLiteral("SELECT bucket, api_key_id, member, used_model, used_provider, ")
                + UsageRollups::storedColumns() + QStringLiteral(" FROM ") + UsageRollups::table(table))
            || !query.exec())
            return query.lastError();
        qsizetype rows = 0;
        while (query.next()) {
            ++rows;
            const Key key { query.text(0), query.integer(1), query.text(2), query.text(3), query.text(4) };
            const QString where = UsageRollups::table(table) + QLatin1Char(' ') + std::get<0>(key)
                + QLatin1Char(' ') + QString::number(std::get<1>(key)) + QLatin1Char(' ') + std::get<2>(key)
                + QLatin1Char(' ') + std::get<3>(key);
            const auto found = expected.find(key);
            if (found == expected.end()) {
                diffs.append(where + QStringLiteral(": a row no record made"));
                continue;
            }
            const UsageTotals &e = found->second;
            UsageTotals a;
            UsageRollups::addMeasures(query, 5, a);
            const bool same = a.requests == e.requests && a.errors == e.errors && a.retries == e.retries
                && a.cacheHits == e.cacheHits && a.unpriced == e.unpriced && a.promptTokens == e.promptTokens
                && a.completionTokens == e.completionTokens && a.cachedTokens == e.cachedTokens
                && a.cacheWriteTokens == e.cacheWriteTokens && a.reasoningTokens == e.reasoningTokens
                && a.totalTokens == e.totalTokens && std::abs(a.cost - e.cost) <= 1e-9 * std::max(1.0, e.cost)
                && a.durationSumMs == e.durationSumMs && a.ttftCount == e.ttftCount
                && a.ttftSumMs == e.ttftSumMs && a.upstreamFailures == e.upstreamFailures
                && a.duration == e.duration && a.ttft == e.ttft;
            if (!same)
                diffs.append(where
                    + QStringLiteral(": %1 requests, %2 tokens, cost %3; expected %4, %5, %6")
                          .arg(a.requests)
                          .arg(a.totalTokens)
                          .arg(a.cost)
                          .arg(e.requests)
                          .arg(e.totalTokens)
                          .arg(e.cost));
            expected.erase(found);
        }
        for (const auto &[key, totals] : expected)
            diffs.append(UsageRollups::table(table) + QLatin1Char(' ') + std::get<0>(key)
                + QStringLiteral(": no row for %1 records").arg(totals.requests + totals.retries));
        if (rows == 0 && !records.empty())
            diffs.append(UsageRollups::table(table) + QStringLiteral(" is empty"));
    }
    return diffs.mid(0, 10).join(QStringLiteral("; "));
}

// Records whose rollup rows overlap in every bucket, for writers racing on the same rows: `count` records a
// second apart, keys, members and models mixed (some with text that COPY must escape: tab, line break,
// backslash, non-ASCII), a few retried.
inline std::vector<RequestRecord> overlappingRecords(int count)
{
    static const QString models[] = { QStringLiteral("gpt-4o-mini"), QStringLiteral("claude\tab\t\\x"),
        QStringLiteral("mod\tèle\nneuf"), QStringLiteral("llama3.2") };
    std::vector<RequestRecord> records;
    for (int i = 0; i < count; ++i) {
        RequestRecord r = sampleRecord(i);
        r.createdAt = QDateTime(QDate(2025, 1, 2), QTime(23, 50), Qt::UTC).addSecs(i); // across a day's end
        r.usedModel = models[i % 4];
        r.member = i % 6 == 0 ? QStringLiteral("tab\there@example.com") : r.member;
        r.retried = i % 17 == 0;
        records.push_back(r);
    }
    return records;
}

// Writes `records` through two log writers at once, each with its own thread and connection, the way two
// gateway instances sharing a database do: even records through one, odd through the other. Empty when both
// wrote everything; else why not.
inline QString writeThroughTwoWriters(
    const DatabaseLocation &location, const std::vector<RequestRecord> &records)
{
    LogWriter first(location);
    LogWriter second(location);
    QString error;
    if (!first.start(&error) || !second.start(&error))
        return error;
    QThread *other = QThread::create([&] {
        for (size_t i = 1; i < records.size(); i += 2)
            second.enqueue(records[i]);
    });
    other->start();
    for (size_t i = 0; i < records.size(); i += 2)
        first.enqueue(records[i]);
    other->wait();
    delete other;
    first.stop();
    second.stop();
    const qint64 written = first.writtenCount() + second.writtenCount();
    if (written != qint64(records.size()) || first.failedCount() + second.failedCount() > 0)
        return QStringLiteral("%1 of %2 records written").arg(written).arg(records.size());
    return {};
}
