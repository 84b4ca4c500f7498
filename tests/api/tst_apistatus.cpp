// GET /api/v1/status, what the dashboard polls: its fields and their types, requests in flight (one held open
// by a slow upstream stream), requests per minute under a test clock, and the newest record id following new
// records.
#include "apiteam.h"
#include "testclock.h"

#include <QJsonArray>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
const QDateTime kStart(QDate(2026, 12, 6), QTime(9, 0, 30), Qt::UTC);
}

class TestApiStatus final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup() { m_team.reset(); }

    void everyMemberMayRead_data();
    void everyMemberMayRead();
    void withoutATokenIs401();
    void onlyGet();
    void fieldsAndTypes();
    void uptimeFollowsTheClock();
    void inFlightCountsARequestHeldOpen();
    void requestsPerMinute();
    void latestRecordIdFollowsNewRecords();
    void retentionLevel();

private:
    QJsonObject status();
    std::unique_ptr<TestClock> m_clock;
    std::unique_ptr<ApiTeam> m_team;
};

void TestApiStatus::init()
{
    m_clock = std::make_unique<TestClock>(kStart);
    m_team = std::make_unique<ApiTeam>();
    ProxyHarness::Options options;
    options.clock = m_clock.get();
    QString error;
    QVERIFY2(m_team->start(options, &error), qPrintable(error));
}

QJsonObject TestApiStatus::status()
{
    const TestHttpResult result = m_team->call(m_team->restricted.token, "GET", u"/api/v1/status"_s);
    if (result.status != 200)
        qWarning() << result.status << result.body;
    return result.json();
}

void TestApiStatus::everyMemberMayRead_data()
{
    QTest::addColumn<QString>("role");
    for (const QString &role : { u"owner"_s, u"admin"_s, u"developer"_s, u"restricted"_s })
        QTest::newRow(qPrintable(role)) << role;
}

void TestApiStatus::everyMemberMayRead()
{
    QFETCH(QString, role);
    const TestHttpResult result = m_team->call(m_team->person(role).token, "GET", u"/api/v1/status"_s);
    QCOMPARE(result.status, 200);
    QCOMPARE(result.json().value(u"url"_s).toString(), m_team->gateway().url());
}

void TestApiStatus::withoutATokenIs401()
{
    const TestHttpResult result = m_team->call({}, "GET", u"/api/v1/status"_s);
    QCOMPARE(result.status, 401);
    QVERIFY(!result.body.contains("version"));
}

void TestApiStatus::onlyGet()
{
    const TestHttpResult result = m_team->call(m_team->owner.token, "POST", u"/api/v1/status"_s);
    QCOMPARE(result.status, 405);
    QCOMPARE(m_team->call(m_team->owner.token, "GET", u"/api/v1/status/more"_s).status, 404);
}

void TestApiStatus::fieldsAndTypes()
{
    const QJsonObject s = status();
    QVERIFY2(QRegularExpression(u"^\\d+\\.\\d+\\.\\d+"_s).match(s.value(u"version"_s).toString()).hasMatch(),
        qPrintable(s.value(u"version"_s).toString()));
    QCOMPARE(s.value(u"url"_s).toString(), m_team->gateway().url());
    QCOMPARE(QDateTime::fromString(s.value(u"started_at"_s).toString(), Qt::ISODate), kStart);
    QVERIFY(s.value(u"uptime_s"_s).isDouble());
    QCOMPARE(s.value(u"in_flight"_s).toInt(-1), 0);
    const QJsonArray minutes = s.value(u"requests_per_minute"_s).toArray();
    QCOMPARE(minutes.size(), 16);
    for (const QJsonValue &minute : minutes) {
        QVERIFY(QDateTime::fromString(minute[u"start"_s].toString(), Qt::ISODate).isValid());
        QCOMPARE(minute[u"requests"_s].toInt(-1), 0);
        QCOMPARE(minute[u"errors"_s].toInt(-1), 0);
    }
    QVERIFY(s.value(u"latest_record_id"_s).isNull()); // nothing proxied yet
    const QJsonObject writer = s.value(u"log_writer"_s).toObject();
    for (const QString &field : { u"backlog"_s, u"backlog_bytes"_s, u"failures"_s, u"dropped"_s })
        QVERIFY2(writer.value(field).isDouble() && writer.value(field).toInt() == 0, qPrintable(field));
    const QJsonObject database = s.value(u"database"_s).toObject();
    QCOMPARE(database.value(u"engine"_s).toString(), TestDatabase::engineName());
    QCOMPARE(database.value(u"healthy"_s), QJsonValue(true));
    QCOMPARE(database.value(u"message"_s), QJsonValue(u""_s));
    QCOMPARE(s.value(u"retention_level"_s).toString(), u"retain_all"_s);
}

void TestApiStatus::uptimeFollowsTheClock()
{
    QCOMPARE(status().value(u"uptime_s"_s).toInt(-1), 0);
    m_clock->advance(std::chrono::seconds(90));
    QCOMPARE(status().value(u"uptime_s"_s).toInt(-1), 90);
}

