// The store on PostgreSQL: migrations (also two at once), the log writer, API keys and export.
// Needs LLMGW_TEST_POSTGRES_URL (a role allowed to CREATE DATABASE); each test works in a database of its
// own, created here and dropped at the end. tests/support/with-postgres.sh provides a throwaway server.
#include "apikeystore.h"
#include "database.h"
#include "logwriter.h"
#include "recordexporter.h"
#include "recordstore.h"
#include "storetestutil.h"
#include "usagereport.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSemaphore>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>
#include <QThread>

using namespace Qt::StringLiterals;

namespace {
const Actor kTester { 0, u"test"_s }; // the key changes that set the scene, audited as the test's
} // namespace

class TestDatabasePostgres : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void migratesOnceToTheLatestVersion();
    void concurrentMigrationsAgree();
    void newerSchemaIsRefused();
    void logWriterRoundTripsEveryColumn();
    void apiKeysAcrossStores();
    void exportsJsonLines();
    void logWriterWaitsOutAServerRestart();
    void twoWritersKeepTheRollupsEqualToTheRecords();
    void aBadRollupRowDoesNotSinkItsBatch();

private:
    DatabaseLocation freshDatabase();
    static void closeConnection(const QString &name)
    {
        if (QSqlDatabase::contains(name)) {
            QSqlDatabase::database(name, false).close();
            QSqlDatabase::removeDatabase(name);
        }
    }

    DatabaseLocation m_server;
    QStringList m_created;
};

void TestDatabasePostgres::initTestCase()
{
    const QString url = qEnvironmentVariable("LLMGW_TEST_POSTGRES_URL");
    // Without a server this suite fails: a postgres run that quietly tested nothing must not look like a
    // pass.
    QVERIFY2(
        !url.isEmpty(), "LLMGW_TEST_POSTGRES_URL is not set (run through tests/support/with-postgres.sh)");
    QString error;
    const auto location = DatabaseLocation::fromUrl(url, &error);
    QVERIFY2(location, qPrintable(error));
    QCOMPARE(location->kind, DatabaseLocation::Kind::Postgres);
    m_server = *location;

    // The admin connection is a plain one: Database::open would migrate the server's own database.
    QSqlDatabase admin = QSqlDatabase::addDatabase(u"QPSQL"_s, u"pgadmin"_s);
    admin.setHostName(m_server.host);
    admin.setPort(m_server.port);
    admin.setUserName(m_server.user);
    admin.setPassword(m_server.password);
    admin.setDatabaseName(m_server.databaseName);
    QVERIFY2(admin.open(), qPrintable(admin.lastError().text()));
}

void TestDatabasePostgres::cleanupTestCase()
{
    if (!QSqlDatabase::contains(u"pgadmin"_s))
        return;
    {
        QSqlDatabase admin = QSqlDatabase::database(u"pgadmin"_s);
        QSqlQuery query(admin);
        for (const QString &name : std::as_const(m_created)) {
            if (!query.exec(u"DROP DATABASE IF EXISTS %1 WITH (FORCE)"_s.arg(name)))
                qWarning() << "could not drop" << name << query.lastError().text();
        }
    }
    closeConnection(u"pgadmin"_s);
}

DatabaseLocation TestDatabasePostgres::freshDatabase()
{
    const QString name = u"llmgw_test_%1_%2"_s.arg(QCoreApplication::applicationPid())
                             .arg(QRandomGenerator::global()->generate());
    QSqlDatabase admin = QSqlDatabase::database(u"pgadmin"_s);
    QSqlQuery query(admin);
    if (!query.exec(u"CREATE DATABASE "_s + name))
        qWarning() << "cannot create a test database:" << query.lastError().text();
    m_created.append(name);
    DatabaseLocation location = m_server;
    location.databaseName = name;
    return location;
}

