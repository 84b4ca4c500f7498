// FastQuery, the store's statement for its hot loops, reads what each engine gives back: integers of every
// size and sign (PostgreSQL sends them as text, read by hand), the numeric a SUM of integers gives, NULL as
// 0, reals and text; on SQLite and, as tst_fastquery_postgres, on PostgreSQL.
#include "database.h"
#include "fastquery.h"
#include "testdatabase.h"

#include <QTemporaryDir>
#include <QTest>

#include <limits>

using namespace Qt::StringLiterals;

class TestFastQuery final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void readsIntegersOfEverySize();
    void readsSumsRealsAndText();

private:
    QTemporaryDir m_dir;
    TestDatabase m_database;
    QSqlDatabase m_db;
};

void TestFastQuery::init()
{
    QVERIFY(m_dir.isValid());
    QString error;
    QVERIFY2(m_database.create(&error), qPrintable(error));
    m_db = Database::open(m_database.location(m_dir.path()), u"fastquery"_s, &error);
    QVERIFY2(m_db.isValid(), qPrintable(error));
}

void TestFastQuery::cleanup()
{
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"fastquery"_s);
}

void TestFastQuery::readsIntegersOfEverySize()
{
    const qint64 values[] = { 0, 7, -7, 1'000'000'007, 999'999'999'999'999'999, -999'999'999'999'999'999,
        std::numeric_limits<qint64>::max(), std::numeric_limits<qint64>::min() };
    FastQuery query(m_db);
    QVERIFY2(query.prepare(u"SELECT CAST(? AS BIGINT), NULL"_s), qPrintable(query.lastError()));
    for (qint64 value : values) {
        query.bind(0, value);
        QVERIFY2(query.exec(), qPrintable(query.lastError()));
        QVERIFY(query.next());
        QCOMPARE(query.integer(0), value);
        QCOMPARE(query.integer(1), 0); // NULL
        QVERIFY(!query.next());
    }
}

void TestFastQuery::readsSumsRealsAndText()
{
    FastQuery query(m_db);
    // A SUM of BIGINTs is a numeric on PostgreSQL, and may grow past 18 digits.
    QVERIFY2(query.prepare(u"SELECT SUM(v), CAST(? AS DOUBLE PRECISION), CAST(? AS TEXT) FROM (SELECT CAST(? "
                           u"AS BIGINT) AS v UNION ALL SELECT CAST(? AS BIGINT)) AS t"_s),
        qPrintable(query.lastError()));
    query.bind(0, 0.125);
    query.bind(1, u"gpt-4o · ünïcode"_s);
    query.bind(2, qint64(4'000'000'000'000'000'000));
    query.bind(3, qint64(-1'000'000'000'000'000'001));
    QVERIFY2(query.exec(), qPrintable(query.lastError()));
    QVERIFY(query.next());
    QCOMPARE(query.integer(0), 2'999'999'999'999'999'999);
    QCOMPARE(query.real(1), 0.125);
    QCOMPARE(query.text(2), u"gpt-4o · ünïcode"_s);
}

QTEST_GUILESS_MAIN(TestFastQuery)
#include "tst_fastquery.moc"
