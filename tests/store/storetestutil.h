#pragma once

// Helpers shared by the store suites: a hand-driven clock, sample records that exercise every column,
// and a column-by-column comparison of a stored row with the record it came from.

#include "clock.h"
#include "requestrecord.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStringList>
#include <QVariant>

#include <atomic>
#include <cmath>

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
    std::atomic<qint64> m_monotonic{1'000'000};
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
        r.cost = Cost{0.00015 * i, 0.0000075, 0.25e-6, 0.0006 + i};
    r.durationMs = 40 + i % 1000;
    if (!sparse)
        r.ttftMs = 5 + i % 17;
    if (!sparse) {
        r.requestBody = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi )" + QByteArray::number(i)
            + R"("}]})";
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
        QStringLiteral("id"), QStringLiteral("request_id"), QStringLiteral("created_at"),
        QStringLiteral("api_key_id"), QStringLiteral("member"), QStringLiteral("client_ip"),
        QStringLiteral("user_agent"), QStringLiteral("endpoint"), QStringLiteral("requested_model"),
        QStringLiteral("used_model"), QStringLiteral("used_provider"), QStringLiteral("streamed"),
        QStringLiteral("status"), QStringLiteral("finish_reason"), QStringLiteral("error"),
        QStringLiteral("prompt_tokens"), QStringLiteral("completion_tokens"), QStringLiteral("cached_tokens"),
        QStringLiteral("cache_write_tokens"), QStringLiteral("reasoning_tokens"), QStringLiteral("total_tokens"),
        QStringLiteral("usage_estimated"), QStringLiteral("cost"), QStringLiteral("cost_input"),
        QStringLiteral("cost_cached_input"), QStringLiteral("cost_cache_write"), QStringLiteral("cost_output"),
        QStringLiteral("duration_ms"), QStringLiteral("ttft_ms"), QStringLiteral("request_body"),
        QStringLiteral("response_body"), QStringLiteral("attempt"), QStringLiteral("cache_hit"),
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
            same = std::abs(actual.toDouble() - expected.toDouble()) <= 1e-12 * std::max(1.0, std::abs(expected.toDouble()));
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