void TestDatabasePostgres::migratesOnceToTheLatestVersion()
{
    const DatabaseLocation location = freshDatabase();
    QString error;
    {
        QSqlDatabase db = Database::open(location, u"pg1"_s, &error);
        QVERIFY2(db.isOpen(), qPrintable(error));
        QCOMPARE(Database::schemaVersion(db), Database::latestSchemaVersion());
        for (const QString &column : requestColumns())
            QVERIFY2(db.record(u"requests"_s).contains(column), qPrintable(column));
        QVERIFY(db.record(u"api_keys"_s).contains(u"secret_hash"_s));
        QVERIFY(db.record(u"settings"_s).contains(u"value"_s));
        QSqlQuery query(db);
        QVERIFY(query.exec(u"SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'requests' AND "
                           "indexname LIKE 'idx_requests_%' ORDER BY indexname"_s));
        QStringList indexes;
        while (query.next()) {
            indexes.append(query.value(0).toString());
            // The logs' filters read their records in id order (LogSelection); the others need no order.
            const bool idOrdered
                = !indexes.last().endsWith(u"created_at"_s) && !indexes.last().endsWith(u"used_provider"_s);
            QCOMPARE(query.value(1).toString().contains(u", id)"_s), idOrdered);
        }
        QCOMPARE(indexes,
            QStringList({ u"idx_requests_api_key_id_id"_s, u"idx_requests_created_at"_s,
                u"idx_requests_member_errors"_s, u"idx_requests_member_id"_s,
                u"idx_requests_requested_model_errors"_s, u"idx_requests_requested_model_id"_s,
                u"idx_requests_used_model_errors"_s, u"idx_requests_used_model_id"_s,
                u"idx_requests_used_provider"_s }));
        QVERIFY(query.exec(u"INSERT INTO settings (key, value) VALUES ('k', 'v')"_s));
    }
    closeConnection(u"pg1"_s);
    {
        QSqlDatabase db = Database::open(location, u"pg2"_s, &error);
        QVERIFY2(db.isOpen(), qPrintable(error));
        QCOMPARE(countRows(db, u"schema_migrations"_s), qint64(Database::latestSchemaVersion()));
        QCOMPARE(countRows(db, u"settings"_s), 1);
    }
    closeConnection(u"pg2"_s);
}

void TestDatabasePostgres::concurrentMigrationsAgree()
{
    for (int round = 0; round < 4; ++round) {
        const DatabaseLocation location = freshDatabase();
        QSemaphore ready;
        QSemaphore go;
        QString errors[2];
        int versions[2] = { -2, -2 };
        QThread *threads[2];
        for (int t = 0; t < 2; ++t) {
            threads[t] = QThread::create([&, t] {
                const QString name = u"pgrace-%1-%2"_s.arg(round).arg(t);
                ready.release();
                go.acquire();
                {
                    QSqlDatabase db = Database::open(location, name, &errors[t]);
                    if (db.isValid())
                        versions[t] = Database::schemaVersion(db);
                }
                closeConnection(name);
            });
            threads[t]->start();
        }
        ready.acquire(2);
        go.release(2);
        for (QThread *thread : threads) {
            QVERIFY(thread->wait(60000));
            delete thread;
        }
        for (int t = 0; t < 2; ++t) {
            QVERIFY2(errors[t].isEmpty(), qPrintable(errors[t]));
            QCOMPARE(versions[t], Database::latestSchemaVersion());
        }
    }
}

void TestDatabasePostgres::newerSchemaIsRefused()
{
    const DatabaseLocation location = freshDatabase();
    const int latest = Database::latestSchemaVersion();
    QString error;
    {
        QSqlDatabase db = Database::open(location, u"pgfuture"_s, &error);
        QVERIFY2(db.isOpen(), qPrintable(error));
        QSqlQuery query(db);
        QVERIFY(query.exec(
            u"INSERT INTO schema_migrations (version, applied_at) VALUES (%1, 'later')"_s.arg(latest + 1)));
    }
    closeConnection(u"pgfuture"_s);
    {
        QSqlDatabase db = Database::open(location, u"pgold"_s, &error);
        QVERIFY(!db.isValid());
    }
    QVERIFY2(error.contains(
                 u"database schema version %1 is newer than this build supports (%2); upgrade llm-gateway"_s
                     .arg(latest + 1)
                     .arg(latest)),
        qPrintable(error));
    QVERIFY2(
        !error.contains(m_server.password) || m_server.password.isEmpty(), "the password must not be shown");
}

