// The resources over the request records (usage, logs, data deletion, purge, status) when the database fails
// under them: a table that cannot be read answers 500 in the store's words with none of the driver's, a
// table locked by another writer answers 503 busy; nothing is lost, and the same call works once the table is
// back. On both engines, through HTTP.

#include "apiteam.h"
#include "usagerollups.h"

#include <QJsonArray>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;

class TestApiRecordFailures final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup() { m_team.reset(); }

    void anUnreadableTableAnswersInTheStoresWords_data();
    void anUnreadableTableAnswersInTheStoresWords();
    void statusSaysTheDatabaseDoesNotAnswer();
    void aLockedRecordTableAnswersBusy_data();
    void aLockedRecordTableAnswersBusy();

private:
    // Renames `table` away (`away`) or back; false and *error when the database refused.
    bool moveTable(const QString &table, bool away, QString *error);
    std::unique_ptr<ApiTeam> m_team;
};

namespace {

constexpr auto kAway = "_unreadable";

// What the drivers say of a missing table, and their names: none of it may reach an answer.
const QByteArray kDriverWords[] = { "no such table", "does not exist", "relation", "Unable to", "_unreadable",
    "QSQLITE", "QPSQL", "42P01", "SQLite", "SQLITE" };

void verifyNoDriverWords(const QByteArray &body)
{
    for (const QByteArray &words : kDriverWords)
        QVERIFY2(!body.contains(words), body.constData());
}

} // namespace

void TestApiRecordFailures::init()
{
    m_team = std::make_unique<ApiTeam>();
    QString error;
    QVERIFY2(m_team->start(&error), qPrintable(error));
    // One record (and its rollups) to read, delete and purge.
    QCOMPARE(m_team->chat(m_team->harness().apiKey(), u"openai/gpt-4o-mini"_s).status, 200);
    QCOMPARE(m_team->harness().waitForRecords(1).size(), 1);
}

bool TestApiRecordFailures::moveTable(const QString &table, bool away, QString *error)
{
    QSqlDatabase db = m_team->harness().database(error);
    if (!db.isValid())
        return false;
    const QString moved = table + QLatin1String(kAway);
    QSqlQuery query(db);
    if (query.exec(u"ALTER TABLE %1 RENAME TO %2"_s.arg(away ? table : moved, away ? moved : table)))
        return true;
    *error = query.lastError().text();
    return false;
}

void TestApiRecordFailures::anUnreadableTableAnswersInTheStoresWords_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("table");
    QTest::addColumn<QString>("failure");
    const QString requests = u"requests"_s;
    // A report without a dimension or filter reads the hourly total slice.
    const QString hourlyTotals = UsageRollups::table(UsageRollups::Table::Hourly, UsageRollups::Slice::Total);
    QTest::newRow("usage") << QByteArray("GET") << u"/api/v1/usage?bucket=hour"_s << QJsonObject()
                           << hourlyTotals << u"cannot read the usage"_s;
    QTest::newRow("logs") << QByteArray("GET") << u"/api/v1/logs"_s << QJsonObject() << requests
                          << u"cannot read the request records"_s;
    QTest::newRow("a record") << QByteArray("GET") << u"/api/v1/logs/{id}"_s << QJsonObject() << requests
                              << u"cannot read the request records"_s;
    QTest::newRow("delete all data") << QByteArray("DELETE") << u"/api/v1/data"_s
                                     << QJsonObject { { u"confirm"_s, u"delete all data"_s } } << requests
                                     << u"cannot delete the records"_s;
    QTest::newRow("delete a member's data")
        << QByteArray("DELETE") << u"/api/v1/data/members/me"_s << QJsonObject() << requests
        << u"cannot delete the records of "_s;
    QTest::newRow("purge") << QByteArray("POST") << u"/api/v1/policies/purge"_s << QJsonObject() << requests
                           << u"cannot purge the records"_s;
}

