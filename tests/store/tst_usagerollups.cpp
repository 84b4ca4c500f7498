// Usage from the hourly rollups: the log writer keeps them in step with the records, the migration fills
// them from records stored before it, and a report over them matches the same sums taken over the raw
// records, per bucket and per group, after the raw records are gone too.
#include "database.h"
#include "logwriter.h"
#include "migrations.h"
#include "recordstore.h"
#include "storetestutil.h"
#include "usagereport.h"
#include "usagerollups.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

const QDateTime kStart(QDate(2026, 3, 30), QTime(22, 0), Qt::UTC); // a Monday, near a month's end

// Record `i`: spread over 80 hours, three models on two providers, four keys of two members; every
// seventh is a failed attempt that was retried, every fifth an error, every eleventh without a price.
RequestRecord record(int i)
{
    RequestRecord r;
    r.requestId = "r" + QByteArray::number(i);
    r.createdAt = kStart.addSecs(qint64(i) * 997 % (80 * 3600));
    r.apiKeyId = 1 + i % 4;
    r.member = r.apiKeyId <= 2 ? u"ana@example.com"_s : u"bo@example.com"_s;
    static const char *models[] = { "gpt-4o-mini", "claude-sonnet-4-5", "gemini-2.5-flash" };
    r.usedModel = QString::fromLatin1(models[i % 3]);
    r.usedProvider = i % 3 == 1 ? u"anthropic"_s : u"openai"_s;
    r.retried = i % 7 == 0;
    r.attempt = r.retried ? 1 : 2;
    r.status = r.retried || i % 5 == 0 ? 502 : 200;
    r.usage.promptTokens = 10 + i % 50;
    r.usage.completionTokens = i % 30;
    r.usage.cachedTokens = i % 4;
    r.usage.reasoningTokens = i % 3;
    if (i % 11 != 0)
        r.cost = Cost { 0.001 * (i % 9), 0.0, 0.0, 0.002 };
    r.durationMs = 20 + (i * 37) % 4000;
    if (i % 2)
        r.ttftMs = 5 + i % 300;
    r.cacheHit = i % 13 == 0;
    return r;
}

constexpr int kRecords = 3000;

} // namespace

class TestUsageRollups : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void latencyBinsCoverEveryValue();
    void percentileIsWithinItsBin();
    void reportMatchesTheRawRecords_data();
    void reportMatchesTheRawRecords();
    void minutesMatchTheRecordsAndTheHours_data();
    void minutesMatchTheRecordsAndTheHours();
    void purgeKeepsMinutesForTheirWindow();
    void groupsSplitTheTotals();
    void filtersNarrowTheRows();
    void weeksAndMonthsMergeDays();
    void rollupsOutliveTheRawRecords();
    void migrationFillsRollupsFromStoredRecords();
    void tooManyBucketsIsAClearError();

private:
    QSqlDatabase db();
    void writeAll();

    std::unique_ptr<QTemporaryDir> m_dir;
    DatabaseLocation m_location;
};

void TestUsageRollups::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_location = DatabaseLocation::inDataDir(m_dir->path());
}

void TestUsageRollups::cleanup()
{
    if (QSqlDatabase::contains(u"reader"_s)) {
        QSqlDatabase::database(u"reader"_s, false).close();
        QSqlDatabase::removeDatabase(u"reader"_s);
    }
}

QSqlDatabase TestUsageRollups::db()
{
    QString error;
    QSqlDatabase db = Database::open(m_location, u"reader"_s, &error);
    if (!error.isEmpty())
        qWarning() << error;
    return db;
}

void TestUsageRollups::writeAll()
{
    LogWriter writer(m_location);
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    for (int i = 0; i < kRecords; ++i)
        writer.enqueue(record(i));
    writer.stop();
    QCOMPARE(writer.writtenCount(), qint64(kRecords));
}

void TestUsageRollups::latencyBinsCoverEveryValue()
{
    QCOMPARE(LatencyBins::binOf(0), 0);
    QCOMPARE(LatencyBins::binOf(-5), 0);
    int previous = 0;
    for (qint64 ms : { 1LL, 2LL, 3LL, 10LL, 99LL, 100LL, 101LL, 1000LL, 60'000LL, 600'000LL, 1'000'000LL }) {
        const int bin = LatencyBins::binOf(ms);
        QVERIFY2(bin >= previous, qPrintable(QString::number(ms)));
        QVERIFY2(LatencyBins::lowerEdge(bin) <= double(ms), qPrintable(QString::number(ms)));
        if (bin < LatencyBins::kCount - 1)
            QVERIFY2(double(ms) < LatencyBins::upperEdge(bin), qPrintable(QString::number(ms)));
        previous = bin;
    }
    QCOMPARE(LatencyBins::binOf(qint64(1) << 40), LatencyBins::kCount - 1);
}