void TestDatabasePostgres::logWriterRoundTripsEveryColumn()
{
    const DatabaseLocation location = freshDatabase();
    constexpr int kRecords = 1500;
    {
        LogWriter writer(location);
        QString error;
        QVERIFY2(writer.start(&error), qPrintable(error));
        QThread *other = QThread::create([&writer] {
            for (int i = 0; i < kRecords; i += 2)
                writer.enqueue(sampleRecord(i));
        });
        other->start();
        for (int i = 1; i < kRecords; i += 2)
            writer.enqueue(sampleRecord(i));
        QVERIFY(other->wait(60000));
        delete other;
        writer.flush();
        QCOMPARE(writer.writtenCount(), kRecords);
        QCOMPARE(writer.failedCount(), 0);
    }
    QString error;
    {
        QSqlDatabase db = Database::open(location, u"pgread"_s, &error);
        QVERIFY2(db.isOpen(), qPrintable(error));
        QSqlQuery query(db);
        query.setForwardOnly(true);
        QVERIFY(query.exec(u"SELECT * FROM requests"_s));
        QSet<QString> seen;
        while (query.next()) {
            const QString requestId = query.value(u"request_id"_s).toString();
            QVERIFY(requestId.startsWith(u"req-"_s));
            const int i = requestId.mid(4).toInt();
            const QString diff = compareRow(query.record(), sampleRecord(i));
            QVERIFY2(diff.isEmpty(), qPrintable(requestId + u": "_s + diff));
            seen.insert(requestId);
        }
        QCOMPARE(seen.size(), kRecords);

        // The rollups the writer kept in the same transactions (upserts from two threads' batches) add up
        // to the records, per group too.
        UsageTotals expected;
        for (int i = 0; i < kRecords; ++i)
            expected.add(sampleRecord(i));
        const RecordFilter all { sampleRecord(0).createdAt.addDays(-1), sampleRecord(0).createdAt.addDays(1),
            {}, {}, {}, {} };
        const auto report = UsageReport::query(db, all, UsageBucket::Hour, UsageDimension::ApiKey, &error);
        QVERIFY2(report, qPrintable(error));
        QCOMPARE(report->totals.requests, expected.requests);
        QCOMPARE(report->totals.errors, expected.errors);
        QCOMPARE(report->totals.totalTokens, expected.totalTokens);
        QVERIFY(std::abs(report->totals.cost - expected.cost) < 1e-6);
        QCOMPARE(report->totals.duration, expected.duration);
        QCOMPARE(report->groups.size(), size_t(8)); // keys 1..7 and none
        // Without a dimension (the statement then selects a quoted '' as the group), on PostgreSQL too.
        const auto whole = UsageReport::query(db, all, UsageBucket::Day, UsageDimension::None, &error);
        QVERIFY2(whole, qPrintable(error));
        QCOMPARE(whole->totals.requests, expected.requests);
        QVERIFY(whole->groups.empty());
        // Minute buckets read the minute rollups (upserted from two threads' batches too): the same figures,
        // per key.
        const RecordFilter hours { sampleRecord(0).createdAt.addSecs(-3600),
            sampleRecord(0).createdAt.addSecs(2 * 3600), {}, {}, {}, {} };
        const auto minutes
            = UsageReport::query(db, hours, UsageBucket::Minute, UsageDimension::ApiKey, &error);
        QVERIFY2(minutes, qPrintable(error));
        QCOMPARE(minutes->totals.requests, expected.requests);
        QCOMPARE(minutes->totals.errors, expected.errors);
        QCOMPARE(minutes->totals.totalTokens, expected.totalTokens);
        QCOMPARE(minutes->totals.unpriced, expected.unpriced);
        QVERIFY(std::abs(minutes->totals.cost - expected.cost) < 1e-6);
        QCOMPARE(minutes->totals.duration, expected.duration);
        QCOMPARE(minutes->totals.ttft, expected.ttft);
        QCOMPARE(minutes->series.size(), size_t(181)); // 02:04 to 05:05, whole minutes
        QCOMPARE(minutes->groups.size(), report->groups.size());
        qint64 inSeries = 0;
        for (const UsagePoint &point : minutes->series)
            inSeries += point.totals.requests;
        QCOMPARE(inSeries, expected.requests);
        {
            // Two days on, the purge takes the minute rows and leaves the hours.
            RecordStore store(location);
            StoreError storeError;
            QVERIFY2(store.purge(
                         QDateTime(), QDateTime(), Actor { 0, u"test"_s }, hours.to.addDays(2), &storeError),
                qPrintable(storeError.message));
            const auto pruned
                = UsageReport::query(db, hours, UsageBucket::Minute, UsageDimension::None, &error);
            QVERIFY2(pruned, qPrintable(error));
            QCOMPARE(pruned->totals.requests, 0);
            const auto kept = UsageReport::query(db, hours, UsageBucket::Hour, UsageDimension::None, &error);
            QVERIFY2(kept, qPrintable(error));
            QCOMPARE(kept->totals.requests, expected.requests);
        }

        // Deleting a member's data folds their cost into member-less rows (an upsert from a SELECT, which the
        // two dialects parse differently): the member's figures go, the keys' and the team's cost stays.
        const QString member = u"dev1@example.com"_s;
        RecordStore records(location);
        StoreError storeError;
        QVERIFY2(records.deleteRecords(
                     member, Actor { 0, u"test"_s }, QDateTime::currentDateTimeUtc(), &storeError),
            qPrintable(storeError.message));
        const auto after = UsageReport::query(db, all, UsageBucket::Day, UsageDimension::Member, &error);
        QVERIFY2(after, qPrintable(error));
        QVERIFY(std::abs(after->totals.cost - expected.cost) < 1e-6);
        QVERIFY(after->totals.requests < expected.requests);
        for (const UsageGroup &group : after->groups)
            QVERIFY(group.key != member);
        const auto byKey = UsageReport::query(db, all, UsageBucket::Day, UsageDimension::ApiKey, &error);
        QVERIFY2(byKey, qPrintable(error));
        QCOMPARE(byKey->groups.size(), report->groups.size());
        QHash<QString, double> costOfKey;
        for (const UsageGroup &group : report->groups)
            costOfKey.insert(group.key, group.totals.cost);
        for (const UsageGroup &group : byKey->groups)
            QVERIFY2(
                std::abs(group.totals.cost - costOfKey.value(group.key, -1)) < 1e-6, qPrintable(group.key));
    }
    closeConnection(u"pgread"_s);
}

