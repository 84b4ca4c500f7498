// An email is one person in any case: the migration that lower-cases what was stored as typed before (key
// owners, and so the member of their records and usage rollups), on SQLite and, as tst_emailcase_postgres,
// on PostgreSQL.
#include "database.h"
#include "logwriter.h"
#include "migrations.h"
#include "testdatabase.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestEmailCase final : public QObject
{
    Q_OBJECT

private slots:
    void storedEmailsAreLowerCased();
};

void TestEmailCase::storedEmailsAreLowerCased()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    TestDatabase database;
    QString error;
    QVERIFY2(database.create(&error), qPrintable(error));
    const DatabaseLocation location = database.location(dir.path());
    QSqlDatabase db = Database::open(location, u"emailcase"_s, &error);
    QVERIFY2(db.isValid(), qPrintable(error));

    // What an older build stored for `keys create --member Dev@Example.COM`, and a request of that key.
    QSqlQuery query(db);
    QVERIFY2(query.exec(u"INSERT INTO api_keys (name, member_email, secret_hash, created_at, disabled) "
                        "VALUES ('typed', 'Dev@Example.COM', 'ab', '2026-06-01T12:00:00.000Z', 0)"_s),
        qPrintable(query.lastError().text()));
    {
        LogWriter writer(location);
        QVERIFY2(writer.start(&error), qPrintable(error));
        RequestRecord record;
        record.requestId = "typed-1";
        record.createdAt = QDateTime::currentDateTimeUtc(); // minute rollups keep the last two days
        record.apiKeyId = 1;
        record.member = u"Dev@Example.COM"_s;
        record.status = 200;
        writer.enqueue(std::move(record));
        writer.flush();
    }
    const QStringList tables
        = { u"requests"_s, u"usage_rollups"_s, u"usage_rollups_daily"_s, u"usage_rollups_minute"_s };
    for (const QString &table : tables) {
        QVERIFY2(query.exec(u"SELECT COUNT(*) FROM %1 WHERE member = 'Dev@Example.COM'"_s.arg(table)),
            qPrintable(query.lastError().text()));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toInt(), 1);
    }

    const auto migrations = Migrations::all(location.kind);
    const auto lowerCase = std::find_if(migrations.cbegin(), migrations.cend(),
        [](const Migrations::Migration &m) { return m.description == "emails in lower case"_L1; });
    QVERIFY(lowerCase != migrations.cend());
    for (const QString &statement : lowerCase->statements)
        QVERIFY2(query.exec(statement), qPrintable(query.lastError().text()));

    QVERIFY(query.exec(u"SELECT member_email FROM api_keys"_s) && query.next());
    QCOMPARE(query.value(0).toString(), u"dev@example.com"_s);
    for (const QString &table : tables) {
        QVERIFY(query.exec(u"SELECT DISTINCT member FROM %1"_s.arg(table)));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toString(), u"dev@example.com"_s);
        QVERIFY2(!query.next(), qPrintable(table));
    }
}

QTEST_GUILESS_MAIN(TestEmailCase)
#include "tst_emailcase.moc"