void TestUsageRollups::percentileIsWithinItsBin()
{
    LatencyBins::Counts counts {};
    QVERIFY(!LatencyBins::percentile(counts, 0.5));
    std::vector<qint64> values;
    for (int i = 0; i < 1000; ++i)
        values.push_back(50 + (i * 7919) % 2000);
    for (qint64 v : values)
        ++counts[size_t(LatencyBins::binOf(v))];
    std::sort(values.begin(), values.end());
    for (double q : { 0.5, 0.95, 0.99 }) {
        const double exact = double(values[size_t(q * 1000) - 1]);
        const double estimate = *LatencyBins::percentile(counts, q);
        QVERIFY2(std::abs(estimate - exact) <= 0.25 * exact,
            qPrintable(u"q=%1 exact %2 estimate %3"_s.arg(q).arg(exact).arg(estimate)));
    }
}

void TestUsageRollups::reportMatchesTheRawRecords_data()
{
    QTest::addColumn<int>("bucket");
    QTest::newRow("hour") << int(UsageBucket::Hour);
    QTest::newRow("day") << int(UsageBucket::Day);
}

void TestUsageRollups::reportMatchesTheRawRecords()
{
    QFETCH(int, bucket);
    writeAll();
    QSqlDatabase database = db();
    QString error;
    const RecordFilter all { kStart.addDays(-1), kStart.addDays(5), {}, {}, {}, {} };
    const auto report = UsageReport::query(database, all, UsageBucket(bucket), UsageDimension::None, &error);
    QVERIFY2(report, qPrintable(error));

    UsageTotals expected;
    std::map<QDateTime, UsageTotals> perBucket;
    for (int i = 0; i < kRecords; ++i) {
        const RequestRecord r = record(i);
        expected.add(r);
        perBucket[UsageBuckets::startOf(r.createdAt, UsageBucket(bucket))].add(r);
    }
    QString why;
    QVERIFY2(sameTotals(report->totals, expected, &why), qPrintable(why));
    QCOMPARE(report->totals.requests, qint64(kRecords - (kRecords + 6) / 7));
    QCOMPARE(report->totals.retries, qint64((kRecords + 6) / 7));
    // Dense: every bucket of the range is there, in order, the empty ones as zeros.
    const qint64 points = bucket == int(UsageBucket::Hour) ? 6 * 24 : 7; // 29 March to 4 April
    QCOMPARE(qint64(report->series.size()), points);
    for (size_t p = 0; p < report->series.size(); ++p) {
        const UsagePoint &point = report->series[p];
        if (p > 0)
            QVERIFY(point.start > report->series[p - 1].start);
        const auto it = perBucket.find(point.start);
        QVERIFY2(sameTotals(point.totals, it == perBucket.end() ? UsageTotals() : it->second, &why),
            qPrintable(point.start.toString(Qt::ISODate) + u": "_s + why));
    }
}

// Minute rows, kept by the writer beside the hourly ones: per minute they hold what the records hold, and
// over the same range they add up to exactly what the hourly rollups report, histograms (so percentiles)
// included.
void TestUsageRollups::minutesMatchTheRecordsAndTheHours_data()
{
    QTest::addColumn<int>("dimension");
    QTest::newRow("none") << int(UsageDimension::None);
    QTest::newRow("key") << int(UsageDimension::ApiKey);
    QTest::newRow("model") << int(UsageDimension::Model);
}

