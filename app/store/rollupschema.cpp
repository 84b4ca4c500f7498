#include "rollupschema.h"

#include "usagetotals.h"

using namespace Qt::StringLiterals;

namespace {

// The dimension columns of the full rows, in key order.
constexpr const char *kKeyColumns[] = { "api_key_id", "member", "used_model", "used_provider" };

// The scalar measures of UsageTotals, in the order its fields are declared.
constexpr const char *kScalarColumns[] = {
    "requests",
    "errors",
    "retries",
    "cache_hits",
    "unpriced",
    "prompt_tokens",
    "completion_tokens",
    "cached_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
    "total_tokens",
    "cost",
    "duration_sum_ms",
    "ttft_count",
    "ttft_sum_ms",
    "upstream_failures",
};

QString dimensionColumn(RollupSchema::Slice slice)
{
    switch (slice) {
    case RollupSchema::Slice::Model:
        return u"used_model"_s;
    case RollupSchema::Slice::Provider:
        return u"used_provider"_s;
    case RollupSchema::Slice::ApiKey:
        return u"api_key_id"_s;
    case RollupSchema::Slice::Member:
        return u"member"_s;
    case RollupSchema::Slice::Full:
    case RollupSchema::Slice::Total:
        break;
    }
    return {};
}

QString definition(const QString &column)
{
    if (column == "bucket"_L1)
        return u"bucket TEXT NOT NULL"_s;
    if (column == "api_key_id"_L1)
        return u"api_key_id BIGINT NOT NULL DEFAULT 0"_s;
    if (column == "cost"_L1)
        return u"cost DOUBLE PRECISION NOT NULL DEFAULT 0"_s;
    if (column == "member"_L1 || column == "used_model"_L1 || column == "used_provider"_L1)
        return column + u" TEXT NOT NULL DEFAULT ''"_s;
    return column + u" BIGINT NOT NULL DEFAULT 0"_s;
}

} // namespace

