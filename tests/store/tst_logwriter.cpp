// The request log writer: every record lands as one row with every column intact, from any thread,
// with flush/stop semantics a shutdown can rely on.
#include "database.h"
#include "logwriter.h"
#include "storetestutil.h"

#include <QRegularExpression>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimeZone>

#include <memory>

using namespace Qt::StringLiterals;

class TestLogWriter : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void everyColumnRoundTrips();
    void concurrentEnqueueWritesEachRecordOnce();
    void flushCommitsEverythingEnqueuedBefore();
    void stopWritesEverythingPending();
    void destructorWritesEverythingPending();
    void recordsEnqueuedBeforeStartAreWritten();
    void enqueueAfterStopCountsFailed();
    void startFailureIsReported();
    void writeErrorsAreCountedAndSurvived();
    void oneBadRecordDoesNotSinkItsBatch();
    void twoWritersKeepTheRollupsEqualToTheRecords();

private:
    QSqlDatabase reader();
    // Row by request_id, as "SELECT *" records.
    QHash<QString, QSqlRecord> rows();

    std::unique_ptr<QTemporaryDir> m_dir;
    DatabaseLocation m_location;
};

void TestLogWriter::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_location = DatabaseLocation::inDataDir(m_dir->path());
}

void TestLogWriter::cleanup()
{
    if (QSqlDatabase::contains(u"reader"_s)) {
        QSqlDatabase::database(u"reader"_s, false).close();
        QSqlDatabase::removeDatabase(u"reader"_s);
    }
    m_dir.reset();
}

QSqlDatabase TestLogWriter::reader()
{
    QString error;
    QSqlDatabase db = Database::open(m_location, u"reader"_s, &error);
    if (!error.isEmpty())
        qWarning() << error;
    return db;
}

QHash<QString, QSqlRecord> TestLogWriter::rows()
{
    QHash<QString, QSqlRecord> result;
    QSqlDatabase db = reader();
    QSqlQuery query(db);
    if (!query.exec(u"SELECT * FROM requests ORDER BY id"_s))
        qWarning() << query.lastError().text();
    while (query.next())
        result.insert(query.value(u"request_id"_s).toString(), query.record());
    return result;
}

void TestLogWriter::everyColumnRoundTrips()
{
    LogWriter writer(m_location);
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    QList<RequestRecord> records;
    for (int i = 0; i < 6; ++i) // 0 and 3 are sparse: null key, cost, ttft and bodies
        records.append(sampleRecord(i));
    records[1].createdAt
        = QDateTime(QDate(2025, 6, 1), QTime(12, 0), QTimeZone(3600)); // not UTC: stored as UTC
    for (const RequestRecord &r : std::as_const(records))
        writer.enqueue(r);
    writer.flush();
    QCOMPARE(writer.writtenCount(), 6);
    QCOMPARE(writer.failedCount(), 0);

    const auto stored = rows();
    QCOMPARE(stored.size(), 6);
    for (const RequestRecord &r : std::as_const(records)) {
        const QString id = QString::fromUtf8(r.requestId);
        QVERIFY2(stored.contains(id), qPrintable(id));
        const QString diff = compareRow(stored.value(id), r);
        QVERIFY2(diff.isEmpty(), qPrintable(id + u": "_s + diff));
    }
    QCOMPARE(stored.value(u"req-1"_s).value(u"created_at"_s).toString(), u"2025-06-01T11:00:00.000Z"_s);
    QVERIFY(stored.value(u"req-0"_s).value(u"cost"_s).isNull());
    QVERIFY(stored.value(u"req-0"_s).value(u"ttft_ms"_s).isNull());
    QVERIFY(stored.value(u"req-0"_s).value(u"api_key_id"_s).isNull());
    QVERIFY(stored.value(u"req-0"_s).value(u"request_body"_s).isNull());
    QVERIFY(!stored.value(u"req-1"_s).value(u"cost"_s).isNull());
}