void TestDatabasePostgres::apiKeysAcrossStores()
{
    const DatabaseLocation location = freshDatabase();
    TestClock clock;
    ApiKeyStore serve(location, clock);
    QString error;
    StoreError keyError;
    std::optional<ApiKeyStore::Created> created;
    {
        ApiKeyStore cli(location, clock);
        created = cli.create(kTester, u"team key"_s, u"lead@example.com"_s, {}, &keyError);
        QVERIFY2(created, qPrintable(keyError.message));
    }
    const auto key = serve.authenticate(created->plaintext);
    QVERIFY(key);
    QCOMPARE(key->member, u"lead@example.com"_s);
    QCOMPARE(key->createdAt, clock.now());
    QByteArray wrong = created->plaintext;
    wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
    QVERIFY(!serve.authenticate(wrong));
    QVERIFY2(serve.update(kTester, key->id, { {}, true, {} }, &keyError), qPrintable(keyError.message));
    QVERIFY(!serve.authenticate(created->plaintext));
}

void TestDatabasePostgres::exportsJsonLines()
{
    const DatabaseLocation location = freshDatabase();
    {
        LogWriter writer(location);
        QString error;
        QVERIFY2(writer.start(&error), qPrintable(error));
        for (int i = 0; i < 4; ++i)
            writer.enqueue(sampleRecord(i));
    }
    QString error;
    {
        QSqlDatabase db = Database::open(location, u"pgexport"_s, &error);
        QVERIFY2(db.isOpen(), qPrintable(error));
        QBuffer out;
        out.open(QIODevice::WriteOnly);
        QVERIFY2(
            RecordExporter::exportAll(db, RecordExporter::Format::JsonLines, out, &error), qPrintable(error));
        const QList<QByteArray> lines = out.data().trimmed().split('\n');
        QCOMPARE(lines.size(), 4);
        for (int i = 0; i < 4; ++i) {
            const QJsonObject o = QJsonDocument::fromJson(lines.at(i)).object();
            const RequestRecord r = sampleRecord(i);
            QCOMPARE(o.value("request_id"_L1).toString(), QString::fromUtf8(r.requestId));
            QCOMPARE(o.value("streamed"_L1).toBool(), r.streamed);
            QCOMPARE(o.value("cost"_L1).isNull(), !r.cost);
            QCOMPARE(o.contains("request_body"_L1), !r.requestBody.isEmpty());
            if (!r.requestBody.isEmpty())
                QVERIFY(o.value("request_body"_L1).isObject());
        }
    }
    closeConnection(u"pgexport"_s);
}