namespace RollupSchema {

QString tableName(Table table, Slice slice)
{
    QString name = u"usage_rollups"_s;
    if (table == Table::Daily)
        name += u"_daily"_s;
    else if (table == Table::Minutely)
        name += u"_minute"_s;
    switch (slice) {
    case Slice::Full:
        return name;
    case Slice::Total:
        return name + u"_total"_s;
    case Slice::Model:
        return name + u"_by_model"_s;
    case Slice::Provider:
        return name + u"_by_provider"_s;
    case Slice::ApiKey:
        return name + u"_by_key"_s;
    case Slice::Member:
        return name + u"_by_member"_s;
    }
    return name;
}

int bucketPrefix(Table table)
{
    switch (table) {
    case Table::Minutely:
        return 16;
    case Table::Hourly:
        return 13;
    case Table::Daily:
        return 10;
    }
    return 13;
}

QStringList keyColumns(Slice slice)
{
    QStringList columns { u"bucket"_s };
    if (slice == Slice::Full) {
        for (const char *column : kKeyColumns)
            columns.append(QLatin1String(column));
    } else if (slice != Slice::Total) {
        columns.append(dimensionColumn(slice));
    }
    return columns;
}

QStringList measureColumns()
{
    QStringList columns;
    for (const char *column : kScalarColumns)
        columns.append(QLatin1String(column));
    for (int i = 0; i < LatencyBins::kCount; ++i)
        columns.append(u"d"_s + QString::number(i));
    for (int i = 0; i < LatencyBins::kCount; ++i)
        columns.append(u"t"_s + QString::number(i));
    return columns;
}

int scalarCount()
{
    return int(std::size(kScalarColumns));
}

QString createTable(Table table, Slice slice)
{
    QStringList definitions;
    for (const QString &column : keyColumns(slice) + measureColumns())
        definitions.append(definition(column));
    definitions.append(u"PRIMARY KEY ("_s + keyColumns(slice).join(u", "_s) + u')');
    return u"CREATE TABLE "_s + tableName(table, slice) + u" (\n    "_s + definitions.join(u",\n    "_s)
        + u"\n)"_s;
}

QString fillSlice(Table table, Slice slice, const QString &where)
{
    const QStringList keys = keyColumns(slice);
    QStringList sums;
    for (const QString &column : measureColumns())
        sums.append(u"SUM("_s + column + u')');
    return u"INSERT INTO "_s + tableName(table, slice) + u" ("_s + (keys + measureColumns()).join(u", "_s)
        + u")\nSELECT "_s + keys.join(u", "_s) + u", "_s + sums.join(u", "_s) + u"\nFROM "_s
        + tableName(table) + (where.isEmpty() ? QString() : u" WHERE "_s + where) + u" GROUP BY "_s
        + keys.join(u", "_s);
}

QString fillFromRecords(Table table, const QString &since)
{
    // SUM(CASE …) over the records, the same figures UsageTotals::add() counts.
    const QString last = u"retried = 0"_s;
    QStringList sums {
        u"SUM(CASE WHEN %1 THEN 1 ELSE 0 END)"_s.arg(last),
        u"SUM(CASE WHEN %1 AND (status >= 400 OR status = 0) THEN 1 ELSE 0 END)"_s.arg(last),
        u"SUM(CASE WHEN retried <> 0 THEN 1 ELSE 0 END)"_s,
        u"SUM(CASE WHEN cache_hit <> 0 THEN 1 ELSE 0 END)"_s,
        u"SUM(CASE WHEN cost IS NULL AND total_tokens > 0 THEN 1 ELSE 0 END)"_s,
        u"SUM(prompt_tokens)"_s,
        u"SUM(completion_tokens)"_s,
        u"SUM(cached_tokens)"_s,
        u"SUM(cache_write_tokens)"_s,
        u"SUM(reasoning_tokens)"_s,
        u"SUM(total_tokens)"_s,
        u"COALESCE(SUM(cost), 0)"_s,
        u"SUM(CASE WHEN %1 THEN duration_ms ELSE 0 END)"_s.arg(last),
        u"SUM(CASE WHEN %1 AND ttft_ms IS NOT NULL THEN 1 ELSE 0 END)"_s.arg(last),
        u"SUM(CASE WHEN %1 AND ttft_ms IS NOT NULL THEN ttft_ms ELSE 0 END)"_s.arg(last),
        u"SUM(CASE WHEN retried <> 0 OR status = 429 OR status >= 500 OR status = 0 THEN 1 ELSE 0 END)"_s,
    };
    for (const QString &column : { u"duration_ms"_s, u"ttft_ms"_s }) {
        for (int i = 0; i < LatencyBins::kCount; ++i) {
            QString range = i == 0 ? u"%1 < 1"_s.arg(column)
                                   : u"%1 >= %2"_s.arg(column).arg(LatencyBins::lowerEdge(i), 0, 'g', 17);
            if (i > 0 && i < LatencyBins::kCount - 1)
                range += u" AND %1 < %2"_s.arg(column).arg(LatencyBins::upperEdge(i), 0, 'g', 17);
            sums.append(u"SUM(CASE WHEN %1 AND %2 THEN 1 ELSE 0 END)"_s.arg(last, range));
        }
    }
    return u"INSERT INTO "_s + tableName(table) + u" ("_s
        + (keyColumns(Slice::Full) + measureColumns()).join(u", "_s)
        + u")\nSELECT substr(created_at, 1, %1), COALESCE(api_key_id, 0), member, used_model, used_provider,\n    "_s
              .arg(bucketPrefix(table))
        + sums.join(u",\n    "_s) + u"\nFROM requests"_s
        + (since.isEmpty() ? QString() : u" WHERE created_at >= '%1'"_s.arg(since))
        + u" GROUP BY 1, 2, 3, 4, 5"_s;
}

QString conflictUpdate(Table table, Slice slice)
{
    const QString name = tableName(table, slice);
    QStringList updates;
    for (const QString &column : measureColumns())
        updates.append(u"%1 = %2.%1 + excluded.%1"_s.arg(column, name));
    return u" ON CONFLICT ("_s + keyColumns(slice).join(u", "_s) + u") DO UPDATE SET "_s
        + updates.join(u", "_s);
}

} // namespace RollupSchema
