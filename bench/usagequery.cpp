// The usage API's claim, measured: a month of usage answers from the hourly rollups in a time that does not
// grow with the number of raw records. Writes N records over 30 days through the real log writer (which keeps
// the rollups), then times UsageReport queries against a plain aggregate over the raw records, and checks
// that both agree. Usage: bench_usagequery [--records N] [--runs R] [--check] [--database postgres://… (an
// empty database; default: SQLite in a temporary directory)] [--spread-hours H (the records lie in the
// month's first H hours; default 720, the whole month; 1 is a busy gateway's write load, few rollup rows per
// batch)]
#include "benchrecords.h"
#include "database.h"
#include "logwriter.h"
#include "usagereport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QVariant>

#include <algorithm>
#include <cstdio>
#include <functional>

using namespace Qt::StringLiterals;

namespace {

const QDateTime kMonth(QDate(2026, 10, 1), QTime(0, 0), Qt::UTC);
constexpr int kDays = 30;

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    qint64 records = 1'000'000;
    int runs = 15;
    bool check = false;
    QString databaseUrl;
    int spreadHours = kDays * 24;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i < args.size(); ++i) {
        if (args[i] == "--records"_L1 && i + 1 < args.size())
            records = args[++i].toLongLong();
        else if (args[i] == "--runs"_L1 && i + 1 < args.size())
            runs = args[++i].toInt();
        else if (args[i] == "--check"_L1)
            check = true;
        else if (args[i] == "--database"_L1 && i + 1 < args.size())
            databaseUrl = args[++i];
        else if (args[i] == "--spread-hours"_L1 && i + 1 < args.size())
            spreadHours = qBound(1, args[++i].toInt(), kDays * 24);
        else {
            std::fprintf(stderr,
                "usage: bench_usagequery [--records N] [--runs R] [--check] [--database URL] "
                "[--spread-hours H]\n");
            return 2;
        }
    }

    QTemporaryDir dir;
    QString error;
    const auto given = BenchRecords::storeAt(databaseUrl, dir.path(), &error);
    if (!given) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 2;
    }
    const DatabaseLocation location = *given;
    QElapsedTimer timer;
    timer.start();
    {
        LogWriter writer(location);
        if (!writer.start(&error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        for (qint64 i = 0; i < records; ++i) {
            writer.enqueue(BenchRecords::record(i, records, kMonth, spreadHours));
            if (i % 20'000 == 0)
                writer.flush(); // bounds the queue's memory
        }
        writer.stop();
    }
    const double writeSeconds = double(timer.elapsed()) / 1000;

    QSqlDatabase db = Database::open(location, u"bench"_s, &error);
    if (!db.isOpen()) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    QSqlQuery count(db);
    count.exec(u"SELECT (SELECT COUNT(*) FROM requests), (SELECT COUNT(*) FROM usage_rollups)"_s);
    count.next();
    const qint64 stored = count.value(0).toLongLong();
    const qint64 rollupRows = count.value(1).toLongLong();

    const RecordFilter month { kMonth, kMonth.addDays(kDays), {}, {}, {}, {} };
    std::optional<UsageReport> report;
    const auto usage = [&](UsageBucket bucket, UsageDimension dimension) {
        return [&, bucket, dimension] {
            report = UsageReport::query(db, month, bucket, dimension, &error);
            return report.has_value();
        };
    };
    struct Row
    {
        const char *what;
        double ms;
    };
    std::vector<Row> rows {
        { "usage: month by day, totals + series + p50/p95/p99",
            BenchRecords::medianMs(runs, usage(UsageBucket::Day, UsageDimension::None)) },
        { "usage: month by day, group_by model",
            BenchRecords::medianMs(runs, usage(UsageBucket::Day, UsageDimension::Model)) },
        { "usage: month by hour, group_by key",
            BenchRecords::medianMs(runs, usage(UsageBucket::Hour, UsageDimension::ApiKey)) },
    };
    UsageTotals fromRollups;
    if (const auto totals = UsageReport::query(db, month, UsageBucket::Day, UsageDimension::None, &error))
        fromRollups = totals->totals;

    // The same month summed over the raw records (sums only, no percentiles): what the rollups replace.
    qint64 rawRequests = 0;
    qint64 rawTokens = 0;
    double rawCost = 0;
    const double rawMs = BenchRecords::medianMs(qMax(1, runs / 5), [&] {
        QSqlQuery raw(db);
        raw.setForwardOnly(true);
        raw.prepare(
            u"SELECT substr(created_at, 1, 10), SUM(CASE WHEN retried = 0 THEN 1 ELSE 0 END), "
            "SUM(total_tokens), SUM(cost) FROM requests WHERE created_at >= ? AND created_at < ? GROUP BY 1"_s);
        raw.addBindValue(kMonth.toString(Qt::ISODateWithMs));
        raw.addBindValue(kMonth.addDays(kDays).toString(Qt::ISODateWithMs));
        if (!raw.exec()) {
            error = raw.lastError().text();
            return false;
        }
        rawRequests = rawTokens = 0;
        rawCost = 0;
        while (raw.next()) {
            rawRequests += raw.value(1).toLongLong();
            rawTokens += raw.value(2).toLongLong();
            rawCost += raw.value(3).toDouble();
        }
        return true;
    });
    rows.push_back({ "raw records: month by day, sums only", rawMs });
    if (!error.isEmpty()) {
        std::fprintf(stderr, "query failed: %s\n", qPrintable(error));
        return 1;
    }

    std::printf("records stored: %lld (written in %.1f s, %.0f records/s, rollups kept by the writer)\n",
        static_cast<long long>(stored), writeSeconds, double(records) / writeSeconds);
    std::printf("rollup rows:    %lld (%.0f records per row)\n\n", static_cast<long long>(rollupRows),
        double(stored) / double(qMax<qint64>(1, rollupRows)));
    std::printf("| query (median of %d) | ms |\n| --- | ---: |\n", runs);
    for (const Row &row : rows)
        std::printf("| %s | %.2f |\n", row.what, row.ms);
    std::printf("\nrollup month query vs raw scan: %.1fx faster\n", rawMs / rows[0].ms);

    const bool agree = fromRollups.requests == rawRequests && fromRollups.totalTokens == rawTokens
        && std::abs(fromRollups.cost - rawCost) <= 1e-6 * std::max(1.0, rawCost);
    std::printf(
        "rollups agree with the raw records: %s (requests %lld/%lld, tokens %lld/%lld, cost %.4f/%.4f)\n",
        agree ? "yes" : "NO", static_cast<long long>(fromRollups.requests),
        static_cast<long long>(rawRequests), static_cast<long long>(fromRollups.totalTokens),
        static_cast<long long>(rawTokens), fromRollups.cost, rawCost);
    db.close();
    return check && !agree ? 1 : 0;
}
