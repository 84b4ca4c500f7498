// Usage by the minute, two ways, measured: the minute rollups (what UsageReport reads for minute buckets; the
// log writer keeps them) against reading the records themselves (the alternative, prototyped here: each
// record added up as a rollup row adds it, into the same dense series). Writes N records through the real log
// writer, times both for the last 1 hour, 6 hours and 2 000 minutes of the records, and checks that they
// agree; the write rate shows what the minute rows cost the writer. Usage: bench_usageminutes [--records N]
// [--runs R] [--spread-hours H (the records lie in H hours; default 720, a month; 6 is a busy gateway: 46
// records a second)] [--database postgres://… (an empty database)]
#include "benchrecords.h"
#include "database.h"
#include "fastquery.h"
#include "logwriter.h"
#include "usagereport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QVariant>

#include <cstdio>
#include <map>

using namespace Qt::StringLiterals;

namespace {

const QDateTime kStart(QDate(2026, 10, 1), QTime(0, 0), Qt::UTC);
// A minute report read from the records: the alternative to the minute rollups.
std::optional<UsageReport> fromRecords(
    QSqlDatabase &db, const RecordFilter &filter, UsageDimension dimension, QString *error)
{
    // NULLs spelled as values (FastQuery reads no NULL): a missing TTFT as -1, a missing price as a flag.
    const QString sql
        = u"SELECT substr(created_at, 1, 16), %1, retried, status, cache_hit, duration_ms, "
          "COALESCE(ttft_ms, -1), prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, "
          "reasoning_tokens, CASE WHEN cost IS NULL THEN 0 ELSE 1 END, COALESCE(cost, 0) "
          "FROM requests WHERE created_at >= ? AND created_at < ?"_s.arg(
              dimension == UsageDimension::ApiKey ? u"CAST(COALESCE(api_key_id, 0) AS TEXT)"_s : u"''"_s);
    FastQuery query(db);
    if (!query.prepare(sql)) {
        *error = query.lastError();
        return std::nullopt;
    }
    query.bind(0, filter.from.toString(Qt::ISODateWithMs));
    query.bind(1, filter.to.toString(Qt::ISODateWithMs));
    if (!query.exec()) {
        *error = query.lastError();
        return std::nullopt;
    }
    std::map<QString, std::map<QDateTime, UsageTotals>> perGroup;
    // Rows come in time order (the created_at index), so consecutive ones mostly share their minute.
    QString lastStamp;
    QString lastGroup;
    QDateTime start;
    UsageTotals *cell = nullptr;
    RequestRecord record;
    while (query.next()) {
        if (const QString stamp = query.text(0); stamp != lastStamp || !cell) {
            start = QDateTime::fromString(stamp + u":00Z"_s, Qt::ISODate);
            lastStamp = stamp;
            cell = nullptr;
        }
        if (QString group = dimension == UsageDimension::None ? QString() : query.text(1);
            group != lastGroup || !cell) {
            cell = &perGroup[group][start];
            lastGroup = std::move(group);
        }
        record.retried = query.integer(2) != 0;
        record.status = int(query.integer(3));
        record.cacheHit = query.integer(4) != 0;
        record.durationMs = query.integer(5);
        const qint64 ttft = query.integer(6);
        record.ttftMs = ttft >= 0 ? std::optional(ttft) : std::nullopt;
        record.usage.promptTokens = query.integer(7);
        record.usage.completionTokens = query.integer(8);
        record.usage.cachedTokens = query.integer(9);
        record.usage.cacheWriteTokens = query.integer(10);
        record.usage.reasoningTokens = query.integer(11);
        record.cost = query.integer(12) != 0 ? std::optional(Cost { query.real(13), 0, 0, 0 }) : std::nullopt;
        cell->add(record);
    }
    const auto dense = [&](const std::map<QDateTime, UsageTotals> &points) {
        std::vector<UsagePoint> series;
        for (QDateTime at = filter.from; at < filter.to; at = at.addSecs(60)) {
            const auto it = points.find(at);
            series.push_back({ at, it == points.end() ? UsageTotals() : it->second });
        }
        return series;
    };
    UsageReport report;
    report.from = filter.from;
    report.to = filter.to;
    std::map<QDateTime, UsageTotals> overall;
    for (const auto &[key, points] : perGroup) {
        UsageGroup group { key, {}, {} };
        for (const auto &[at, totals] : points) {
            group.totals.merge(totals);
            overall[at].merge(totals);
        }
        report.totals.merge(group.totals);
        if (dimension != UsageDimension::None) {
            group.series = dense(points);
            report.groups.push_back(std::move(group));
        }
    }
    report.series = dense(overall);
    return report;
}

qint64 countOf(QSqlDatabase &db, const QString &sql, const RecordFilter &range, bool minuteKeys)
{
    QSqlQuery query(db);
    query.prepare(sql);
    const QString format = minuteKeys ? u"yyyy-MM-ddTHH:mm"_s : QString();
    query.addBindValue(minuteKeys ? range.from.toString(format) : range.from.toString(Qt::ISODateWithMs));
    query.addBindValue(minuteKeys ? range.to.toString(format) : range.to.toString(Qt::ISODateWithMs));
    return query.exec() && query.next() ? query.value(0).toLongLong() : -1;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    qint64 records = 1'000'000;
    int runs = 9;
    int spreadHours = 720;
    QString databaseUrl;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i < args.size(); ++i) {
        if (args[i] == "--records"_L1 && i + 1 < args.size())
            records = args[++i].toLongLong();
        else if (args[i] == "--runs"_L1 && i + 1 < args.size())
            runs = args[++i].toInt();
        else if (args[i] == "--spread-hours"_L1 && i + 1 < args.size())
            spreadHours = qBound(1, args[++i].toInt(), 720);
        else if (args[i] == "--database"_L1 && i + 1 < args.size())
            databaseUrl = args[++i];
        else {
            std::fprintf(stderr,
                "usage: bench_usageminutes [--records N] [--runs R] [--spread-hours H] [--database URL]\n");
            return 2;
        }
    }
    QTemporaryDir dir;
    QString error;
    const auto location = BenchRecords::storeAt(databaseUrl, dir.path(), &error);
    if (!location) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 2;
    }
    QElapsedTimer written;
    written.start();
    {
        LogWriter writer(*location);
        if (!writer.start(&error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        for (qint64 i = 0; i < records; ++i) {
            writer.enqueue(BenchRecords::record(i, records, kStart, spreadHours));
            if (i % 20'000 == 0)
                writer.flush();
        }
        writer.stop();
    }
    const double writeSeconds = double(written.elapsed()) / 1000;
    QSqlDatabase db = Database::open(*location, u"bench"_s, &error);
    if (!db.isOpen()) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    QSqlQuery totals(db);
    totals.exec(
        u"SELECT (SELECT COUNT(*) FROM usage_rollups_minute), (SELECT COUNT(*) FROM usage_rollups)"_s);
    totals.next();
    std::printf(
        "%lld records over %d hours, written at %.0f records/s (minute, hourly and daily rollups kept by "
        "the writer); minute rollup rows: %lld (hourly: %lld)\n\n",
        static_cast<long long>(records), spreadHours, double(records) / writeSeconds,
        totals.value(0).toLongLong(), totals.value(1).toLongLong());

    const QDateTime end = kStart.addSecs(qint64(spreadHours) * 3600);
    struct Range
    {
        const char *name;
        int minutes;
    };
    bool agree = true;
    std::printf("| range (median of %d) | records | minute rollup rows | minute rollups: none / by key | "
                "records: none / by key |\n"
                "| --- | ---: | ---: | ---: | ---: |\n",
        runs);
    for (const Range &range :
        { Range { "last hour", 60 }, Range { "last 6 hours", 360 }, Range { "last 2 000 minutes", 2000 } }) {
        const RecordFilter filter { end.addSecs(-60LL * range.minutes), end, {}, {}, {}, {} };
        const qint64 inRange = countOf(
            db, u"SELECT COUNT(*) FROM requests WHERE created_at >= ? AND created_at < ?"_s, filter, false);
        const qint64 rows = countOf(db,
            u"SELECT COUNT(*) FROM usage_rollups_minute WHERE bucket >= ? AND bucket < ?"_s, filter, true);
        double ms[2][2];
        std::optional<UsageReport> results[2][2];
        for (int way = 0; way < 2; ++way) {
            for (int d = 0; d < 2; ++d) {
                const UsageDimension dimension = d == 0 ? UsageDimension::None : UsageDimension::ApiKey;
                ms[way][d] = BenchRecords::medianMs(runs, [&] {
                    results[way][d] = way == 0
                        ? UsageReport::query(db, filter, UsageBucket::Minute, dimension, &error)
                        : fromRecords(db, filter, dimension, &error);
                    return results[way][d].has_value();
                });
            }
        }
        if (!error.isEmpty()) {
            std::fprintf(stderr, "query failed: %s\n", qPrintable(error));
            return 1;
        }
        for (int d = 0; d < 2; ++d) {
            const UsageTotals &a = results[0][d]->totals;
            const UsageTotals &b = results[1][d]->totals;
            agree = agree && a.requests == b.requests && a.totalTokens == b.totalTokens
                && a.duration == b.duration && a.ttft == b.ttft
                && std::abs(a.cost - b.cost) <= 1e-6 * std::max(1.0, a.cost)
                && results[0][d]->series.size() == results[1][d]->series.size()
                && results[0][d]->groups.size() == results[1][d]->groups.size();
        }
        std::printf("| %s | %lld | %lld | %.1f / %.1f ms | %.1f / %.1f ms |\n", range.name,
            static_cast<long long>(inRange), static_cast<long long>(rows), ms[0][0], ms[0][1], ms[1][0],
            ms[1][1]);
    }
    std::printf("\nthe two agree (totals, histograms, points, groups): %s\n", agree ? "yes" : "NO");
    db.close();
    return agree ? 0 : 1;
}