// The store's failure phrase, where the details are, no driver text; and the records are all still there.
void TestApiRecordFailures::anUnreadableTableAnswersInTheStoresWords()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QJsonObject, body);
    QFETCH(QString, table);
    QFETCH(QString, failure);
    const QByteArray &token = m_team->owner.token;
    const QJsonArray logs
        = m_team->call(token, "GET", u"/api/v1/logs"_s).json().value(u"records"_s).toArray();
    QCOMPARE(logs.size(), 1);
    path.replace(u"{id}"_s, QString::number(logs.first()[u"id"_s].toInteger()));
    QString error;
    QVERIFY2(moveTable(table, true, &error), qPrintable(error));
    const TestHttpResult failed = m_team->call(token, method, path, body);
    QVERIFY2(moveTable(table, false, &error), qPrintable(error));

    QCOMPARE(failed.status, 500);
    QCOMPARE(failed.json().value(u"error"_s).toObject().value(u"code"_s).toString(), u"internal"_s);
    const QString message = errorMessage(failed);
    QVERIFY2(message.startsWith(failure), qPrintable(message));
    QVERIFY2(message.contains(u"the gateway's log"_s), qPrintable(message));
    verifyNoDriverWords(failed.body);

    // Nothing went: the record and its usage are there, and the same call works with the table back.
    QCOMPARE(m_team->harness().records().size(), 1);
    const QJsonObject usage = m_team->call(token, "GET", u"/api/v1/usage?bucket=hour"_s).json();
    QCOMPARE(usage.value(u"totals"_s).toObject().value(u"requests"_s).toInt(), 1);
    QCOMPARE(m_team->call(token, method, path, body).status, 200);
}

// The status page reports the database unhealthy in the store's words; the page itself still answers.
void TestApiRecordFailures::statusSaysTheDatabaseDoesNotAnswer()
{
    QString error;
    QVERIFY2(moveTable(u"requests"_s, true, &error), qPrintable(error));
    const TestHttpResult status = m_team->call(m_team->developer.token, "GET", u"/api/v1/status"_s);
    QVERIFY2(moveTable(u"requests"_s, false, &error), qPrintable(error));
    QCOMPARE(status.status, 200);
    const QJsonObject database = status.json().value(u"database"_s).toObject();
    QCOMPARE(database.value(u"healthy"_s), QJsonValue(false));
    const QString message = database.value(u"message"_s).toString();
    QVERIFY2(message.contains(u"does not answer: cannot read the newest record"_s), qPrintable(message));
    verifyNoDriverWords(status.body);
    const TestHttpResult again = m_team->call(m_team->developer.token, "GET", u"/api/v1/status"_s);
    QCOMPARE(again.json().value(u"database"_s).toObject().value(u"healthy"_s), QJsonValue(true));
}

void TestApiRecordFailures::aLockedRecordTableAnswersBusy_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonObject>("body");
    QTest::newRow("delete all data") << QByteArray("DELETE") << u"/api/v1/data"_s
                                     << QJsonObject { { u"confirm"_s, u"delete all data"_s } };
    QTest::newRow("purge") << QByteArray("POST") << u"/api/v1/policies/purge"_s << QJsonObject();
}

// Another writer holds the records: on SQLite the whole database (BEGIN EXCLUSIVE), on PostgreSQL the
// requests table (LOCK TABLE, from a second connection). The store gives up after its lock wait, and the
// answer is 503 busy with Retry-After in the store's words (on PostgreSQL from the lock timeout's code,
// 55P03, which the driver's text alone did not show); nothing was deleted.
void TestApiRecordFailures::aLockedRecordTableAnswersBusy()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QJsonObject, body);
    const QByteArray &token = m_team->owner.token;
    QString error;
    QSqlDatabase db = m_team->harness().database(&error);
    QVERIFY2(db.isValid(), qPrintable(error));
    QSqlQuery lock(db);
    const bool postgres = db.driverName() == u"QPSQL"_s;
    if (postgres) {
        QVERIFY(db.transaction());
        QVERIFY2(lock.exec(u"LOCK TABLE requests IN EXCLUSIVE MODE"_s), qPrintable(lock.lastError().text()));
    } else {
        QVERIFY2(lock.exec(u"BEGIN EXCLUSIVE"_s), qPrintable(lock.lastError().text()));
    }
    const TestHttpResult busy = m_team->call(token, method, path, body);
    QVERIFY(postgres ? db.rollback() : lock.exec(u"ROLLBACK"_s));

    QCOMPARE(busy.status, 503);
    QCOMPARE(busy.json().value(u"error"_s).toObject().value(u"code"_s).toString(), u"busy"_s);
    QVERIFY2(errorMessage(busy).contains(u"try again"_s), qPrintable(errorMessage(busy)));
    QCOMPARE(busy.header("retry-after"), QByteArray("1"));
    for (const QByteArray driverWords : { "database is locked", "lock timeout", "55P03" })
        QVERIFY2(!busy.body.contains(driverWords), busy.body.constData());
    QCOMPARE(m_team->harness().records().size(), 1);
}

QTEST_GUILESS_MAIN(TestApiRecordFailures)
#include "tst_apirecordfailures.moc"
