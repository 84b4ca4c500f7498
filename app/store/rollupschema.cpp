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

bool isPacked(const QString &column)
{
    return column.endsWith("_bins"_L1);
}

// The two histograms' columns in the BinColumns layout ("d0" … "d63" with prefix "d", or "t…").
QStringList binColumns(QChar prefix)
{
    QStringList columns;
    for (int i = 0; i < LatencyBins::kCount; ++i)
        columns.append(prefix + QString::number(i));
    return columns;
}

// The SQL that adds up each measure column over the rows a query groups: SUM of a number, llmgw_bins_sum of a
// packed histogram.
QStringList sums(RollupSchema::Layout layout)
{
    QStringList sums;
    for (const QString &column : RollupSchema::measureColumns(layout))
        sums.append((isPacked(column) ? u"llmgw_bins_sum("_s : u"SUM("_s) + column + u')');
    return sums;
}

QString definition(const QString &column)
{
    if (isPacked(column))
        return column + u" {blob} NOT NULL DEFAULT ''"_s;
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

QStringList measureColumns(Layout layout)
{
    QStringList columns;
    for (const char *column : kScalarColumns)
        columns.append(QLatin1String(column));
    if (layout == Layout::Packed)
        return columns << u"duration_bins"_s << u"ttft_bins"_s;
    return columns + binColumns(u'd') + binColumns(u't');
}

int scalarCount()
{
    return int(std::size(kScalarColumns));
}

QString createTable(Table table, Slice slice, Layout layout)
{
    QStringList definitions;
    for (const QString &column : keyColumns(slice) + measureColumns(layout))
        definitions.append(definition(column));
    definitions.append(u"PRIMARY KEY ("_s + keyColumns(slice).join(u", "_s) + u')');
    return u"CREATE TABLE "_s + tableName(table, slice) + u" (\n    "_s + definitions.join(u",\n    "_s)
        + u"\n)"_s;
}

QString fillSlice(Table table, Slice slice, const QString &where, Layout layout)
{
    const QStringList keys = keyColumns(slice);
    return u"INSERT INTO "_s + tableName(table, slice) + u" ("_s
        + (keys + measureColumns(layout)).join(u", "_s) + u")\nSELECT "_s + keys.join(u", "_s) + u", "_s
        + sums(layout).join(u", "_s) + u"\nFROM "_s + tableName(table)
        + (where.isEmpty() ? QString() : u" WHERE "_s + where) + u" GROUP BY "_s + keys.join(u", "_s);
}

QString fillFromRecords(Table table, const QString &since, Layout layout)
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
        QStringList bins;
        for (int i = 0; i < LatencyBins::kCount; ++i) {
            QString range = i == 0 ? u"%1 < 1"_s.arg(column)
                                   : u"%1 >= %2"_s.arg(column).arg(LatencyBins::lowerEdge(i), 0, 'g', 17);
            if (i > 0 && i < LatencyBins::kCount - 1)
                range += u" AND %1 < %2"_s.arg(column).arg(LatencyBins::upperEdge(i), 0, 'g', 17);
            const QString count = u"SUM(CASE WHEN %1 AND %2 THEN 1 ELSE 0 END)"_s.arg(last, range);
            // llmgw_bins_pack takes bigints, and PostgreSQL's SUM of integers is a numeric.
            bins.append(layout == Layout::Packed ? u"CAST("_s + count + u" AS BIGINT)"_s : count);
        }
        if (layout == Layout::Packed)
            sums.append(u"llmgw_bins_pack("_s + bins.join(u", "_s) + u')');
        else
            sums.append(bins);
    }
    return u"INSERT INTO "_s + tableName(table) + u" ("_s
        + (keyColumns(Slice::Full) + measureColumns(layout)).join(u", "_s)
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
    for (const QString &column : measureColumns()) {
        updates.append(
            (isPacked(column) ? u"%1 = llmgw_bins_add(%2.%1, excluded.%1)"_s : u"%1 = %2.%1 + excluded.%1"_s)
                .arg(column, name));
    }
    return u" ON CONFLICT ("_s + keyColumns(slice).join(u", "_s) + u") DO UPDATE SET "_s
        + updates.join(u", "_s);
}

QStringList packHistograms(Table table, Slice slice, bool postgres)
{
    const QString name = tableName(table, slice);
    const QString old = name + u"_bin_columns"_s;
    QStringList statements { u"ALTER TABLE %1 RENAME TO %2"_s.arg(name, old) };
    // PostgreSQL's index keeps its name through the rename, and the new table's wants it.
    if (postgres)
        statements.append(u"ALTER INDEX %1_pkey RENAME TO %2_pkey"_s.arg(name, old));
    statements.append(createTable(table, slice));
    QStringList from = keyColumns(slice);
    from.append(measureColumns(Layout::BinColumns).first(scalarCount()));
    from.append(u"llmgw_bins_pack("_s + binColumns(u'd').join(u", "_s) + u')');
    from.append(u"llmgw_bins_pack("_s + binColumns(u't').join(u", "_s) + u')');
    statements.append(u"INSERT INTO %1 (%2) SELECT %3 FROM %4"_s.arg(
        name, (keyColumns(slice) + measureColumns()).join(u", "_s), from.join(u", "_s), old));
    statements.append(u"DROP TABLE "_s + old);
    return statements;
}

} // namespace RollupSchema