void TestUsageRollups::minutesMatchTheRecordsAndTheHours()
{
    QFETCH(int, dimension);
    writeAll();
    QSqlDatabase database = db();
    QString error;
    const RecordFilter range { kStart.addSecs(10 * 3600), kStart.addSecs(40 * 3600), {}, {}, {},
        {} }; // 1 800 minutes
    QVERIFY(UsageReport::rangeProblem(range, UsageBucket::Minute).isEmpty());
    const auto minutes
        = UsageReport::query(database, range, UsageBucket::Minute, UsageDimension(dimension), &error);
    QVERIFY2(minutes, qPrintable(error));
    const auto hours
        = UsageReport::query(database, range, UsageBucket::Hour, UsageDimension(dimension), &error);
    QVERIFY2(hours, qPrintable(error));

    UsageTotals expected;
    std::map<QDateTime, UsageTotals> perMinute;
    for (int i = 0; i < kRecords; ++i) {
        const RequestRecord r = record(i);
        if (r.createdAt < range.from || r.createdAt >= range.to)
            continue;
        expected.add(r);
        perMinute[UsageBuckets::startOf(r.createdAt, UsageBucket::Minute)].add(r);
    }
    QVERIFY(expected.requests > 100);
    QString why;
    QVERIFY2(sameTotals(minutes->totals, expected, &why), qPrintable(why));
    QVERIFY2(sameTotals(minutes->totals, hours->totals, &why), qPrintable(why));
    QCOMPARE(minutes->series.size(), size_t(1800));
    for (size_t p = 0; p < minutes->series.size(); ++p) {
        const UsagePoint &point = minutes->series[p];
        QCOMPARE(point.start, range.from.addSecs(qint64(p) * 60));
        const auto it = perMinute.find(point.start);
        QVERIFY2(sameTotals(point.totals, it == perMinute.end() ? UsageTotals() : it->second, &why),
            qPrintable(point.start.toString(Qt::ISODate) + u": "_s + why));
    }
    // The same groups, with the same figures, as the hourly report.
    QCOMPARE(minutes->groups.size(), hours->groups.size());
    for (size_t g = 0; g < minutes->groups.size(); ++g) {
        QCOMPARE(minutes->groups[g].key, hours->groups[g].key);
        QVERIFY2(sameTotals(minutes->groups[g].totals, hours->groups[g].totals, &why), qPrintable(why));
        QCOMPARE(minutes->groups[g].series.size(), size_t(1800));
    }
    // A range that is not whole minutes is widened to them; more than kMaxPoints minutes is refused.
    const RecordFilter ragged { range.from.addSecs(30), range.from.addSecs(90), {}, {}, {}, {} };
    const auto two = UsageReport::query(database, ragged, UsageBucket::Minute, UsageDimension::None, &error);
    QVERIFY2(two, qPrintable(error));
    QCOMPARE(two->from, range.from);
    QCOMPARE(two->series.size(), size_t(2));
    const RecordFilter tooLong { range.from, range.from.addSecs(2001 * 60), {}, {}, {}, {} };
    QVERIFY(UsageReport::rangeProblem(tooLong, UsageBucket::Minute).contains(u"2000 minute buckets"_s));
}

// The purge takes minute rows older than the window whatever the retention policy, and leaves the hours.
void TestUsageRollups::purgeKeepsMinutesForTheirWindow()
{
    writeAll();
    const QDateTime at
        = kStart.addSecs(104 * 3600); // a day after the last record: hours 56 to 80 are in the window
    QString error;
    RecordStore store(m_location);
    StoreError storeError;
    QVERIFY2(store.purge(QDateTime(), QDateTime(), Actor { 0, u"test"_s }, at, &storeError),
        qPrintable(storeError.message));
    QSqlDatabase database = db();
    const auto requestsIn = [&](qint64 fromHour, qint64 toHour, UsageBucket bucket) {
        const RecordFilter range { kStart.addSecs(fromHour * 3600), kStart.addSecs(toHour * 3600), {}, {}, {},
            {} };
        const auto report = UsageReport::query(database, range, bucket, UsageDimension::None, &error);
        return report ? report->totals.requests : -1;
    };
    qint64 kept = 0;
    for (int i = 0; i < kRecords; ++i) {
        const RequestRecord r = record(i);
        if (!r.retried && r.createdAt >= kStart.addSecs(56 * 3600))
            ++kept;
    }
    QVERIFY(kept > 0);
    QCOMPARE(requestsIn(56, 80, UsageBucket::Minute), kept);
    QCOMPARE(requestsIn(20, 50, UsageBucket::Minute), 0);
    QVERIFY(requestsIn(20, 50, UsageBucket::Hour) > 0);
}

