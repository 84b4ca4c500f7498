// StoreError::database: real driver errors sorted into Busy (try again) and Failed, with messages that say
// what failed and what to do, never the driver's words.
#include "storeerror.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestStoreError final : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        for (const QString &name : { u"holder"_s, u"waiter"_s }) {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
            db.setDatabaseName(m_dir.filePath(u"test.db"_s));
            db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=0"_s); // the lock is refused at once
            QVERIFY(db.open());
        }
        QSqlQuery create(QSqlDatabase::database(u"holder"_s));
        QVERIFY(create.exec(u"CREATE TABLE IF NOT EXISTS t (x INTEGER)"_s));
    }
    void cleanup()
    {
        for (const QString &name : { u"holder"_s, u"waiter"_s })
            QSqlDatabase::removeDatabase(name);
    }

    void aLockedDatabaseIsBusy()
    {
        QSqlQuery hold(QSqlDatabase::database(u"holder"_s));
        QVERIFY(hold.exec(u"BEGIN EXCLUSIVE"_s));
        QSqlQuery write(QSqlDatabase::database(u"waiter"_s));
        QVERIFY(!write.exec(u"INSERT INTO t VALUES (1)"_s));
        QVERIFY(write.lastError().text().contains(u"locked"_s)); // the driver's words, for the log

        const StoreError error = StoreError::database(u"cannot change API key 3"_s, write.lastError());
        QCOMPARE(error.kind, StoreError::Kind::Busy);
        QVERIFY2(error.message.startsWith(u"cannot change API key 3: "_s), qPrintable(error.message));
        QVERIFY2(error.message.contains(u"try again"_s), qPrintable(error.message));
        QVERIFY2(!error.message.contains(u"locked"_s), qPrintable(error.message));
        // Where only the text survived, the same.
        QCOMPARE(StoreError::database(u"x"_s, write.lastError().text()).kind, StoreError::Kind::Busy);
        QVERIFY(hold.exec(u"ROLLBACK"_s));
    }

    void anyOtherFailureIsFailedAndPointsToTheLog()
    {
        QSqlQuery query(QSqlDatabase::database(u"waiter"_s));
        QVERIFY(!query.exec(u"INSERT INTO missing_table VALUES (1)"_s));
        for (const StoreError &error :
            { StoreError::database(u"cannot create the API key"_s, query.lastError()),
                StoreError::database(u"cannot create the API key"_s, query.lastError().text()) }) {
            QCOMPARE(error.kind, StoreError::Kind::Failed);
            QVERIFY2(error.message.startsWith(u"cannot create the API key: "_s), qPrintable(error.message));
            QVERIFY2(error.message.contains(u"log"_s), qPrintable(error.message));
            QVERIFY2(
                !error.message.contains(u"missing_table"_s) && !error.message.contains(u"no such table"_s),
                qPrintable(error.message));
        }
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestStoreError)
#include "tst_storeerror.moc"
