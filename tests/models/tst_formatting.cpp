// The numbers the window shows: compact, with units, the same everywhere.
#include "formatting.h"

#include <QTest>
#include <QTimeZone>

using namespace Qt::StringLiterals;

class TestFormatting final : public QObject
{
    Q_OBJECT

private slots:
    void tokens_data();
    void tokens();
    void usd_data();
    void usd();
    void duration_data();
    void duration();
    void percent_data();
    void percent();
    void signedPercent();
    void perSecond();
    void formatByUnit();
    void bucketStart_data();
    void bucketStart();
};

void TestFormatting::tokens_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << 0.0 << u"0"_s;
    QTest::newRow("units") << 950.0 << u"950"_s;
    QTest::newRow("thousands") << 1234.0 << u"1.2k"_s;
    QTest::newRow("whole thousands") << 2000.0 << u"2k"_s;
    QTest::newRow("tens of thousands") << 12'345.0 << u"12.3k"_s;
    QTest::newRow("hundreds of thousands") << 123'456.0 << u"123k"_s;
    QTest::newRow("just under a million") << 999'990.0 << u"1M"_s;
    QTest::newRow("millions") << 3'400'000.0 << u"3.4M"_s;
    QTest::newRow("billions") << 1'200'000'000.0 << u"1.2B"_s;
}

void TestFormatting::tokens()
{
    QFETCH(double, value);
    QFETCH(QString, text);
    QCOMPARE(Formatting::tokens(value), text);
}

void TestFormatting::usd_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << 0.0 << u"$0"_s;
    QTest::newRow("fraction of a cent") << 0.0123 << u"$0.0123"_s;
    QTest::newRow("tiny") << 0.000123 << u"$0.000123"_s;
    QTest::newRow("below a millionth") << 0.0000001 << u"<$0.000001"_s;
    QTest::newRow("cents") << 0.3 << u"$0.30"_s;
    QTest::newRow("dollars") << 12.34 << u"$12.34"_s;
    QTest::newRow("thousands") << 1234.0 << u"$1.2k"_s;
    QTest::newRow("negative") << -12.34 << u"-$12.34"_s;
}

void TestFormatting::usd()
{
    QFETCH(double, value);
    QFETCH(QString, text);
    QCOMPARE(Formatting::usd(value), text);
}

void TestFormatting::duration_data()
{
    QTest::addColumn<double>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("milliseconds") << 850.0 << u"850 ms"_s;
    QTest::newRow("rounded milliseconds") << 12.4 << u"12 ms"_s;
    QTest::newRow("seconds") << 1240.0 << u"1.24 s"_s;
    QTest::newRow("tens of seconds") << 12'500.0 << u"12.5 s"_s;
    QTest::newRow("minutes") << 150'000.0 << u"2.5 min"_s;
    QTest::newRow("hours") << 5'400'000.0 << u"1.5 h"_s;
}

void TestFormatting::duration()
{
    QFETCH(double, ms);
    QFETCH(QString, text);
    QCOMPARE(Formatting::duration(ms), text);
}

void TestFormatting::percent_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << 0.0 << u"0%"_s;
    QTest::newRow("small") << 0.42 << u"0.42%"_s;
    QTest::newRow("one decimal") << 12.34 << u"12.3%"_s;
    QTest::newRow("whole") << 50.0 << u"50%"_s;
    QTest::newRow("all") << 100.0 << u"100%"_s;
}

void TestFormatting::percent()
{
    QFETCH(double, value);
    QFETCH(QString, text);
    QCOMPARE(Formatting::percent(value), text);
}

void TestFormatting::signedPercent()
{
    QCOMPARE(Formatting::signedPercent(12.34), u"+12.3%"_s);
    QCOMPARE(Formatting::signedPercent(-4.0), u"\u22124%"_s);
    QCOMPARE(Formatting::signedPercent(0.01), u"0%"_s);
}

void TestFormatting::perSecond()
{
    QCOMPARE(Formatting::perSecond(42.14), u"42.1 tokens/s"_s);
    QCOMPARE(Formatting::perSecond(1234.0), u"1.2k tokens/s"_s);
    QCOMPARE(Formatting::perSecond(3.0, u"requests"_s), u"3 requests/s"_s);
}

void TestFormatting::formatByUnit()
{
    using Formatting::Unit;
    QCOMPARE(Formatting::format(1234.0, Unit::Count), u"1.2k"_s);
    QCOMPARE(Formatting::format(0.5, Unit::Usd), u"$0.50"_s);
    QCOMPARE(Formatting::format(850.0, Unit::Milliseconds), u"850 ms"_s);
    QCOMPARE(Formatting::format(12.5, Unit::Percent), u"12.5%"_s);
    // Nothing measured is not zero: a dash, never "0 ms".
    QCOMPARE(Formatting::format(std::nullopt, Unit::Milliseconds), u"\u2013"_s);
    // CSV headers carry the unit the raw numbers are in.
    QCOMPARE(Formatting::unitName(Unit::Usd), u"USD"_s);
    QCOMPARE(Formatting::unitName(Unit::Milliseconds), u"ms"_s);
    QCOMPARE(Formatting::unitName(Unit::TokensPerSecond), u"tokens/s"_s);
}

void TestFormatting::bucketStart_data()
{
    QTest::addColumn<QString>("bucket");
    QTest::addColumn<QString>("text");
    QTest::newRow("minute") << u"minute"_s << u"14:05"_s;
    QTest::newRow("hour") << u"hour"_s << u"Mar 3, 14:05"_s;
    QTest::newRow("day") << u"day"_s << u"Mar 3"_s;
    QTest::newRow("month") << u"month"_s << u"Mar 2026"_s;
}

void TestFormatting::bucketStart()
{
    QFETCH(QString, bucket);
    QFETCH(QString, text);
    // Given in another zone: the label is UTC, as the API's buckets are.
    const QDateTime at(QDate(2026, 3, 3), QTime(16, 5), QTimeZone(2 * 3600));
    QCOMPARE(Formatting::bucketStart(at, bucket), text);
}

QTEST_GUILESS_MAIN(TestFormatting)
#include "tst_formatting.moc"
