// The usage query a page keeps: presets that follow the clock, the previous period, the URL it becomes.
#include "usagequery.h"

#include <QTest>
#include <QTimeZone>

using namespace Qt::StringLiterals;

class TestUsageQuery final : public QObject
{
    Q_OBJECT

private slots:
    void presets_data();
    void presets();
    void followedMovesPresetsOnly();
    void urlQuery();
    void autoBucketLeavesTheChoiceToTheServer();
    void previousPeriod();
    void effectiveBucket_data();
    void effectiveBucket();
    void noMinutesBeyondTheirHistory();
};

namespace {
const QDateTime kNow(QDate(2026, 12, 6), QTime(8, 30, 15, 250), Qt::UTC);
}

void TestUsageQuery::presets_data()
{
    QTest::addColumn<UsageQuery::Preset>("preset");
    QTest::addColumn<qint64>("secs");
    QTest::newRow("1h") << UsageQuery::Preset::LastHour << qint64(3600);
    QTest::newRow("24h") << UsageQuery::Preset::Last24Hours << qint64(86'400);
    QTest::newRow("7d") << UsageQuery::Preset::Last7Days << qint64(7 * 86'400);
    QTest::newRow("30d") << UsageQuery::Preset::Last30Days << qint64(30 * 86'400);
    QTest::newRow("90d") << UsageQuery::Preset::Last90Days << qint64(90 * 86'400);
}

void TestUsageQuery::presets()
{
    QFETCH(UsageQuery::Preset, preset);
    QFETCH(qint64, secs);
    const UsageQuery query = UsageQuery::last(preset, kNow);
    QCOMPARE(query.preset(), preset);
    QCOMPARE(query.to(), QDateTime(QDate(2026, 12, 6), QTime(8, 30, 15), Qt::UTC)); // whole seconds
    QCOMPARE(query.lengthSecs(), secs);
    QCOMPARE(query.from().timeSpec(), Qt::UTC);
}

void TestUsageQuery::followedMovesPresetsOnly()
{
    UsageQuery day = UsageQuery::last(UsageQuery::Preset::Last24Hours, kNow);
    day.setModel(u"gpt-4o-mini"_s);
    const UsageQuery later = day.followed(kNow.addSecs(120));
    QCOMPARE(later.to(), day.to().addSecs(120));
    QCOMPARE(later.lengthSecs(), day.lengthSecs());
    QCOMPARE(later.model(), u"gpt-4o-mini"_s);

    const UsageQuery fixed = UsageQuery::between(kNow.addDays(-3), kNow.addDays(-1));
    QCOMPARE(fixed.preset(), UsageQuery::Preset::Custom);
    QCOMPARE(fixed.followed(kNow.addDays(5)), fixed);
}

void TestUsageQuery::urlQuery()
{
    UsageQuery query = UsageQuery::between(QDateTime(QDate(2026, 12, 1), QTime(0, 0), QTimeZone(3600)),
        QDateTime(QDate(2026, 12, 2), QTime(0, 0), Qt::UTC));
    query.setBucket(UsageQuery::Bucket::Minute);
    query.setGroupBy(UsageQuery::GroupBy::Key);
    query.setModel(u"openai/gpt-4o-mini"_s);
    query.setProvider(u"openai"_s);
    query.setKeyId(42);
    query.setMember(u"dev+1@example.org"_s);
    const QUrlQuery url = query.toUrlQuery();
    QCOMPARE(url.queryItemValue(u"from"_s), u"2026-11-30T23:00:00Z"_s);
    QCOMPARE(url.queryItemValue(u"to"_s), u"2026-12-02T00:00:00Z"_s);
    QCOMPARE(url.queryItemValue(u"bucket"_s), u"minute"_s);
    QCOMPARE(url.queryItemValue(u"group_by"_s), u"key"_s);
    QCOMPARE(url.queryItemValue(u"model"_s, QUrl::FullyDecoded), u"openai/gpt-4o-mini"_s);
    QCOMPARE(url.queryItemValue(u"provider"_s), u"openai"_s);
    QCOMPARE(url.queryItemValue(u"key"_s), u"42"_s);
    QCOMPARE(url.queryItemValue(u"member"_s, QUrl::FullyDecoded), u"dev+1@example.org"_s);
    // A '+' must reach the server as a plus, not as a space.
    QUrl wire(u"http://h/api/v1/usage"_s);
    wire.setQuery(url);
    QVERIFY2(wire.toEncoded().contains("member=dev%2B1%40example.org"), wire.toEncoded().constData());
}

void TestUsageQuery::autoBucketLeavesTheChoiceToTheServer()
{
    const QUrlQuery url = UsageQuery::last(UsageQuery::Preset::Last7Days, kNow).toUrlQuery();
    QVERIFY(!url.hasQueryItem(u"bucket"_s));
    QVERIFY(!url.hasQueryItem(u"group_by"_s));
    QVERIFY(!url.hasQueryItem(u"key"_s));
}

void TestUsageQuery::previousPeriod()
{
    UsageQuery week = UsageQuery::last(UsageQuery::Preset::Last7Days, kNow);
    week.setGroupBy(UsageQuery::GroupBy::Model);
    week.setProvider(u"openai"_s);
    const UsageQuery before = week.previousPeriod();
    QCOMPARE(before.to(), week.from());
    QCOMPARE(before.lengthSecs(), week.lengthSecs());
    QCOMPARE(before.groupBy(), UsageQuery::GroupBy::Model);
    QCOMPARE(before.provider(), u"openai"_s);
    // Fixed: refreshing the current period must not drag the comparison along with it.
    QCOMPARE(before.preset(), UsageQuery::Preset::Custom);
    QCOMPARE(before.followed(kNow.addDays(1)), before);
}

void TestUsageQuery::effectiveBucket_data()
{
    QTest::addColumn<qint64>("hours");
    QTest::addColumn<UsageQuery::Bucket>("bucket");
    QTest::newRow("1 h") << qint64(1) << UsageQuery::Bucket::Minute;
    QTest::newRow("6 h") << qint64(6) << UsageQuery::Bucket::Minute;
    QTest::newRow("7 h") << qint64(7) << UsageQuery::Bucket::Hour;
    QTest::newRow("48 h") << qint64(48) << UsageQuery::Bucket::Hour;
    QTest::newRow("30 days") << qint64(30 * 24) << UsageQuery::Bucket::Day;
    QTest::newRow("92 days") << qint64(92 * 24) << UsageQuery::Bucket::Day;
    QTest::newRow("a year") << qint64(365 * 24) << UsageQuery::Bucket::Week;
}

void TestUsageQuery::effectiveBucket()
{
    QFETCH(qint64, hours);
    QFETCH(UsageQuery::Bucket, bucket);
    UsageQuery query = UsageQuery::between(kNow.addSecs(-hours * 3600), kNow);
    QCOMPARE(query.effectiveBucket(kNow), bucket);
    query.setBucket(UsageQuery::Bucket::Month);
    QCOMPARE(query.effectiveBucket(kNow), UsageQuery::Bucket::Month); // a named bucket is kept
}

void TestUsageQuery::noMinutesBeyondTheirHistory()
{
    // Three hours of last week: the server keeps minutes for 48 hours only, so it answers in hours.
    const UsageQuery lastWeek = UsageQuery::between(kNow.addDays(-7), kNow.addDays(-7).addSecs(3 * 3600));
    QCOMPARE(lastWeek.effectiveBucket(kNow), UsageQuery::Bucket::Hour);
    const UsageQuery yesterday = UsageQuery::between(kNow.addDays(-1), kNow.addDays(-1).addSecs(3 * 3600));
    QCOMPARE(yesterday.effectiveBucket(kNow), UsageQuery::Bucket::Minute);
}

QTEST_GUILESS_MAIN(TestUsageQuery)
#include "tst_usagequery.moc"
