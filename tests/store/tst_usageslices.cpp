// The usage slices (rollup rows per bucket and single dimension, RollupSchema) answer every report they serve
// exactly as the full rollup rows do: over randomized records, for every bucket, group and filter, after a
// member's data is deleted, after all of it is, after the purge of old minute rows, and once the migrations
// have filled them and packed the histograms in a store that had only the full rows of the old layout. On
// both engines.
#include "database.h"
#include "logwriter.h"
#include "migrations.h"
#include "recordstore.h"
#include "rollupschema.h"
#include "storetestutil.h"
#include "testdatabase.h"
#include "usagereport.h"
#include "usagerollups.h"

#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

const QDateTime kStart(QDate(2026, 5, 4), QTime(7, 13), Qt::UTC);
constexpr int kHours = 100;
constexpr int kRecords = 2500;

const QString kModels[] = { u"gpt-4o-mini"_s, u"claude-sonnet-4-5"_s, u"gemini-2.5-flash"_s, u"llama\t3.2"_s,
    u"mistral-large"_s };
const QString kProviders[] = { u"openai"_s, u"anthropic"_s, u"google"_s, u"ollama"_s, u"mistral"_s };
const QString kMembers[] = { QString(), u"ana@example.com"_s, u"bo@example.com"_s, u"cé\\x@example.com"_s };

