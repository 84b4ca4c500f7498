// The gateway's PostgreSQL connections over the lives of its pool threads: every management API call runs on
// a pool thread that opens its own connections (ThreadConnections), and a pool thread ends after an idle
// spell (shortened here to 500 ms). Counted in pg_stat_activity, in the suite's own database: while a burst
// of calls runs, no more than a few per thread alive; once the threads expired, back down to what the threads
// that live on hold. Connections kept past their thread's end (keyed by thread, closed only with the store)
// would grow by each round's threads and never come back down. PostgreSQL only: that is where a connection is
// a server process.
#include "apiteam.h"
#include "database.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;

class TestPoolConnections final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void connectionsFollowThePoolThreads();

private:
    // The database's connections now, but the one counting.
    int connectionsNow();
    // Fires `count` management API calls at once and waits for every answer.
    void burstOfCalls(int count);

    std::unique_ptr<ApiTeam> m_team;
    QString m_counter;
};

void TestPoolConnections::init()
{
    QVERIFY2(TestDatabase::onPostgres(),
        "this suite counts PostgreSQL connections: run it as registered (LLMGW_TEST_ENGINE=postgres)");
    m_team = std::make_unique<ApiTeam>();
    ProxyHarness::Options options;
    options.poolThreadExpiryMs = 500;
    QString error;
    QVERIFY2(m_team->start(options, &error), qPrintable(error));
    m_counter = u"pool-connections-counter"_s;
    QSqlDatabase db = Database::open(m_team->harness().databaseLocation(), m_counter, &error);
    QVERIFY2(db.isOpen(), qPrintable(error));
}

void TestPoolConnections::cleanup()
{
    QSqlDatabase::removeDatabase(m_counter);
    m_team.reset();
}

int TestPoolConnections::connectionsNow()
{
    QSqlQuery query(QSqlDatabase::database(m_counter));
    if (!query.exec(u"SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()"_s)
        || !query.next()) {
        qWarning("cannot count the connections: %s", qPrintable(query.lastError().text()));
        return -1;
    }
    return query.value(0).toInt();
}

void TestPoolConnections::burstOfCalls(int count)
{
    QNetworkAccessManager &nam = m_team->harness().nam();
    int answered = 0;
    int ok = 0;
    for (int i = 0; i < count; ++i) {
        QNetworkRequest request(
            QUrl(u"http://127.0.0.1:%1/api/v1/members/me"_s.arg(m_team->harness().port())));
        request.setRawHeader("authorization", "Bearer " + m_team->owner.token);
        QNetworkReply *reply = nam.get(request);
        connect(reply, &QNetworkReply::finished, this, [reply, &answered, &ok] {
            ++answered;
            ok += reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200;
            reply->deleteLater();
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered, count, 30'000);
    QCOMPARE(ok, count);
}

void TestPoolConnections::connectionsFollowThePoolThreads()
{
    // What lives on: the log writer's thread, this thread's (the team was added through the stores), and the
    // background pool's, which expire as the API pool's do.
    const int resting = connectionsNow();
    QVERIFY(resting > 0);
    // A call authenticates (tokens, members) and reads the member: at most a connection per store it touches,
    // per API thread; and a job of the background pool (learning from the records, the catch-up) may be
    // running.
    const int storesPerCall = 2;
    const int backgroundJobs = 4;
    const int bound = resting + Gateway::kApiThreads * storesPerCall + backgroundJobs;
    int peak = 0;
    for (int round = 0; round < 5; ++round) {
        burstOfCalls(24);
        if (QTest::currentTestFailed())
            return;
        const int busy = connectionsNow();
        peak = std::max(peak, busy);
        qInfo("round %d: %d connections busy, %d at rest", round, busy, resting);
        QVERIFY2(busy <= bound,
            qPrintable(u"round %1: %2 connections, more than %3"_s.arg(round).arg(busy).arg(bound)));
        // The pool's threads expire, and their connections close with them.
        QTRY_VERIFY2_WITH_TIMEOUT(connectionsNow() <= resting,
            qPrintable(u"round %1: %2 connections after idle, %3 at rest"_s.arg(round)
                           .arg(connectionsNow())
                           .arg(resting)),
            10'000);
    }
    QVERIFY2(peak > resting, "the calls opened no connection of their own: nothing was tested");
}

QTEST_GUILESS_MAIN(TestPoolConnections)
#include "tst_poolconnections.moc"
