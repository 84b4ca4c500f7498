#include "usagerollups.h"

#include <QSqlError>
#include <QVariant>

#include <map>
#include <tuple>

using namespace Qt::StringLiterals;

namespace {

constexpr const char *kKeyColumns[] = {"bucket_hour", "api_key_id", "member", "used_model", "used_provider"};

// The scalar measures of UsageTotals, in the order its fields are declared.
constexpr const char *kScalarColumns[] = {
    "requests",      "errors",           "retries",         "cache_hits",          "unpriced",
    "prompt_tokens", "completion_tokens", "cached_tokens",  "cache_write_tokens",  "reasoning_tokens",
    "total_tokens",  "cost",              "duration_sum_ms", "ttft_count",          "ttft_sum_ms",
};
constexpr int kScalarCount = int(std::size(kScalarColumns));

QString durationBin(int i)
{
    return u"d"_s + QString::number(i);
}

QString ttftBin(int i)
{
    return u"t"_s + QString::number(i);
}

QStringList measureColumns()
{
    QStringList columns;
    for (const char *column : kScalarColumns)
        columns.append(QLatin1String(column));
    for (int i = 0; i < LatencyBins::kCount; ++i)
        columns.append(durationBin(i));
    for (int i = 0; i < LatencyBins::kCount; ++i)
        columns.append(ttftBin(i));
    return columns;
}

QStringList keyColumns()
{
    QStringList columns;
    for (const char *column : kKeyColumns)
        columns.append(QLatin1String(column));
    return columns;
}

QString createTable()
{
    QStringList definitions{u"bucket_hour TEXT NOT NULL"_s, u"api_key_id BIGINT NOT NULL DEFAULT 0"_s,
                            u"member TEXT NOT NULL DEFAULT ''"_s, u"used_model TEXT NOT NULL DEFAULT ''"_s,
                            u"used_provider TEXT NOT NULL DEFAULT ''"_s};
    for (const QString &column : measureColumns())
        definitions.append(column + (column == "cost"_L1 ? u" DOUBLE PRECISION"_s : u" BIGINT"_s) + u" NOT NULL DEFAULT 0"_s);
    definitions.append(u"PRIMARY KEY ("_s + keyColumns().join(u", "_s) + u')');
    return u"CREATE TABLE usage_rollups (\n    "_s + definitions.join(u",\n    "_s) + u"\n)"_s;
}

// SUM(CASE …) over the records already stored, the same figures UsageTotals::add() counts.
QString backfill()
{
    const QString last = u"retried = 0"_s;
    QStringList sums{
        u"SUM(CASE WHEN %1 THEN 1 ELSE 0 END)"_s.arg(last),
        u"SUM(CASE WHEN %1 AND (status >= 400 OR status = 0) THEN 1 ELSE 0 END)"_s.arg(last),
        u"SUM(CASE WHEN retried <> 0 THEN 1 ELSE 0 END)"_s,
        u"SUM(CASE WHEN cache_hit <> 0 THEN 1 ELSE 0 END)"_s,
        u"SUM(CASE WHEN cost IS NULL AND total_tokens > 0 THEN 1 ELSE 0 END)"_s,
        u"SUM(prompt_tokens)"_s, u"SUM(completion_tokens)"_s, u"SUM(cached_tokens)"_s, u"SUM(cache_write_tokens)"_s,
        u"SUM(reasoning_tokens)"_s, u"SUM(total_tokens)"_s, u"COALESCE(SUM(cost), 0)"_s,
        u"SUM(CASE WHEN %1 THEN duration_ms ELSE 0 END)"_s.arg(last),
        u"SUM(CASE WHEN %1 AND ttft_ms IS NOT NULL THEN 1 ELSE 0 END)"_s.arg(last),
        u"SUM(CASE WHEN %1 AND ttft_ms IS NOT NULL THEN ttft_ms ELSE 0 END)"_s.arg(last),
    };
    for (const QString &column : {u"duration_ms"_s, u"ttft_ms"_s}) {
        for (int i = 0; i < LatencyBins::kCount; ++i) {
            QString range = i == 0 ? u"%1 < 1"_s.arg(column) : u"%1 >= %2"_s.arg(column).arg(LatencyBins::lowerEdge(i), 0, 'g', 17);
            if (i > 0 && i < LatencyBins::kCount - 1)
                range += u" AND %1 < %2"_s.arg(column).arg(LatencyBins::upperEdge(i), 0, 'g', 17);
            sums.append(u"SUM(CASE WHEN %1 AND %2 THEN 1 ELSE 0 END)"_s.arg(last, range));
        }
    }
    return u"INSERT INTO usage_rollups ("_s + (keyColumns() + measureColumns()).join(u", "_s)
        + u")\nSELECT substr(created_at, 1, 13), COALESCE(api_key_id, 0), member, used_model, used_provider,\n    "_s
        + sums.join(u",\n    "_s) + u"\nFROM requests GROUP BY 1, 2, 3, 4, 5"_s;
}

QString upsertStatement()
{
    const QStringList measures = measureColumns();
    const QStringList columns = keyColumns() + measures;
    QStringList updates;
    for (const QString &column : measures)
        updates.append(u"%1 = usage_rollups.%1 + excluded.%1"_s.arg(column));
    return u"INSERT INTO usage_rollups ("_s + columns.join(u", "_s) + u") VALUES ("_s
        + QStringList(columns.size(), u"?"_s).join(u", "_s) + u") ON CONFLICT ("_s + keyColumns().join(u", "_s)
        + u") DO UPDATE SET "_s + updates.join(u", "_s);
}

using RollupKey = std::tuple<QString, qint64, QString, QString, QString>;

} // namespace