void TestLogWriter::concurrentEnqueueWritesEachRecordOnce()
{
    constexpr int kThreads = 4;
    constexpr int kPerThread = 2500;
    LogWriter writer(m_location);
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    qint64 signalled = 0;
    QObject context;
    connect(&writer, &LogWriter::recordsWritten, &context, [&signalled](int count) { signalled += count; });

    std::vector<QThread *> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.push_back(QThread::create([&writer, t] {
            for (int n = 0; n < kPerThread; ++n)
                writer.enqueue(sampleRecord(t * kPerThread + n));
        }));
        threads.back()->start();
    }
    for (QThread *thread : threads) {
        QVERIFY(thread->wait(60000));
        delete thread;
    }
    writer.flush();
    QCOMPARE(writer.writtenCount(), kThreads * kPerThread);
    QCOMPARE(writer.failedCount(), 0);

    const auto stored = rows();
    QCOMPARE(stored.size(), kThreads * kPerThread); // keyed by request_id: no duplicates, none missing
    for (int i = 0; i < kThreads * kPerThread; ++i) {
        const RequestRecord expected = sampleRecord(i);
        const QString diff = compareRow(stored.value(QString::fromUtf8(expected.requestId)), expected);
        QVERIFY2(diff.isEmpty(), qPrintable(QString::number(i) + u": "_s + diff));
    }
    QSqlDatabase db = reader();
    QCOMPARE(countRows(db), qint64(kThreads * kPerThread));
    QTRY_COMPARE(signalled, qint64(kThreads * kPerThread)); // queued to this thread
}

void TestLogWriter::flushCommitsEverythingEnqueuedBefore()
{
    LogWriter writer(m_location);
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    QSqlDatabase db = reader();
    writer.flush(); // nothing queued: returns
    QCOMPARE(countRows(db), 0);
    for (int round = 1; round <= 5; ++round) {
        writer.enqueue(sampleRecord(round));
        // The writer would otherwise wait up to kGatherMs for more; flush must not.
        writer.flush();
        QCOMPARE(countRows(db), qint64(round));
    }
    for (int i = 100; i < 1800; ++i)
        writer.enqueue(sampleRecord(i)); // more than three batches
    writer.flush();
    QCOMPARE(countRows(db), qint64(5 + 1700));
    QCOMPARE(writer.writtenCount(), 5 + 1700);
}

void TestLogWriter::stopWritesEverythingPending()
{
    LogWriter writer(m_location);
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    for (int i = 0; i < 1234; ++i)
        writer.enqueue(sampleRecord(i));
    writer.stop();
    QCOMPARE(writer.writtenCount(), 1234);
    QSqlDatabase db = reader();
    QCOMPARE(countRows(db), qint64(1234));
    writer.stop(); // twice is harmless
    writer.flush(); // and so is a flush after stop
}

void TestLogWriter::destructorWritesEverythingPending()
{
    {
        LogWriter writer(m_location);
        QString error;
        QVERIFY2(writer.start(&error), qPrintable(error));
        for (int i = 0; i < 777; ++i)
            writer.enqueue(sampleRecord(i));
    }
    QSqlDatabase db = reader();
    QCOMPARE(countRows(db), qint64(777));
}

void TestLogWriter::recordsEnqueuedBeforeStartAreWritten()
{
    LogWriter writer(m_location);
    for (int i = 0; i < 5; ++i)
        writer.enqueue(sampleRecord(i));
    writer.flush(); // not running yet: must return, not hang
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    writer.flush();
    QCOMPARE(writer.writtenCount(), 5);
    QSqlDatabase db = reader();
    QCOMPARE(countRows(db), qint64(5));
}