// Randomized, but the same every run: keys (0: none), members (none too), models with their providers, some
// retried, failed, unpriced or served from the cache, latencies over the histograms' range.
std::vector<RequestRecord> randomRecords()
{
    QRandomGenerator random(20261206);
    std::vector<RequestRecord> records;
    for (int i = 0; i < kRecords; ++i) {
        RequestRecord r;
        r.requestId = "s" + QByteArray::number(i);
        r.createdAt = kStart.addSecs(random.bounded(kHours * 3600));
        r.apiKeyId = random.bounded(5);
        r.member = kMembers[random.bounded(4)];
        const int model = random.bounded(5);
        r.usedModel = kModels[model];
        r.usedProvider = kProviders[model];
        r.retried = random.bounded(9) == 0;
        r.status = r.retried || random.bounded(6) == 0 ? 500 : 200;
        r.usage.promptTokens = random.bounded(5000);
        r.usage.completionTokens = random.bounded(800);
        r.usage.cachedTokens = random.bounded(100);
        if (random.bounded(10) != 0)
            r.cost = Cost { random.bounded(1.0), 0.0, 0.0, random.bounded(0.5) };
        r.durationMs = random.bounded(60'000);
        if (random.bounded(2))
            r.ttftMs = random.bounded(3000);
        r.cacheHit = random.bounded(15) == 0;
        records.push_back(r);
    }
    return records;
}

struct Case
{
    QString name;
    UsageBucket bucket;
    RecordFilter filter;
    UsageDimension dimension;
};

// Every bucket (minutes over ten hours, hours, days with ragged hours at both ends, weeks) × every group ×
// no filter, a filter on each dimension, and one on two.
std::vector<Case> everyCase()
{
    const RecordFilter ranges[] = {
        { kStart.addSecs(20 * 3600), kStart.addSecs(20 * 3600 + 590 * 60), {}, {}, {}, {} },
        { kStart.addSecs(-3600), kStart.addSecs((kHours + 1) * 3600), {}, {}, {}, {} },
        { kStart.addSecs(5 * 3600), kStart.addSecs((kHours - 7) * 3600), {}, {}, {}, {} },
        { kStart.addDays(-3), kStart.addDays(10), {}, {}, {}, {} },
    };
    const UsageBucket buckets[]
        = { UsageBucket::Minute, UsageBucket::Hour, UsageBucket::Day, UsageBucket::Week };
    std::vector<std::pair<QString, RecordFilter>> filters { { u"no filter"_s, {} } };
    filters.push_back({ u"model"_s, { {}, {}, kModels[3], {}, {}, {} } });
    filters.push_back({ u"provider"_s, { {}, {}, {}, kProviders[1], {}, {} } });
    filters.push_back({ u"key"_s, { {}, {}, {}, {}, qint64(2), {} } });
    filters.push_back({ u"no key"_s, { {}, {}, {}, {}, qint64(0), {} } });
    filters.push_back({ u"member"_s, { {}, {}, {}, {}, {}, kMembers[3] } });
    filters.push_back({ u"model and key"_s, { {}, {}, kModels[0], {}, qint64(3), {} } });
    const std::pair<QString, UsageDimension> dimensions[] = { { u"none"_s, UsageDimension::None },
        { u"model"_s, UsageDimension::Model }, { u"provider"_s, UsageDimension::Provider },
        { u"key"_s, UsageDimension::ApiKey }, { u"member"_s, UsageDimension::Member } };
    std::vector<Case> cases;
    for (size_t b = 0; b < std::size(buckets); ++b) {
        for (const auto &[filterName, filter] : filters) {
            for (const auto &[dimensionName, dimension] : dimensions) {
                RecordFilter f = filter;
                f.from = ranges[b].from;
                f.to = ranges[b].to;
                cases.push_back(
                    { UsageBuckets::name(buckets[b]) + u", "_s + filterName + u", by "_s + dimensionName,
                        buckets[b], f, dimension });
            }
        }
    }
    return cases;
}

// Empty when both reports hold the same totals, series and groups (in the same order); else the first
// difference.
QString compareReports(const UsageReport &a, const UsageReport &b)
{
    QString why;
    if (!sameTotals(a.totals, b.totals, &why))
        return u"totals: "_s + why;
    const auto sameSeries = [&](const std::vector<UsagePoint> &x, const std::vector<UsagePoint> &y) {
        if (x.size() != y.size()) {
            why = u"%1 points against %2"_s.arg(x.size()).arg(y.size());
            return false;
        }
        for (size_t p = 0; p < x.size(); ++p) {
            if (x[p].start != y[p].start || !sameTotals(x[p].totals, y[p].totals, &why)) {
                why = x[p].start.toString(Qt::ISODate) + u": "_s + why;
                return false;
            }
        }
        return true;
    };
    if (!sameSeries(a.series, b.series))
        return u"series: "_s + why;
    if (a.groups.size() != b.groups.size())
        return u"%1 groups against %2"_s.arg(a.groups.size()).arg(b.groups.size());
    for (size_t g = 0; g < a.groups.size(); ++g) {
        if (a.groups[g].key != b.groups[g].key)
            return u"group %1: %2 against %3"_s.arg(g).arg(a.groups[g].key, b.groups[g].key);
        if (!sameTotals(a.groups[g].totals, b.groups[g].totals, &why)
            || !sameSeries(a.groups[g].series, b.groups[g].series))
            return u"group "_s + a.groups[g].key + u": "_s + why;
    }
    return {};
}

QStringList sliceTables(UsageRollups::Table table)
{
    QStringList tables;
    for (UsageRollups::Slice slice : RollupSchema::kSlices)
        tables.append(UsageRollups::table(table, slice));
    return tables;
}

QStringList allSliceTables()
{
    return sliceTables(UsageRollups::Table::Minutely) + sliceTables(UsageRollups::Table::Hourly)
        + sliceTables(UsageRollups::Table::Daily);
}

} // namespace

class TestUsageSlices : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void slicesAnswerAsTheFullRows();
    void reportsReadTheSliceOfTheirDimension_data();
    void reportsReadTheSliceOfTheirDimension();
    void afterAMembersDataIsDeleted();
    void afterEverythingIsDeleted();
    void afterThePurgeOfOldMinutes();
    void migrationsFillTheSlicesAndPackAnExistingStore();

private:
    QSqlDatabase db();
    void writeAll();
    // Empty when every case's report from the slices equals the one from the full rows; else the first few
    // differences. *withData counts the cases whose full-row answer has requests.
    QString compareEveryCase(int *withData = nullptr);
    std::vector<UsageReport> everyReport();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TestDatabase> m_database;
    DatabaseLocation m_location;
    std::vector<RequestRecord> m_records = randomRecords();
};

void TestUsageSlices::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_database = std::make_unique<TestDatabase>();
    QString error;
    QVERIFY2(m_database->create(&error), qPrintable(error));
    m_location = m_database->location(m_dir->path());
}

void TestUsageSlices::cleanup()
{
    if (QSqlDatabase::contains(u"reader"_s)) {
        QSqlDatabase::database(u"reader"_s, false).close();
        QSqlDatabase::removeDatabase(u"reader"_s);
    }
    m_database.reset();
}