void TestApiStatus::inFlightCountsARequestHeldOpen()
{
    // A stream whose upstream holds every event after the first (until released, which this test never does):
    // open from its first event on, until the client goes.
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1/v1/chat/completions"_s.arg(m_team->harness().port())));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("authorization", "Bearer " + m_team->harness().apiKey());
    std::unique_ptr<QNetworkReply> reply(m_team->harness().nam().post(
        request, TestHttp::chatBody(u"openai/fake-stream-gated"_s, u"one two three four five six"_s, true)));
    QTRY_VERIFY_WITH_TIMEOUT(reply->bytesAvailable() > 0, 5000);
    QVERIFY(!reply->isFinished());
    QCOMPARE(status().value(u"in_flight"_s).toInt(), 1);

    reply->abort(); // the client goes: the request is no longer being answered
    QTRY_COMPARE_WITH_TIMEOUT(status().value(u"in_flight"_s).toInt(-1), 0, 5000);
}

void TestApiStatus::requestsPerMinute()
{
    QString error;
    const QByteArray key = m_team->keyFor(m_team->developer, &error);
    QVERIFY2(!key.isEmpty(), qPrintable(error));
    // 09:00: two answered and one refused (unknown model); 09:01: one more.
    QCOMPARE(m_team->chat(key, u"openai/gpt-4o-mini"_s).status, 200);
    QCOMPARE(m_team->chat(key, u"openai/gpt-4o-mini"_s).status, 200);
    QCOMPARE(m_team->chat(key, u"no-such-model"_s).status, 404);
    QCOMPARE(m_team->harness().waitForRecords(3).size(), 3); // counted before the record is queued
    m_clock->advance(std::chrono::minutes(1));
    QCOMPARE(m_team->chat(key, u"openai/gpt-4o-mini"_s).status, 200);
    QCOMPARE(m_team->harness().waitForRecords(4).size(), 4);

    const QJsonArray minutes = status().value(u"requests_per_minute"_s).toArray();
    QCOMPARE(minutes.size(), 16);
    const auto startOf = [&](qsizetype i) {
        return QDateTime::fromString(minutes.at(i)[u"start"_s].toString(), Qt::ISODate);
    };
    QCOMPARE(startOf(15), QDateTime(QDate(2026, 12, 6), QTime(9, 1), Qt::UTC)); // the current minute, last
    QCOMPARE(startOf(0), QDateTime(QDate(2026, 12, 6), QTime(8, 46), Qt::UTC));
    for (qsizetype i = 1; i < minutes.size(); ++i)
        QCOMPARE(startOf(i - 1).secsTo(startOf(i)), 60);
    QCOMPARE(minutes.at(14)[u"requests"_s].toInt(), 3);
    QCOMPARE(minutes.at(14)[u"errors"_s].toInt(), 1);
    QCOMPARE(minutes.at(15)[u"requests"_s].toInt(), 1);
    QCOMPARE(minutes.at(15)[u"errors"_s].toInt(), 0);
    int total = 0;
    for (const QJsonValue &minute : minutes)
        total += minute[u"requests"_s].toInt();
    QCOMPARE(total, 4);

    // Sixteen minutes on, 09:00 and 09:01 have left the window; the slots count afresh.
    m_clock->advance(std::chrono::minutes(16));
    QCOMPARE(m_team->chat(key, u"openai/gpt-4o-mini"_s).status, 200);
    QCOMPARE(m_team->harness().waitForRecords(5).size(), 5);
    const QJsonArray later = status().value(u"requests_per_minute"_s).toArray();
    total = 0;
    for (const QJsonValue &minute : later)
        total += minute[u"requests"_s].toInt();
    QCOMPARE(total, 1);
    QCOMPARE(later.last()[u"requests"_s].toInt(), 1);
}

void TestApiStatus::latestRecordIdFollowsNewRecords()
{
    QCOMPARE(m_team->harness().chat(TestHttp::chatBody(u"openai/gpt-4o-mini"_s, u"first"_s)).status, 200);
    const auto first = m_team->harness().waitForRecords(1);
    QCOMPARE(first.size(), 1);
    QCOMPARE(status().value(u"latest_record_id"_s).toInteger(), first.last().value(u"id"_s).toLongLong());

    QCOMPARE(m_team->harness().chat(TestHttp::chatBody(u"openai/gpt-4o-mini"_s, u"second"_s)).status, 200);
    const auto both = m_team->harness().waitForRecords(2);
    QCOMPARE(both.size(), 2);
    const qint64 newest = both.last().value(u"id"_s).toLongLong();
    QVERIFY(newest > first.last().value(u"id"_s).toLongLong());
    QCOMPARE(status().value(u"latest_record_id"_s).toInteger(), newest);
}

void TestApiStatus::retentionLevel()
{
    const TestHttpResult changed = m_team->call(m_team->owner.token, "PUT", u"/api/v1/policies"_s,
        QJsonObject { { u"retention_level"_s, u"metadata_only"_s } });
    QVERIFY2(changed.status == 200, changed.body.constData());
    QCOMPARE(status().value(u"retention_level"_s).toString(), u"metadata_only"_s);
}

QTEST_GUILESS_MAIN(TestApiStatus)
#include "tst_apistatus.moc"
