// LiveFollower against a real gateway: a hidden page costs nothing, a shown one hears of new records.
#include "livefollower.h"
#include "modelstestkit.h"

#include <QSignalSpy>

using namespace Qt::StringLiterals;

class TestLiveFollower final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup() { m_gateway.reset(); }

    void inactiveMakesNoRequest();
    void deactivatingStopsPolling();
    void newRecordsAreAChange();
    void nothingNewIsNoChange();
    void recordsWhileHiddenAreAChangeOnShow();
    void failuresAreReportedAndPollingGoesOn();

private:
    std::unique_ptr<ModelsGateway> m_gateway;
};

void TestLiveFollower::init()
{
    m_gateway = std::make_unique<ModelsGateway>();
    QString error;
    QVERIFY2(m_gateway->start(&error), qPrintable(error));
}

void TestLiveFollower::inactiveMakesNoRequest()
{
    ApiClient &client = m_gateway->client();
    QSignalSpy started(&client, &ApiClient::requestStarted);
    LiveFollower follower(&client);
    follower.setIntervalMs(20);
    QVERIFY(!follower.isActive());
    // Twenty-five intervals' worth of event loop: an inactive follower must not have asked once.
    QVERIFY(!started.wait(500));
    QCOMPARE(client.requestCount(), 0);
    follower.setActive(false);
    QVERIFY(!started.wait(100));
    QCOMPARE(client.requestCount(), 0);
}

void TestLiveFollower::deactivatingStopsPolling()
{
    ApiClient &client = m_gateway->client();
    LiveFollower follower(&client);
    follower.setIntervalMs(20);
    QSignalSpy received(&follower, &LiveFollower::statusReceived);
    follower.setActive(true);
    QTRY_VERIFY(received.size() >= 3); // it polls, again and again
    follower.setActive(false);
    const qint64 sent = client.requestCount();
    QSignalSpy started(&client, &ApiClient::requestStarted);
    QVERIFY(!started.wait(400));
    QCOMPARE(client.requestCount(), sent);
}

void TestLiveFollower::newRecordsAreAChange()
{
    LiveFollower follower(&m_gateway->client());
    follower.setIntervalMs(50);
    QSignalSpy received(&follower, &LiveFollower::statusReceived);
    QSignalSpy changed(&follower, &LiveFollower::changed);
    follower.setActive(true);
    QVERIFY(received.wait());
    QCOMPARE(changed.size(), 0); // the first answer is the baseline
    QVERIFY(!follower.lastStatus()->latestRecordId.has_value()); // an empty store

    QVERIFY(m_gateway->chat(u"openai/gpt-4o-mini"_s));
    const auto records = m_gateway->team().harness().waitForRecords(1);
    QCOMPARE(records.size(), 1);
    QTRY_VERIFY(changed.size() >= 1);
    QTRY_COMPARE(follower.lastStatus()->latestRecordId, records.constFirst().value(u"id"_s).toLongLong());
}

void TestLiveFollower::nothingNewIsNoChange()
{
    QVERIFY(m_gateway->chat(u"openai/gpt-4o-mini"_s));
    QVERIFY(m_gateway->waitForRecords(1));
    LiveFollower follower(&m_gateway->client());
    follower.setIntervalMs(20);
    QSignalSpy received(&follower, &LiveFollower::statusReceived);
    QSignalSpy changed(&follower, &LiveFollower::changed);
    follower.setActive(true);
    QTRY_VERIFY(received.size() >= 6);
    QCOMPARE(changed.size(), 0);
}

void TestLiveFollower::recordsWhileHiddenAreAChangeOnShow()
{
    LiveFollower follower(&m_gateway->client());
    follower.setIntervalMs(50);
    QSignalSpy received(&follower, &LiveFollower::statusReceived);
    QSignalSpy changed(&follower, &LiveFollower::changed);
    follower.setActive(true);
    QVERIFY(received.wait());
    follower.setActive(false);

    QVERIFY(m_gateway->chat(u"openai/gpt-4o-mini"_s));
    QVERIFY(m_gateway->waitForRecords(1));
    QCOMPARE(changed.size(), 0); // hidden: nobody asked
    follower.setActive(true); // shown again: the first poll tells
    QVERIFY(changed.wait());
}

void TestLiveFollower::failuresAreReportedAndPollingGoesOn()
{
    ApiClient &client = m_gateway->client();
    client.setToken("llmgw_pat_1_revoked");
    LiveFollower follower(&client);
    follower.setIntervalMs(20);
    QSignalSpy failed(&follower, &LiveFollower::failed);
    follower.setActive(true);
    QTRY_VERIFY(failed.size() >= 2);
    QCOMPARE(failed.constFirst().constFirst().value<ApiError>().httpStatus, 401);
    client.setToken(m_gateway->team().owner.token);
    QSignalSpy received(&follower, &LiveFollower::statusReceived);
    QVERIFY(received.wait());
}

QTEST_GUILESS_MAIN(TestLiveFollower)
#include "tst_livefollower.moc"
