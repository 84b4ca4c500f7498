// Two gateways on one database, as a team runs them: what is changed through one is enforced by the other
// once it catches up (every 30 s in service; called by hand here, and by the timers of an instance that runs
// them every 200 ms): keys disabled, policies, provider settings, the spend a key made through the other
// instance, and a member removed.
#include "apiteam.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

class TestTwoInstances final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void changesMadeThroughTheOtherInstanceAreEnforced();
    void spendThroughTheOtherInstanceCountsAgainstLimits();
    void anInstanceCatchesUpOnItsOwn();
    void aRemovedMemberIsLockedOutOfTheOtherInstance();

private:
    // Instance B again, with the timers of the catch-up, spend sync and purge shortened to 200 ms.
    void restartOtherWithShortTimers();
    TestHttpResult callOther(const QByteArray &method, const QString &path, const QJsonObject &body = {});
    TestHttpResult chatThrough(quint16 port, const QByteArray &key);
    std::unique_ptr<ApiTeam> m_team; // instance A, with the fake upstream and the team
    SystemClock m_clock;
    std::unique_ptr<Gateway> m_other; // instance B: the same database and providers
};

void TestTwoInstances::init()
{
    m_team = std::make_unique<ApiTeam>();
    QString error;
    QVERIFY2(m_team->start(&error), qPrintable(error));
    GatewayConfig config = m_team->gateway().config();
    config.port = 0;
    m_other = std::make_unique<Gateway>(config, m_clock);
    QVERIFY2(m_other->start(&error), qPrintable(error));
}

void TestTwoInstances::cleanup()
{
    if (m_other)
        m_other->stop();
    m_other.reset();
    m_team.reset();
}

TestHttpResult TestTwoInstances::callOther(
    const QByteArray &method, const QString &path, const QJsonObject &body)
{
    const QByteArray bytes
        = body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
    return TestHttp::call(m_team->harness().nam(), m_other->port(), method, path, bytes,
        { { "authorization", "Bearer " + m_team->owner.token } });
}

TestHttpResult TestTwoInstances::chatThrough(quint16 port, const QByteArray &key)
{
    return TestHttp::call(m_team->harness().nam(), port, "POST", u"/v1/chat/completions"_s,
        TestHttp::chatBody(u"openai/gpt-4o-mini"_s, u"Hello"_s), { { "authorization", "Bearer " + key } });
}

void TestTwoInstances::changesMadeThroughTheOtherInstanceAreEnforced()
{
    QString error;
    const QByteArray key = m_team->keyFor(m_team->developer, &error);
    QVERIFY2(!key.isEmpty(), qPrintable(error));
    const quint16 here = m_team->harness().port();
    QCOMPARE(chatThrough(here, key).status, 200);
    const qint64 keyId = m_team->gateway().keys().identify(key)->id;

    // Through B: the key is disabled, the policy becomes metadata only, OpenAI allows only gpt-4o.
    QCOMPARE(
        callOther("PATCH", u"/api/v1/keys/%1"_s.arg(keyId), QJsonObject { { u"disabled"_s, true } }).status,
        200);
    QCOMPARE(callOther(
                 "PATCH", u"/api/v1/policies"_s, QJsonObject { { u"retention_level"_s, u"metadata_only"_s } })
                 .status,
        200);
    QCOMPARE(callOther("PATCH", u"/api/v1/providers/openai"_s,
                 QJsonObject { { u"allowed_models"_s, QJsonArray { u"gpt-4o"_s } } })
                 .status,
        200);

    QVERIFY2(m_team->gateway().catchUpWithSharedDatabase(&error), qPrintable(error));
    QCOMPARE(chatThrough(here, key).status, 403); // disabled
    const TestHttpResult notAllowed = m_team->chat(m_team->harness().apiKey(), u"openai/gpt-4o-mini"_s);
    QCOMPARE(notAllowed.status, 403);
    QCOMPARE(notAllowed.json()[u"error"_s][u"code"_s].toString(), u"model_not_allowed"_s);
    QCOMPARE(m_team->chat(m_team->harness().apiKey(), u"openai/gpt-4o"_s).status, 200);
    const auto last = m_team->harness().waitForRecords(4);
    QVERIFY(!last.isEmpty());
    QVERIFY(last.last().value(u"request_body"_s).isNull()); // metadata only, here too
}