void TestLogWriter::enqueueAfterStopCountsFailed()
{
    LogWriter writer(m_location);
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    writer.enqueue(sampleRecord(1));
    writer.stop();
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"req-2.*after the log writer stopped"_s));
    writer.enqueue(sampleRecord(2));
    QCOMPARE(writer.writtenCount(), 1);
    QCOMPARE(writer.failedCount(), 1);
    QSqlDatabase db = reader();
    QCOMPARE(countRows(db), qint64(1));

    // Started again, it writes again.
    QVERIFY2(writer.start(&error), qPrintable(error));
    writer.enqueue(sampleRecord(3));
    writer.flush();
    QCOMPARE(countRows(db), qint64(2));
}

void TestLogWriter::startFailureIsReported()
{
    QFile blocker(m_dir->filePath(u"file"_s));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    LogWriter writer(DatabaseLocation::inDataDir(m_dir->filePath(u"file/data"_s)));
    writer.enqueue(sampleRecord(1));
    QString error;
    QVERIFY(!writer.start(&error));
    QVERIFY2(error.contains(u"cannot create the folder"_s), qPrintable(error));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"1 request records were not written"_s));
    writer.stop();
    QCOMPARE(writer.failedCount(), 1);
    QCOMPARE(writer.writtenCount(), 0);
}

void TestLogWriter::writeErrorsAreCountedAndSurvived()
{
    LogWriter writer(m_location);
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    writer.enqueue(sampleRecord(1));
    writer.flush();

    QSqlDatabase db = reader();
    QSqlQuery query(db);
    QVERIFY(query.exec(u"ALTER TABLE requests RENAME TO requests_away"_s));
    QTest::ignoreMessage(
        QtWarningMsg, QRegularExpression(u"could not write \\d+ request records.*no such table"_s));
    for (int i = 2; i < 5; ++i)
        writer.enqueue(sampleRecord(i));
    writer.flush();
    QCOMPARE(writer.failedCount(), 3);
    QCOMPARE(writer.writtenCount(), 1);

    QVERIFY(query.exec(u"ALTER TABLE requests_away RENAME TO requests"_s));
    writer.enqueue(sampleRecord(5));
    writer.flush();
    QCOMPARE(writer.writtenCount(), 2);
    const auto stored = rows();
    QCOMPARE(stored.size(), 2);
    QVERIFY(stored.contains(u"req-5"_s));
}

void TestLogWriter::oneBadRecordDoesNotSinkItsBatch()
{
    {
        QSqlDatabase db = reader();
        QSqlQuery query(db);
        QVERIFY(query.exec(u"CREATE TRIGGER poison BEFORE INSERT ON requests WHEN NEW.request_id = 'req-4' "
                           "BEGIN SELECT RAISE(ABORT, 'poisoned record'); END"_s));
    }
    LogWriter writer(m_location);
    for (int i = 0; i < 10; ++i) // queued before start, so they form one batch
        writer.enqueue(sampleRecord(i));
    QTest::ignoreMessage(
        QtWarningMsg, QRegularExpression(u"could not write 1 of 10 request records: poisoned record"_s));
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    writer.flush();
    QCOMPARE(writer.writtenCount(), 9);
    QCOMPARE(writer.failedCount(), 1);
    const auto stored = rows();
    QCOMPARE(stored.size(), 9);
    QVERIFY(!stored.contains(u"req-4"_s));
}

void TestLogWriter::twoWritersKeepTheRollupsEqualToTheRecords()
{
    // Two instances' writers on one file: each batch's rollup rows, added up per batch, land on rows the
    // other writer adds to as well.
    const std::vector<RequestRecord> records = overlappingRecords(10000);
    const QString written = writeThroughTwoWriters(m_location, records);
    QVERIFY2(written.isEmpty(), qPrintable(written));
    QSqlDatabase db = reader();
    QCOMPARE(countRows(db), qint64(records.size()));
    const QString diff = compareRollups(db, records);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

QTEST_GUILESS_MAIN(TestLogWriter)
#include "tst_logwriter.moc"