QSqlDatabase TestUsageSlices::db()
{
    if (QSqlDatabase::contains(u"reader"_s))
        return QSqlDatabase::database(u"reader"_s);
    QString error;
    QSqlDatabase db = Database::open(m_location, u"reader"_s, &error);
    if (!error.isEmpty())
        qWarning() << error;
    return db;
}

void TestUsageSlices::writeAll()
{
    LogWriter writer(m_location);
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    for (const RequestRecord &r : m_records)
        writer.enqueue(r);
    writer.stop();
    QCOMPARE(writer.writtenCount(), qint64(m_records.size()));
    QCOMPARE(writer.failedCount(), 0);
}

QString TestUsageSlices::compareEveryCase(int *withData)
{
    QSqlDatabase database = db();
    QStringList differences;
    int cases = 0;
    for (const Case &c : everyCase()) {
        QString error;
        const auto sliced = UsageReport::query(database, c.filter, c.bucket, c.dimension, &error);
        const auto full
            = UsageReport::query(database, c.filter, c.bucket, c.dimension, &error, UsageReport::Rows::Full);
        if (!sliced || !full)
            return c.name + u": "_s + error;
        if (full->totals.requests > 0)
            ++cases;
        if (const QString difference = compareReports(*sliced, *full); !difference.isEmpty())
            differences.append(c.name + u": "_s + difference);
    }
    if (withData)
        *withData = cases;
    return differences.mid(0, 5).join(u"; "_s);
}

std::vector<UsageReport> TestUsageSlices::everyReport()
{
    QSqlDatabase database = db();
    std::vector<UsageReport> reports;
    for (const Case &c : everyCase()) {
        QString error;
        const auto report = UsageReport::query(database, c.filter, c.bucket, c.dimension, &error);
        if (!report) {
            qWarning() << c.name << error;
            return {};
        }
        reports.push_back(*report);
    }
    return reports;
}

void TestUsageSlices::slicesAnswerAsTheFullRows()
{
    writeAll();
    int withData = 0;
    const QString differences = compareEveryCase(&withData);
    QVERIFY2(differences.isEmpty(), qPrintable(differences));
    // The comparison means something only where there is data: all but the minute buckets' "no key" filter
    // with some groups have records.
    QVERIFY2(withData > int(everyCase().size()) * 9 / 10, qPrintable(QString::number(withData)));
    // And the full rows themselves hold what the records say.
    QSqlDatabase database = db();
    const QString rollups = compareRollups(database, m_records);
    QVERIFY2(rollups.isEmpty(), qPrintable(rollups));
}

// Which table a report reads, seen by emptying it: the report loses its figures when, and only when, it read
// that slice.
void TestUsageSlices::reportsReadTheSliceOfTheirDimension_data()
{
    QTest::addColumn<int>("dimension");
    QTest::addColumn<QString>("filterOn");
    QTest::addColumn<int>("slice"); // -1: the full rows
    using S = UsageRollups::Slice;
    QTest::newRow("no filter, no group: the total")
        << int(UsageDimension::None) << QString() << int(S::Total);
    QTest::newRow("by model") << int(UsageDimension::Model) << QString() << int(S::Model);
    QTest::newRow("by provider") << int(UsageDimension::Provider) << QString() << int(S::Provider);
    QTest::newRow("by key") << int(UsageDimension::ApiKey) << QString() << int(S::ApiKey);
    QTest::newRow("by member") << int(UsageDimension::Member) << QString() << int(S::Member);
    QTest::newRow("one member, no group") << int(UsageDimension::None) << u"member"_s << int(S::Member);
    QTest::newRow("one member, by member") << int(UsageDimension::Member) << u"member"_s << int(S::Member);
    QTest::newRow("one key, no group") << int(UsageDimension::None) << u"key"_s << int(S::ApiKey);
    QTest::newRow("one model, by model") << int(UsageDimension::Model) << u"model"_s << int(S::Model);
    QTest::newRow("one key, by model: full rows") << int(UsageDimension::Model) << u"key"_s << -1;
    QTest::newRow("one member, by provider: full rows") << int(UsageDimension::Provider) << u"member"_s << -1;
}