void TestTwoInstances::spendThroughTheOtherInstanceCountsAgainstLimits()
{
    const TestHttpResult created = m_team->call(m_team->owner.token, "POST", u"/api/v1/keys"_s,
        QJsonObject { { u"name"_s, u"shared"_s }, { u"spend_limit_usd"_s, 1e-9 } });
    QCOMPARE(created.status, 201);
    const QByteArray key = created.json().value(u"key"_s).toString().toLatin1();
    const quint16 here = m_team->harness().port();
    // B seeds the key's spend before anyone spends: else whether B's first look at the requests table comes
    // before or after A's record is written (PostgreSQL's writer is quick) decides what B answers below.
    const QString keyPath = u"/api/v1/keys/%1"_s.arg(created.json()[u"id"_s].toInteger());
    QCOMPARE(callOther("GET", keyPath).json()[u"spend"_s][u"all_time_usd"_s].toDouble(), 0.0);
    QCOMPARE(chatThrough(here, key).status, 200); // A seeds the key's spend: nothing spent yet
    // B spends past the limit; A has not seen it.
    QCOMPARE(chatThrough(m_other->port(), key).status, 200);
    QString error;
    QVERIFY2(m_other->syncKeySpend(&error), qPrintable(error)); // B's records are written
    QCOMPARE(chatThrough(here, key).status, 429); // A's own first request already passed the limit
    // Spend that only B made: a fresh key, first used through B.
    const TestHttpResult second = m_team->call(m_team->owner.token, "POST", u"/api/v1/keys"_s,
        QJsonObject { { u"name"_s, u"second"_s }, { u"spend_limit_usd"_s, 1e-9 } });
    const QByteArray secondKey = second.json().value(u"key"_s).toString().toLatin1();
    QCOMPARE(
        m_team->call(m_team->owner.token, "GET", u"/api/v1/keys/%1"_s.arg(second.json()[u"id"_s].toInteger()))
            .json()[u"spend"_s][u"all_time_usd"_s]
            .toDouble(),
        0.0); // A seeds it now, before B spends
    // B has never seen this key: it looks it up on first use.
    QCOMPARE(chatThrough(m_other->port(), secondKey).status, 200);
    QVERIFY2(m_other->syncKeySpend(&error), qPrintable(error));
    QCOMPARE(chatThrough(here, secondKey).status, 200); // A's ledger still says 0
    QVERIFY2(m_team->gateway().syncKeySpend(&error), qPrintable(error));
    const TestHttpResult refused = chatThrough(here, secondKey);
    QCOMPARE(refused.status, 429);
    QCOMPARE(refused.json()[u"error"_s][u"code"_s].toString(), u"spend_limit_reached"_s);
}

// The timers that call the catch-up, the spend sync and the retention purge, shortened: nothing here is
// called by hand on the instance that catches up.
void TestTwoInstances::restartOtherWithShortTimers()
{
    m_other->stop();
    GatewayConfig config = m_team->gateway().config();
    config.port = 0;
    config.sharedRefreshMs = 200;
    config.purgeIntervalMs = 200;
    m_other = std::make_unique<Gateway>(config, m_clock);
    QString error;
    QVERIFY2(m_other->start(&error), qPrintable(error));
}

void TestTwoInstances::anInstanceCatchesUpOnItsOwn()
{
    restartOtherWithShortTimers();
    QString error;

    // A key disabled through A.
    const QByteArray key = m_team->keyFor(m_team->developer, &error);
    QVERIFY2(!key.isEmpty(), qPrintable(error));
    QCOMPARE(chatThrough(m_other->port(), key).status, 200);
    const qint64 keyId = m_team->gateway().keys().identify(key)->id;
    QCOMPARE(m_team
                 ->call(m_team->owner.token, "PATCH", u"/api/v1/keys/%1"_s.arg(keyId),
                     QJsonObject { { u"disabled"_s, true } })
                 .status,
        200);
    QTRY_COMPARE_WITH_TIMEOUT(chatThrough(m_other->port(), key).status, 403, 10'000);

    // Spend made through A shows in B's ledger (read without spending, through B's keys resource).
    const TestHttpResult created = m_team->call(
        m_team->owner.token, "POST", u"/api/v1/keys"_s, QJsonObject { { u"name"_s, u"shared"_s } });
    const QByteArray spender = created.json().value(u"key"_s).toString().toLatin1();
    const QString keyPath = u"/api/v1/keys/%1"_s.arg(created.json()[u"id"_s].toInteger());
    const auto spentAtB
        = [&] { return callOther("GET", keyPath).json()[u"spend"_s][u"all_time_usd"_s].toDouble(); };
    QCOMPARE(spentAtB(), 0.0);
    QCOMPARE(chatThrough(m_team->harness().port(), spender).status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(spentAtB() > 0, 10'000);

    // A record past the retention period (365 days), written through A, is purged by B.
    RequestRecord old;
    old.requestId = "long-ago";
    old.createdAt = QDateTime::currentDateTimeUtc().addDays(-400);
    old.status = 200;
    const qint64 written = m_team->gateway().logWriter().writtenCount();
    m_team->gateway().logWriter().enqueue(std::move(old));
    m_team->gateway().logWriter().flush();
    QCOMPARE(m_team->gateway().logWriter().writtenCount(), written + 1);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_team->harness().records(u"request_id = ?"_s, { u"long-ago"_s }).isEmpty(), 10'000);
}

// Offboarding through A: B refuses the member's token at once (tokens are read from the database on every
// call) and their key within its catch-up, without anything called by hand on B.
void TestTwoInstances::aRemovedMemberIsLockedOutOfTheOtherInstance()
{
    restartOtherWithShortTimers();
    QString error;
    const QByteArray key = m_team->keyFor(m_team->developer, &error);
    QVERIFY2(!key.isEmpty(), qPrintable(error));
    QCOMPARE(chatThrough(m_other->port(), key).status, 200); // B knows the key, enabled
    const auto asDeveloperAtB = [&] {
        return TestHttp::call(m_team->harness().nam(), m_other->port(), "GET", u"/api/v1/members/me"_s, {},
            { { "authorization", "Bearer " + m_team->developer.token } });
    };
    QCOMPARE(asDeveloperAtB().status, 200);

    QCOMPARE(
        m_team->call(m_team->owner.token, "DELETE", u"/api/v1/members/%1"_s.arg(m_team->developer.id)).status,
        200);
    QCOMPARE(asDeveloperAtB().status, 401);
    QTRY_COMPARE_WITH_TIMEOUT(chatThrough(m_other->port(), key).status, 403, 10'000);
    const TestHttpResult refused = chatThrough(m_other->port(), key);
    QCOMPARE(refused.json()[u"error"_s][u"code"_s].toString(), u"key_disabled"_s);
}

QTEST_GUILESS_MAIN(TestTwoInstances)
#include "tst_twoinstances.moc"
