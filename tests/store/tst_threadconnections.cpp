// ThreadConnections: each thread its own connection, working for every new thread (thread ids are reused once
// a thread ends, as the pools' threads do after 30 s idle), and closed when its thread ends.
#include "threadconnections.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QVariant>

#include <thread>

using namespace Qt::StringLiterals;

class TestThreadConnections final : public QObject
{
    Q_OBJECT

private slots:
    void everyNewThreadGetsAWorkingConnectionAndClosesItWhenItEnds()
    {
        QTemporaryDir dir;
        ThreadConnections connections(DatabaseLocation::inDataDir(dir.path()), u"test"_s);
        // One after the other, so that the system hands the next thread the id of the one before.
        for (int round = 0; round < 20; ++round) {
            QString error;
            bool answered = false;
            int openInThread = 0;
            std::thread worker([&] {
                QSqlDatabase db = connections.connection(&error);
                QSqlQuery query(db);
                answered = db.isValid() && query.exec(u"SELECT 1"_s) && query.next()
                    && query.value(0).toInt() == 1;
                openInThread = connections.openCount();
            });
            worker.join();
            QVERIFY2(answered, qPrintable(u"round %1: %2"_s.arg(round).arg(error)));
            QCOMPARE(openInThread, 1);
            QCOMPARE(connections.openCount(), 0); // the thread ended: its connection was closed
        }
    }

    void aThreadsConnectionIsReusedAndTheStoreClosesWhatIsLeft()
    {
        QTemporaryDir dir;
        auto connections
            = std::make_unique<ThreadConnections>(DatabaseLocation::inDataDir(dir.path()), u"test"_s);
        QString error;
        const QString first = connections->connection(&error).connectionName();
        QCOMPARE(connections->connection(&error).connectionName(), first);
        QCOMPARE(connections->openCount(), 1);
        connections.reset(); // this thread lives on: the store closes its connection
        QVERIFY(!QSqlDatabase::contains(first));
    }
};

QTEST_GUILESS_MAIN(TestThreadConnections)
#include "tst_threadconnections.moc"