void TestUsageSlices::reportsReadTheSliceOfTheirDimension()
{
    QFETCH(int, dimension);
    QFETCH(QString, filterOn);
    QFETCH(int, slice);
    writeAll();
    RecordFilter filter { kStart, kStart.addSecs(kHours * 3600), {}, {}, {}, {} };
    if (filterOn == "member"_L1)
        filter.member = kMembers[1];
    else if (filterOn == "key"_L1)
        filter.apiKeyId = 1;
    else if (filterOn == "model"_L1)
        filter.model = kModels[0];
    QSqlDatabase database = db();
    QString error;
    const auto before
        = UsageReport::query(database, filter, UsageBucket::Day, UsageDimension(dimension), &error);
    QVERIFY2(before, qPrintable(error));
    QVERIFY(before->totals.requests > 0);
    const QStringList emptied = slice < 0
        ? allSliceTables()
        : QStringList { UsageRollups::table(UsageRollups::Table::Hourly, UsageRollups::Slice(slice)),
              UsageRollups::table(UsageRollups::Table::Daily, UsageRollups::Slice(slice)) };
    QSqlQuery query(database);
    for (const QString &table : emptied)
        QVERIFY2(query.exec(u"DELETE FROM "_s + table), qPrintable(query.lastError().text()));
    const auto after
        = UsageReport::query(database, filter, UsageBucket::Day, UsageDimension(dimension), &error);
    QVERIFY2(after, qPrintable(error));
    QCOMPARE(after->totals.requests, slice < 0 ? before->totals.requests : 0);
}

void TestUsageSlices::afterAMembersDataIsDeleted()
{
    writeAll();
    RecordStore store(m_location);
    StoreError storeError;
    const auto removed = store.deleteRecords(kMembers[2], Actor { 0, u"test"_s }, kStart, &storeError);
    QVERIFY2(removed, qPrintable(storeError.message));
    QString error;
    QVERIFY(removed->records > 100);
    const QString differences = compareEveryCase();
    QVERIFY2(differences.isEmpty(), qPrintable(differences));
    // The member is gone from the slices too, and the spend stays: the team's cost is what it was.
    QSqlDatabase database = db();
    const RecordFilter all { kStart.addDays(-1), kStart.addDays(6), {}, {}, {}, {} };
    const auto byMember = UsageReport::query(database, all, UsageBucket::Day, UsageDimension::Member, &error);
    QVERIFY2(byMember, qPrintable(error));
    double cost = 0;
    for (const UsageGroup &group : byMember->groups)
        QVERIFY2(group.key != kMembers[2], qPrintable(group.key));
    for (const RequestRecord &r : m_records)
        cost += r.cost ? r.cost->total() : 0.0;
    QVERIFY(std::abs(byMember->totals.cost - cost) < 1e-6 * cost);
    // A member without data changes nothing.
    QVERIFY(store.deleteRecords(u"nobody@example.com"_s, Actor { 0, u"test"_s }, kStart, &storeError));
    const QString still = compareEveryCase();
    QVERIFY2(still.isEmpty(), qPrintable(still));
}

void TestUsageSlices::afterEverythingIsDeleted()
{
    writeAll();
    RecordStore store(m_location);
    StoreError error;
    QVERIFY2(
        store.deleteRecords(QString(), Actor { 0, u"test"_s }, kStart, &error), qPrintable(error.message));
    QSqlDatabase database = db();
    for (const QString &table : allSliceTables())
        QCOMPARE(countRows(database, table), 0);
    const QString differences = compareEveryCase();
    QVERIFY2(differences.isEmpty(), qPrintable(differences));
    // New records after it are counted from zero, in the slices as in the full rows.
    m_records.resize(300);
    writeAll();
    const QString again = compareEveryCase();
    QVERIFY2(again.isEmpty(), qPrintable(again));
}