namespace UsageRollups {

QString hourOf(const QDateTime &at)
{
    return at.toUTC().toString(u"yyyy-MM-ddTHH"_s);
}

QStringList migrationStatements()
{
    return {
        // Which attempts were followed by another: the rollups count a request once, at its last attempt.
        u"ALTER TABLE requests ADD COLUMN retried INTEGER NOT NULL DEFAULT 0"_s,
        // The IN list (requests with a second attempt, few) is checked first, so the correlated part runs
        // only for them: no index on request_id is needed for this once-only update.
        u"UPDATE requests SET retried = 1 WHERE request_id IN (SELECT request_id FROM requests WHERE attempt > 1 "
        "AND request_id <> '') AND attempt < (SELECT MAX(later.attempt) FROM requests later "
        "WHERE later.request_id = requests.request_id)"_s,
        createTable(),
        backfill(),
        // The logs' filters by member and their cursor pages.
        u"CREATE INDEX idx_requests_member ON requests (member)"_s,
    };
}

bool add(QSqlDatabase &db, std::vector<RequestRecord>::const_iterator begin,
         std::vector<RequestRecord>::const_iterator end, QSqlError *error)
{
    std::map<RollupKey, UsageTotals> rows;
    for (auto it = begin; it != end; ++it) {
        const QDateTime created = it->createdAt.isValid() ? it->createdAt : QDateTime::currentDateTimeUtc();
        rows[RollupKey{hourOf(created), it->apiKeyId, it->member, it->usedModel, it->usedProvider}].add(*it);
    }
    static const QString sql = upsertStatement();
    QSqlQuery query(db);
    if (!query.prepare(sql)) {
        *error = query.lastError();
        return false;
    }
    const auto text = [](const QString &value) { return value.isNull() ? u""_s : value; };
    for (const auto &[key, t] : rows) {
        query.addBindValue(std::get<0>(key));
        query.addBindValue(std::get<1>(key));
        query.addBindValue(text(std::get<2>(key)));
        query.addBindValue(text(std::get<3>(key)));
        query.addBindValue(text(std::get<4>(key)));
        for (qint64 value : {t.requests, t.errors, t.retries, t.cacheHits, t.unpriced, t.promptTokens,
                             t.completionTokens, t.cachedTokens, t.cacheWriteTokens, t.reasoningTokens, t.totalTokens})
            query.addBindValue(value);
        query.addBindValue(t.cost);
        for (qint64 value : {t.durationSumMs, t.ttftCount, t.ttftSumMs})
            query.addBindValue(value);
        for (qint64 value : t.duration)
            query.addBindValue(value);
        for (qint64 value : t.ttft)
            query.addBindValue(value);
        if (!query.exec()) {
            *error = query.lastError();
            return false;
        }
    }
    return true;
}

QString summedColumns()
{
    QStringList sums;
    for (const QString &column : measureColumns())
        sums.append(u"SUM("_s + column + u')');
    return sums.join(u", "_s);
}

UsageTotals readSummed(const QSqlQuery &query, int first)
{
    UsageTotals t;
    int c = first;
    const auto next = [&] { return query.value(c++).toLongLong(); };
    for (qint64 *field : {&t.requests, &t.errors, &t.retries, &t.cacheHits, &t.unpriced, &t.promptTokens,
                          &t.completionTokens, &t.cachedTokens, &t.cacheWriteTokens, &t.reasoningTokens,
                          &t.totalTokens})
        *field = next();
    t.cost = query.value(c++).toDouble();
    for (qint64 *field : {&t.durationSumMs, &t.ttftCount, &t.ttftSumMs})
        *field = next();
    for (qint64 &bin : t.duration)
        bin = next();
    for (qint64 &bin : t.ttft)
        bin = next();
    Q_ASSERT(c == first + kScalarCount + 2 * LatencyBins::kCount);
    return t;
}

} // namespace UsageRollups
