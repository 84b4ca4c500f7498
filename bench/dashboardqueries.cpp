// What the dashboard asks of a full store, timed: usage over the month before the newest record by day and by
// hour, grouped by model and by key, with latency percentiles; minute series; log pages, filtered and not;
// the newest record id; and the database's size per million records. Reads a store that bench_seed filled (or
// bench/copystore.sh copied), through RecordStore, as the management API does; writes nothing (opening an
// older store migrates it).
// Usage: bench_dashboard --data-dir DIR | --database postgres://… [--runs R] [--json FILE (appends one line a
// figure)] [--size-only] [--full-rollups] [--only TEXT (the queries whose name contains it)]
#include "benchrecords.h"
#include "database.h"
#include "recordstore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <sys/resource.h>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

double cpuMs()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
}

struct Timing
{
    double cpu = 0; // this process's CPU time per run, on average: all of a SQLite query's work, a PostgreSQL
                    // query's client side; unlike wall time, hardly stretched by other processes' load
    double first = 0; // the first run: caches cold, as after the gateway starts
    double p50 = 0;
    double p95 = 0;
    double max = 0;
};

// Times `runs` runs of `work`; nullopt when one failed.
std::optional<Timing> timed(int runs, const std::function<bool()> &work)
{
    std::vector<double> ms;
    const double cpuBefore = cpuMs();
    for (int run = 0; run < runs; ++run) {
        QElapsedTimer timer;
        timer.start();
        if (!work())
            return std::nullopt;
        ms.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    Timing t;
    t.cpu = (cpuMs() - cpuBefore) / double(runs);
    t.first = ms.front();
    std::sort(ms.begin(), ms.end());
    const auto rank
        = [&](double q) { return ms[size_t(std::ceil(q * double(ms.size()))) - 1]; }; // nearest rank
    t.p50 = rank(0.5);
    t.p95 = rank(0.95);
    t.max = ms.back();
    return t;
}

// What the usage API adds to a report: p50/p95/p99 of duration and time to first token, for the totals, every
// point and every group's points.
int percentiles(const UsageReport &report)
{
    int computed = 0;
    const auto of = [&](const UsageTotals &t) {
        for (const double q : { 0.5, 0.95, 0.99 })
            computed += int(LatencyBins::percentile(t.duration, q).has_value())
                + int(LatencyBins::percentile(t.ttft, q).has_value());
    };
    of(report.totals);
    for (const UsagePoint &point : report.series)
        of(point.totals);
    for (const UsageGroup &group : report.groups) {
        of(group.totals);
        for (const UsagePoint &point : group.series)
            of(point.totals);
    }
    return computed;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Times the dashboard's queries on a full store."_s);
    parser.addHelpOption();
    BenchRecords::addStoreOptions(parser);
    parser.addOptions({
        { u"runs"_s, u"Runs of each query (default 15)."_s, u"r"_s, u"15"_s },
        { u"json"_s, u"Append one JSON line a figure to this file."_s, u"file"_s },
        { u"size-only"_s, u"Only the store's size, no queries."_s },
        { u"full-rollups"_s,
            u"Usage from the full rollup rows, as before the per-dimension slices (to compare)."_s },
        { u"only"_s, u"Only the queries whose name contains this text (to profile one)."_s, u"text"_s },
    });
    parser.process(app);
    QString error;
    const auto location = BenchRecords::storeFromOptions(parser, &error);
    if (!location) {
        std::fprintf(stderr, "bench_dashboard: %s\n", qPrintable(error));
        return 2;
    }
    if (location->kind == DatabaseLocation::Kind::Sqlite && !QFileInfo::exists(location->path)) {
        std::fprintf(stderr, "bench_dashboard: no store at %s\n", qPrintable(location->path));
        return 2;
    }
    const int runs = qMax(1, parser.value(u"runs"_s).toInt());
    const bool postgres = location->kind == DatabaseLocation::Kind::Postgres;

    // The store's extent and size, on a connection of its own.
    QSqlDatabase db = Database::open(*location, u"bench.size"_s, &error);
    if (!db.isOpen()) {
        std::fprintf(stderr, "bench_dashboard: %s\n", qPrintable(error));
        return 1;
    }
    QSqlQuery extent(db);
    const auto rows = parser.isSet(u"full-rollups"_s) ? UsageReport::Rows::Full : UsageReport::Rows::Fewest;
    extent.exec(u"SELECT COUNT(*), MAX(created_at), (SELECT COUNT(*) FROM usage_rollups), "
                "(SELECT COUNT(*) FROM usage_rollups_minute), "
                "(SELECT COUNT(*) FROM requests WHERE request_body IS NOT NULL OR response_body IS NOT NULL) "
                "FROM requests"_s);
    extent.next();
    const qint64 records = extent.value(0).toLongLong();
    const QDateTime newest = QDateTime::fromString(extent.value(1).toString(), Qt::ISODateWithMs);
    const qint64 hourRows = extent.value(2).toLongLong();
    const qint64 minuteRows = extent.value(3).toLongLong();
    const qint64 withPayloads = extent.value(4).toLongLong();
    // The whole database, and what of it the records (with their indexes and, on PostgreSQL, TOAST) and the
    // rollups take (the full rows, and apart the slices): the records grow with the traffic, the rollups with
    // time × keys × models.
    qint64 bytes = 0;
    QSqlQuery size(db);
    if (postgres) {
        size.exec(
            u"SELECT pg_database_size(current_database()), pg_total_relation_size('requests'), "
            "pg_total_relation_size('usage_rollups') + pg_total_relation_size('usage_rollups_daily') "
            "+ pg_total_relation_size('usage_rollups_minute'), (SELECT SUM(pg_total_relation_size(oid)) "
            "FROM pg_class WHERE relkind = 'r' AND relname ~ '^usage_rollups.*(_by_|_total)')"_s);
    } else {
        for (const QString &suffix : { QString(), u"-wal"_s })
            bytes += QFileInfo(location->path + suffix).size();
        size.exec(
            u"SELECT 0, SUM(CASE WHEN name = 'requests' OR name LIKE 'idx_requests_%' THEN pgsize END), "
            "SUM(CASE WHEN name GLOB '*usage_rollups*' AND NOT (name GLOB '*_by_*' OR name GLOB '*_total*') "
            "THEN pgsize END), SUM(CASE WHEN name GLOB '*usage_rollups*' AND (name GLOB '*_by_*' OR name "
            "GLOB "
            "'*_total*') THEN pgsize END) FROM dbstat"_s);
    }
    size.next();
    bytes += size.value(0).toLongLong();
    const qint64 recordBytes = size.value(1).toLongLong();
    const qint64 rollupBytes = size.value(2).toLongLong();
    const qint64 sliceBytes = size.value(3).toLongLong();
    size.finish();
    extent.finish();
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"bench.size"_s);
    if (records == 0 || !newest.isValid()) {
        std::fprintf(stderr, "bench_dashboard: the store holds no records\n");
        return 1;
    }

    RecordStore store(*location);
    StoreError storeError; // the driver's words are in the log (gateway.store) on stderr
    const QDateTime month = newest.addDays(-30);
    std::optional<UsageReport> report;
    const auto usage
        = [&](QDateTime from, UsageBucket bucket, UsageDimension dimension, RecordFilter filter = {}) {
              filter.from = from;
              filter.to = newest;
              return [&, filter, bucket, dimension] {
                  report = store.usage(filter, bucket, dimension, &storeError, rows);
                  return report && percentiles(*report) >= 0;
              };
          };
    std::optional<LogPage> page;
    const auto logs = [&](LogQuery query) {
        return [&, query] {
            page = store.logPage(query, &storeError);
            return page && page->records.startsWith('[');
        };
    };
    LogQuery newestPage;
    LogQuery secondPage;
    LogQuery byModel;
    byModel.filter.model = u"claude-sonnet-4-5"_s;
    LogQuery rareErrors; // a model with 2 % of the traffic, its errors only: few matches among many records
    rareErrors.filter.model = u"grok-4"_s;
    rareErrors.errorsOnly = true;
    LogQuery memberWeek; // a member's last week, errors only
    memberWeek.filter.member = u"eli@example.com"_s;
    memberWeek.filter.from = newest.addDays(-7);
    memberWeek.errorsOnly = true;
    if (const auto first = store.logPage(newestPage, &storeError))
        secondPage.beforeId = first->nextBefore;

    struct Query
    {
        const char *what;
        std::function<bool()> work;
    };
    const std::vector<Query> queries {
        { "usage: month by day, totals + series + p50/p95/p99",
            usage(month, UsageBucket::Day, UsageDimension::None) },
        { "usage: month by day, group_by model", usage(month, UsageBucket::Day, UsageDimension::Model) },
        { "usage: month by day, group_by key", usage(month, UsageBucket::Day, UsageDimension::ApiKey) },
        { "usage: month by hour, totals + series + p50/p95/p99",
            usage(month, UsageBucket::Hour, UsageDimension::None) },
        { "usage: month by hour, group_by model", usage(month, UsageBucket::Hour, UsageDimension::Model) },
        { "usage: month by hour, group_by key", usage(month, UsageBucket::Hour, UsageDimension::ApiKey) },
        { "usage: 90 days by day, group_by member",
            usage(newest.addDays(-90), UsageBucket::Day, UsageDimension::Member) },
        { "usage: last 24 hours by hour, group_by model",
            usage(newest.addDays(-1), UsageBucket::Hour, UsageDimension::Model) },
        { "usage: last 6 hours by minute, group_by key",
            usage(newest.addSecs(-6 * 3600), UsageBucket::Minute, UsageDimension::ApiKey) },
        { "usage: month by day, one key's, group_by model",
            usage(month, UsageBucket::Day, UsageDimension::Model, RecordFilter { {}, {}, {}, {}, 5, {} }) },
        { "logs: newest page (50)", logs(newestPage) },
        { "logs: second page (cursor)", logs(secondPage) },
        { "logs: filtered by model", logs(byModel) },
        { "logs: a rare model's errors", logs(rareErrors) },
        { "logs: a member's errors of the last week", logs(memberWeek) },
        { "status: newest record id", [&] { return store.latestRecordId(&storeError).has_value(); } },
    };

    const char *engine = postgres ? "postgres" : "sqlite";
    const QString stamp = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    QFile json(parser.value(u"json"_s));
    if (parser.isSet(u"json"_s) && !json.open(QIODevice::Append | QIODevice::Text)) {
        std::fprintf(stderr, "bench_dashboard: cannot write %s\n", qPrintable(json.fileName()));
        return 2;
    }
    const auto emitJson = [&](QJsonObject line) {
        line.insert(u"engine"_s, QLatin1String(engine));
        line.insert(u"records"_s, records);
        line.insert(u"at"_s, stamp);
        if (json.isOpen())
            json.write(QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n');
    };

    const double perMillion = double(recordBytes) / (double(records) / 1e6) / (1024.0 * 1024.0);
    std::printf(
        "%s store: %lld records up to %s, %lld with payloads; %lld hourly and %lld minute rollup rows\n",
        engine, static_cast<long long>(records), qPrintable(newest.toString(Qt::ISODate)),
        static_cast<long long>(withPayloads), static_cast<long long>(hourRows),
        static_cast<long long>(minuteRows));
    std::printf(
        "database size: %.0f MiB; the records with their indexes %.0f MiB (%.0f MiB per million), the "
        "rollups %.0f MiB, their per-dimension slices %.0f MiB\n\n",
        double(bytes) / 1048576.0, double(recordBytes) / 1048576.0, perMillion,
        double(rollupBytes) / 1048576.0, double(sliceBytes) / 1048576.0);
    emitJson({ { u"figure"_s, u"size"_s }, { u"bytes"_s, bytes }, { u"record_bytes"_s, recordBytes },
        { u"rollup_bytes"_s, rollupBytes }, { u"slice_bytes"_s, sliceBytes },
        { u"record_mib_per_million"_s, qRound(perMillion) }, { u"records_with_payloads"_s, withPayloads },
        { u"hourly_rollup_rows"_s, hourRows }, { u"minute_rollup_rows"_s, minuteRows } });

    if (parser.isSet(u"size-only"_s))
        return 0;
    std::printf("| query (%d runs) | first ms | p50 ms | p95 ms | max ms | CPU ms a run |\n"
                "| --- | ---: | ---: | ---: | ---: | ---: |\n",
        runs);
    bool failed = false;
    const QString only = parser.value(u"only"_s);
    for (const Query &query : queries) {
        if (!QLatin1String(query.what).contains(only))
            continue;
        const auto t = timed(runs, query.work);
        if (!t) {
            std::printf("| %s | failed: %s | | | | |\n", query.what, qPrintable(storeError.message));
            failed = true;
            continue;
        }
        std::printf("| %s | %.1f | %.1f | %.1f | %.1f | %.1f |\n", query.what, t->first, t->p50, t->p95,
            t->max, t->cpu);
        emitJson({ { u"figure"_s, u"query"_s }, { u"query"_s, QLatin1String(query.what) },
            { u"runs"_s, runs }, { u"first_ms"_s, t->first }, { u"p50_ms"_s, t->p50 },
            { u"p95_ms"_s, t->p95 }, { u"max_ms"_s, t->max }, { u"cpu_ms"_s, t->cpu },
            { u"rollups"_s, rows == UsageReport::Rows::Full ? u"full"_s : u"fewest"_s } });
        std::fflush(stdout);
    }
    return failed ? 1 : 0;
}