// PostgreSQL restarting under a running gateway (maintenance, a failover): the records made meanwhile wait in
// the writer and go in when the server is back; with little room to wait in, those beyond it are counted as
// failed and the rest still go in.
void TestDatabasePostgres::logWriterWaitsOutAServerRestart()
{
    const QString ctl = qEnvironmentVariable("LLMGW_TEST_POSTGRES_CTL");
    if (ctl.isEmpty())
        QSKIP("LLMGW_TEST_POSTGRES_CTL is not set (run through tests/support/with-postgres.sh)");
    const DatabaseLocation location = freshDatabase();
    LogWriter writer(location);
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    int next = 0;
    const auto enqueue = [&](int count) {
        for (int end = next + count; next < end; ++next)
            writer.enqueue(sampleRecord(next));
    };
    const auto restart = [&](int records) {
        QCOMPARE(QProcess::execute(ctl, { u"stop"_s }), 0);
        enqueue(records);
        QVERIFY2(!writer.flush(QDeadlineTimer(1500)), "records went in while the server was down");
        QCOMPARE(QProcess::execute(ctl, { u"start"_s }), 0);
        QVERIFY2(writer.flush(QDeadlineTimer(60'000)), "the records did not go in once the server was back");
    };
    enqueue(10);
    QVERIFY(writer.flush());

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"trying again until the database takes them"_s));
    restart(290);
    QCOMPARE(writer.writtenCount(), 300);
    QCOMPARE(writer.failedCount(), 0);

    writer.setQueueLimitBytes(64 * 1024); // about a hundred sample records
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"trying again until the database takes them"_s));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"new ones are not kept until it takes them"_s));
    restart(300);
    QVERIFY2(writer.failedCount() > 100 && writer.failedCount() < 250,
        qPrintable(QString::number(writer.failedCount())));
    QCOMPARE(writer.writtenCount() + writer.failedCount(), 600);

    {
        QSqlDatabase db = Database::open(location, u"pgoutage"_s, &error);
        QVERIFY2(db.isOpen(), qPrintable(error));
        QCOMPARE(countRows(db, u"requests"_s), writer.writtenCount());
        // The rollups of the batches that went in on a new connection (a new temporary table for their
        // deltas) are those of the records stored, no more, no less.
        std::vector<RequestRecord> stored;
        QSqlQuery query(db);
        QVERIFY(query.exec(u"SELECT request_id FROM requests"_s));
        while (query.next())
            stored.push_back(sampleRecord(query.value(0).toString().mid(4).toInt()));
        const QString diff = compareRollups(db, stored);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }
    closeConnection(u"pgoutage"_s);
    // The admin connection did not survive the restart.
    QSqlDatabase admin = QSqlDatabase::database(u"pgadmin"_s, false);
    admin.close();
    QVERIFY2(admin.open(), qPrintable(admin.lastError().text()));
}

void TestDatabasePostgres::twoWritersKeepTheRollupsEqualToTheRecords()
{
    // Two instances' writers on one database, their batches' rollup deltas applied to the same rows at once.
    const DatabaseLocation location = freshDatabase();
    const std::vector<RequestRecord> records = overlappingRecords(10000);
    const QString written = writeThroughTwoWriters(location, records);
    QVERIFY2(written.isEmpty(), qPrintable(written));
    QString error;
    {
        QSqlDatabase db = Database::open(location, u"pgtwo"_s, &error);
        QVERIFY2(db.isOpen(), qPrintable(error));
        QCOMPARE(countRows(db), qint64(records.size()));
        const QString diff = compareRollups(db, records);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }
    closeConnection(u"pgtwo"_s);
}

void TestDatabasePostgres::aBadRollupRowDoesNotSinkItsBatch()
{
    // The batch's rollup rows go in with one statement per table: when one row is refused, the batch is
    // written again record by record, and only the record whose row is refused is lost, with its rollups.
    const DatabaseLocation location = freshDatabase();
    QString error;
    {
        QSqlDatabase db = Database::open(location, u"pgpoison"_s, &error);
        QVERIFY2(db.isOpen(), qPrintable(error));
        QSqlQuery query(db);
        QVERIFY2(
            query.exec(u"CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN "
                       "IF NEW.member = 'poison@example.com' THEN RAISE EXCEPTION 'poisoned rollup'; END IF; "
                       "RETURN NEW; END$$"_s),
            qPrintable(query.lastError().text()));
        QVERIFY(query.exec(u"CREATE TRIGGER poison BEFORE INSERT ON usage_rollups_minute FOR EACH ROW "
                           "EXECUTE FUNCTION poison()"_s));
    }
    closeConnection(u"pgpoison"_s);
    std::vector<RequestRecord> records = overlappingRecords(40);
    records[7].member = u"poison@example.com"_s;
    LogWriter writer(location);
    for (const RequestRecord &record : records) // queued before start, so they form one batch
        writer.enqueue(record);
    QTest::ignoreMessage(
        QtWarningMsg, QRegularExpression(u"could not write 1 of 40 request records: .*poisoned rollup"_s));
    QVERIFY2(writer.start(&error), qPrintable(error));
    writer.flush();
    QCOMPARE(writer.writtenCount(), 39);
    QCOMPARE(writer.failedCount(), 1);
    records.erase(records.begin() + 7);
    {
        QSqlDatabase db = Database::open(location, u"pgpoison"_s, &error);
        QVERIFY2(db.isOpen(), qPrintable(error));
        QCOMPARE(countRows(db), qint64(records.size()));
        const QString diff = compareRollups(db, records);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }
    closeConnection(u"pgpoison"_s);
}

QTEST_GUILESS_MAIN(TestDatabasePostgres)
#include "tst_database_postgres.moc"