void TestUsageSlices::afterThePurgeOfOldMinutes()
{
    writeAll();
    // The minute window starts 40 hours after the first records: the minute rows before go, sliced or not.
    const QDateTime at = kStart.addSecs((40 + UsageRollups::kMinuteHours) * 3600);
    const QString cutoff = UsageRollups::minuteOf(kStart.addSecs(40 * 3600));
    RecordStore store(m_location);
    StoreError error;
    QVERIFY2(
        store.purge(QDateTime(), QDateTime(), Actor { 0, u"test"_s }, at, &error), qPrintable(error.message));
    QSqlDatabase database = db();
    QSqlQuery query(database);
    for (const QString &table :
        sliceTables(UsageRollups::Table::Minutely) + QStringList { u"usage_rollups_minute"_s }) {
        QVERIFY(query.exec(u"SELECT COUNT(*), MIN(bucket) FROM "_s + table));
        QVERIFY(query.next());
        QVERIFY2(query.value(0).toLongLong() > 0, qPrintable(table));
        QVERIFY2(query.value(1).toString() >= cutoff, qPrintable(table + u' ' + query.value(1).toString()));
    }
    const QString differences = compareEveryCase();
    QVERIFY2(differences.isEmpty(), qPrintable(differences));
}

// A store as the builds before the slices left it, full rows only with their histograms in 64 columns each,
// gets the slices from their migration and its histograms packed by the next, and answers every report as
// before.
void TestUsageSlices::migrationsFillTheSlicesAndPackAnExistingStore()
{
    writeAll();
    const std::vector<UsageReport> before = everyReport();
    QVERIFY(!before.empty());
    const auto kind
        = TestDatabase::onPostgres() ? DatabaseLocation::Kind::Postgres : DatabaseLocation::Kind::Sqlite;
    const std::vector<Migrations::Migration> migrations = Migrations::all(kind);
    const auto named = [&](QLatin1StringView description) {
        return std::find_if(migrations.begin(), migrations.end(),
            [&](const Migrations::Migration &m) { return m.description == description; });
    };
    const auto slices = named("usage rollup slices"_L1);
    const auto packing = named("packed latency histograms"_L1);
    QVERIFY(slices != migrations.end() && packing == slices + 2);

    // Back to the store as those migrations find it: full rows of the old layout, summed from the records
    // (as the migration that made them did), and no slices.
    QSqlDatabase database = db();
    QSqlQuery query(database);
    using UsageRollups::Layout;
    using UsageRollups::Slice;
    for (const auto table : RollupSchema::kTables) {
        const QStringList downgrade {
            u"DROP TABLE "_s + UsageRollups::table(table),
            RollupSchema::createTable(table, Slice::Full, Layout::BinColumns),
            RollupSchema::fillFromRecords(table, {}, Layout::BinColumns),
        };
        for (const QString &statement : downgrade)
            QVERIFY2(query.exec(statement), qPrintable(query.lastError().text()));
    }
    for (const QString &table : allSliceTables())
        QVERIFY2(query.exec(u"DROP TABLE "_s + table), qPrintable(query.lastError().text()));
    QVERIFY2(
        !query.exec(u"SELECT duration_bins FROM usage_rollups"_s), "the old layout has no packed column");

    for (const auto migration : { slices, packing }) {
        QVERIFY(database.transaction());
        for (const QString &statement : migration->statements)
            QVERIFY2(query.exec(statement),
                qPrintable(migration->description + u": "_s + query.lastError().text()));
        QVERIFY(database.commit());
    }

    const std::vector<UsageReport> after = everyReport();
    QCOMPARE(after.size(), before.size());
    const std::vector<Case> cases = everyCase();
    for (size_t i = 0; i < after.size(); ++i) {
        const QString difference = compareReports(after[i], before[i]);
        QVERIFY2(difference.isEmpty(), qPrintable(cases[i].name + u": "_s + difference));
    }
    const QString differences = compareEveryCase();
    QVERIFY2(differences.isEmpty(), qPrintable(differences));
    // The writer adds to the packed rows as before: the full rows hold every record twice, the slices their
    // sums.
    writeAll();
    std::vector<RequestRecord> twice = m_records;
    twice.insert(twice.end(), m_records.begin(), m_records.end());
    const QString rows = compareRollups(database, twice);
    QVERIFY2(rows.isEmpty(), qPrintable(rows));
    const QString afterWriting = compareEveryCase();
    QVERIFY2(afterWriting.isEmpty(), qPrintable(afterWriting));
}

QTEST_GUILESS_MAIN(TestUsageSlices)
#include "tst_usageslices.moc"