void TestUsageRollups::groupsSplitTheTotals()
{
    writeAll();
    QSqlDatabase database = db();
    QString error;
    const RecordFilter all { kStart, kStart.addDays(4), {}, {}, {}, {} };
    for (const auto dimension :
        { UsageDimension::Model, UsageDimension::Provider, UsageDimension::ApiKey, UsageDimension::Member }) {
        const auto report = UsageReport::query(database, all, UsageBucket::Day, dimension, &error);
        QVERIFY2(report, qPrintable(error));
        const size_t groups = dimension == UsageDimension::Model ? 3
            : dimension == UsageDimension::ApiKey                ? 4
                                                                 : 2;
        QCOMPARE(report->groups.size(), groups);
        UsageTotals sum;
        for (const UsageGroup &group : report->groups) {
            sum.merge(group.totals);
            QCOMPARE(group.series.size(), report->series.size());
        }
        QString why;
        QVERIFY2(sameTotals(sum, report->totals, &why), qPrintable(why));
        for (size_t g = 1; g < report->groups.size(); ++g) // largest cost first
            QVERIFY(report->groups[g - 1].totals.cost >= report->groups[g].totals.cost);
    }
    const auto byMember = UsageReport::query(database, all, UsageBucket::Day, UsageDimension::Member, &error);
    QStringList members;
    for (const UsageGroup &group : byMember->groups)
        members.append(group.key);
    members.sort();
    QCOMPARE(members, (QStringList { u"ana@example.com"_s, u"bo@example.com"_s }));
}

void TestUsageRollups::filtersNarrowTheRows()
{
    writeAll();
    QSqlDatabase database = db();
    QString error;
    RecordFilter filter { kStart, kStart.addDays(4), u"claude-sonnet-4-5"_s, u"anthropic"_s, qint64(2),
        u"ana@example.com"_s };
    const auto report = UsageReport::query(database, filter, UsageBucket::Day, UsageDimension::None, &error);
    QVERIFY2(report, qPrintable(error));
    UsageTotals expected;
    for (int i = 0; i < kRecords; ++i) {
        const RequestRecord r = record(i);
        if (r.usedModel == filter.model && r.apiKeyId == 2)
            expected.add(r);
    }
    QVERIFY(expected.requests > 0);
    QString why;
    QVERIFY2(sameTotals(report->totals, expected, &why), qPrintable(why));
    filter.member = u"bo@example.com"_s; // key 2 is ana's: nothing
    QCOMPARE(
        UsageReport::query(database, filter, UsageBucket::Day, UsageDimension::None, &error)->totals.requests,
        0);
}

void TestUsageRollups::weeksAndMonthsMergeDays()
{
    writeAll();
    QSqlDatabase database = db();
    QString error;
    const RecordFilter all { kStart.addDays(-1), kStart.addDays(10), {}, {}, {}, {} };
    const auto weeks = UsageReport::query(database, all, UsageBucket::Week, UsageDimension::None, &error);
    QVERIFY2(weeks, qPrintable(error));
    // 2026-03-29 (Sunday) to 2026-04-09: the weeks starting Monday 23 March, 30 March and 6 April.
    QCOMPARE(weeks->series.size(), size_t(3));
    QCOMPARE(weeks->series[0].start, QDateTime(QDate(2026, 3, 23), QTime(0, 0), Qt::UTC));
    QCOMPARE(weeks->series[0].totals.requests, 0);
    QCOMPARE(weeks->series[1].totals.requests, weeks->totals.requests); // 80 hours from Monday 22:00
    const auto months = UsageReport::query(database, all, UsageBucket::Month, UsageDimension::None, &error);
    QCOMPARE(months->series.size(), size_t(2));
    QCOMPARE(months->series[1].start, QDateTime(QDate(2026, 4, 1), QTime(0, 0), Qt::UTC));
    UsageTotals march;
    for (int i = 0; i < kRecords; ++i) {
        const RequestRecord r = record(i);
        if (r.createdAt.date().month() == 3)
            march.add(r);
    }
    QString why;
    QVERIFY2(sameTotals(months->series[0].totals, march, &why), qPrintable(why));
}

void TestUsageRollups::rollupsOutliveTheRawRecords()
{
    writeAll();
    QSqlDatabase database = db();
    QString error;
    const RecordFilter all { kStart, kStart.addDays(4), {}, {}, {}, {} };
    const auto before = UsageReport::query(database, all, UsageBucket::Day, UsageDimension::None, &error);
    QSqlQuery purge(database);
    QVERIFY(purge.exec(u"DELETE FROM requests"_s));
    const auto after = UsageReport::query(database, all, UsageBucket::Day, UsageDimension::None, &error);
    QVERIFY2(after, qPrintable(error));
    QString why;
    QVERIFY2(sameTotals(after->totals, before->totals, &why), qPrintable(why));
    QVERIFY(after->totals.requests > 0);
}

void TestUsageRollups::migrationFillsRollupsFromStoredRecords()
{
    // A store at schema 5 with records in it, as an earlier build left it.
    {
        QSqlDatabase old = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"old"_s);
        old.setDatabaseName(m_location.path);
        QVERIFY(old.open());
        QSqlQuery q(old);
        QVERIFY(q.exec(
            u"CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"_s));
        const auto migrations = Migrations::all(DatabaseLocation::Kind::Sqlite);
        for (size_t m = 0; m < 5; ++m) {
            for (const QString &statement : migrations[m].statements)
                QVERIFY2(q.exec(statement), qPrintable(q.lastError().text()));
            QVERIFY(q.exec(u"INSERT INTO schema_migrations VALUES (%1, '2026-01-01')"_s.arg(m + 1)));
        }
        QVERIFY(q.prepare(
            u"INSERT INTO requests (request_id, created_at, api_key_id, member, used_model, "
            "used_provider, status, prompt_tokens, completion_tokens, total_tokens, cost, duration_ms, "
            "ttft_ms, attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s));
        // Request "a" failed once and succeeded on its second attempt; "b" succeeded; "c" has no price.
        const QVariantList rows[] = {
            { u"a"_s, u"2026-02-01T10:15:00.000Z"_s, 1, u"ana@example.com"_s, u"m1"_s, u"openai"_s, 502, 10,
                0, 10, 0.0, 100, QVariant(), 1 },
            { u"a"_s, u"2026-02-01T10:15:01.000Z"_s, 1, u"ana@example.com"_s, u"m1"_s, u"anthropic"_s, 200,
                10, 5, 15, 0.5, 900, 40, 2 },
            { u"b"_s, u"2026-02-01T10:59:59.999Z"_s, 1, u"ana@example.com"_s, u"m1"_s, u"openai"_s, 200, 20,
                5, 25, 0.25, 300, 30, 1 },
            { u"c"_s, u"2026-02-01T11:00:00.000Z"_s, QVariant(), u""_s, u"m2"_s, u"openai"_s, 200, 7, 3, 10,
                QVariant(), 50, 20, 1 },
        };
        for (const QVariantList &row : rows) {
            for (const QVariant &value : row)
                q.addBindValue(value);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        }
        old.close();
    }
    QSqlDatabase::removeDatabase(u"old"_s);

    QSqlDatabase database = db();
    QCOMPARE(Database::schemaVersion(database), Migrations::latestVersion());
    QSqlQuery retried(database);
    QVERIFY(retried.exec(u"SELECT request_id, attempt FROM requests WHERE retried = 1"_s));
    QVERIFY(retried.next());
    QCOMPARE(retried.value(0).toString(), u"a"_s);
    QCOMPARE(retried.value(1).toInt(), 1);
    QVERIFY(!retried.next());

    QString error;
    const RecordFilter february { QDateTime(QDate(2026, 2, 1), QTime(0, 0), Qt::UTC),
        QDateTime(QDate(2026, 2, 2), QTime(0, 0), Qt::UTC), {}, {}, {}, {} };
    const auto report
        = UsageReport::query(database, february, UsageBucket::Hour, UsageDimension::None, &error);
    QVERIFY2(report, qPrintable(error));
    QCOMPARE(report->totals.requests, 3);
    QCOMPARE(report->totals.retries, 1);
    QCOMPARE(report->totals.errors, 0);
    QCOMPARE(report->totals.unpriced, 1);
    QCOMPARE(report->totals.upstreamFailures, 1); // the first attempt of "a"
    QCOMPARE(report->totals.totalTokens, 60);
    QCOMPARE(report->totals.cost, 0.75);
    QCOMPARE(report->totals.durationSumMs, 1250);
    QCOMPARE(report->totals.ttftCount, 3);
    QCOMPARE(report->series[10].totals.requests, 2);
    QCOMPARE(report->series[11].totals.requests, 1);
    QCOMPARE(report->totals.duration[LatencyBins::binOf(900)], 1);
    QCOMPARE(report->totals.ttft[LatencyBins::binOf(20)], 1);
}

void TestUsageRollups::tooManyBucketsIsAClearError()
{
    QSqlDatabase database = db();
    QString error;
    const RecordFilter year { kStart, kStart.addDays(365), {}, {}, {}, {} };
    QVERIFY(!UsageReport::query(database, year, UsageBucket::Hour, UsageDimension::None, &error));
    QVERIFY2(error.contains(u"more than 2000 hour buckets"_s), qPrintable(error));
    QVERIFY(UsageReport::query(database, year, UsageBucket::Day, UsageDimension::None, &error));
    const RecordFilter backwards { kStart, kStart.addDays(-1), {}, {}, {}, {} };
    QVERIFY(!UsageReport::query(database, backwards, UsageBucket::Day, UsageDimension::None, &error));
    QVERIFY2(error.contains(u"'from' must be before 'to'"_s), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestUsageRollups)
#include "tst_usagerollups.moc"
