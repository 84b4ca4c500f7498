// Key limits as pure logic: calendar periods in UTC, the running spend across period boundaries (with a
// hand-stepped clock), expiry at the exact instant, disabled keys, model and provider patterns, and the
// messages a client reads when refused.
#include "apikeystore.h"
#include "keylimits.h"
#include "keyspend.h"
#include "proxy/keypolicy.h"
#include "testclock.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

Q_DECLARE_METATYPE(LimitPeriod)
Q_DECLARE_METATYPE(KeyLimits)

namespace {
QDateTime utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0, int ms = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), Qt::UTC);
}

ApiKey keyWith(const KeyLimits &limits)
{
    ApiKey key;
    key.id = 7;
    key.name = u"ci"_s;
    key.limits = limits;
    return key;
}
} // namespace

class TestKeyLimits : public QObject
{
    Q_OBJECT

private slots:
    void periodBounds_data();
    void periodBounds();
    void spendRestartsAtEachBoundary_data();
    void spendRestartsAtEachBoundary();
    void requestFromBeforeTheBoundaryStaysInTheOldPeriod();
    void seedCountsOnlyOnce();
    void expiresAtTheExactInstant();
    void disabledComesFirst();
    void patterns_data();
    void patterns();
    void routes_data();
    void routes();
    void modelRefusalSaysWhatTheKeyAllows();
    void spendRefusals_data();
    void spendRefusals();
    void validation_data();
    void validation();
    void periodNames();
};

void TestKeyLimits::periodBounds_data()
{
    QTest::addColumn<LimitPeriod>("period");
    QTest::addColumn<QDateTime>("at");
    QTest::addColumn<QDateTime>("start");
    QTest::addColumn<QDateTime>("next");
    QTest::newRow("hour") << LimitPeriod::Hour << utc(2025, 1, 15, 12, 34, 56, 789) << utc(2025, 1, 15, 12)
                          << utc(2025, 1, 15, 13);
    QTest::newRow("hour, exact start")
        << LimitPeriod::Hour << utc(2025, 1, 15, 13) << utc(2025, 1, 15, 13) << utc(2025, 1, 15, 14);
    QTest::newRow("hour, last of day") << LimitPeriod::Hour << utc(2025, 12, 31, 23, 59, 59, 999)
                                       << utc(2025, 12, 31, 23) << utc(2026, 1, 1);
    QTest::newRow("day, last ms") << LimitPeriod::Day << utc(2025, 1, 15, 23, 59, 59, 999) << utc(2025, 1, 15)
                                  << utc(2025, 1, 16);
    QTest::newRow("day, given in +02:00")
        << LimitPeriod::Day << QDateTime(QDate(2025, 1, 16), QTime(1, 30), Qt::OffsetFromUTC, 7200)
        << utc(2025, 1, 15) << utc(2025, 1, 16);
    QTest::newRow("week, Wednesday") << LimitPeriod::Week << utc(2025, 1, 15, 8) << utc(2025, 1, 13)
                                     << utc(2025, 1, 20);
    QTest::newRow("week, Sunday night")
        << LimitPeriod::Week << utc(2025, 1, 19, 23, 59, 59, 999) << utc(2025, 1, 13) << utc(2025, 1, 20);
    QTest::newRow("week, Monday 00:00")
        << LimitPeriod::Week << utc(2025, 1, 20) << utc(2025, 1, 20) << utc(2025, 1, 27);
    QTest::newRow("week, across the year")
        << LimitPeriod::Week << utc(2025, 1, 1, 10) << utc(2024, 12, 30) << utc(2025, 1, 6);
    QTest::newRow("month, 31st") << LimitPeriod::Month << utc(2025, 1, 31, 23, 59, 59, 999) << utc(2025, 1, 1)
                                 << utc(2025, 2, 1);
    QTest::newRow("month, leap February")
        << LimitPeriod::Month << utc(2024, 2, 29, 12) << utc(2024, 2, 1) << utc(2024, 3, 1);
    QTest::newRow("month, December") << LimitPeriod::Month << utc(2025, 12, 15) << utc(2025, 12, 1)
                                     << utc(2026, 1, 1);
}

void TestKeyLimits::periodBounds()
{
    QFETCH(LimitPeriod, period);
    QFETCH(QDateTime, at);
    QFETCH(QDateTime, start);
    QFETCH(QDateTime, next);
    QCOMPARE(KeyPeriods::start(period, at), start);
    QCOMPARE(KeyPeriods::next(period, at), next);
    QCOMPARE(KeyPeriods::start(period, at).timeSpec(), Qt::UTC);
}

void TestKeyLimits::spendRestartsAtEachBoundary_data()
{
    QTest::addColumn<LimitPeriod>("period");
    QTest::addColumn<QDateTime>("boundary");
    // TestClock starts on Wednesday 2025-01-15 12:00 UTC.
    QTest::newRow("hour") << LimitPeriod::Hour << utc(2025, 1, 15, 13);
    QTest::newRow("day") << LimitPeriod::Day << utc(2025, 1, 16);
    QTest::newRow("week") << LimitPeriod::Week << utc(2025, 1, 20);
    QTest::newRow("month") << LimitPeriod::Month << utc(2025, 2, 1);
}

void TestKeyLimits::spendRestartsAtEachBoundary()
{
    QFETCH(LimitPeriod, period);
    QFETCH(QDateTime, boundary);
    TestClock clock;
    KeySpendLedger ledger;
    ledger.seed(7, KeySpendLedger::Seed { 10.0, { 1.0, 2.0, 3.0, 4.0 }, clock.now() });
    const double seeded = std::array<double, 4> { 1.0, 2.0, 3.0, 4.0 }[size_t(period) - 1];

    ledger.add(7, 0.5, clock.now(), clock.now());
    SpendTotals totals = ledger.totals(7, period, clock.now());
    QCOMPARE(totals.period, seeded + 0.5);
    QCOMPARE(totals.allTime, 10.5);
    QCOMPARE(totals.periodEnd, boundary);

    clock.setNow(boundary.addMSecs(-1));
    QCOMPARE(ledger.totals(7, period, clock.now()).period, seeded + 0.5);

    clock.setNow(boundary);
    totals = ledger.totals(7, period, clock.now());
    QCOMPARE(totals.period, 0.0);
    QCOMPARE(totals.allTime, 10.5); // all-time spend never restarts
    QCOMPARE(totals.periodStart, boundary);

    ledger.add(7, 0.25, clock.now(), clock.now());
    QCOMPARE(ledger.totals(7, period, clock.now()).period, 0.25);
    QCOMPARE(ledger.totals(7, period, clock.now()).allTime, 10.75);
}

void TestKeyLimits::requestFromBeforeTheBoundaryStaysInTheOldPeriod()
{
    // A request that arrived at 23:59 and finished after midnight: the seed counts rows by created_at, so
    // the running total must too.
    KeySpendLedger ledger;
    const QDateTime arrived = utc(2025, 1, 15, 23, 59);
    ledger.seed(7, KeySpendLedger::Seed { 0, {}, arrived });
    ledger.add(7, 1.0, arrived, utc(2025, 1, 16, 0, 0, 30));
    const SpendTotals day = ledger.totals(7, LimitPeriod::Day, utc(2025, 1, 16, 0, 1));
    QCOMPARE(day.period, 0.0);
    QCOMPARE(day.allTime, 1.0);
    QCOMPARE(ledger.totals(7, LimitPeriod::Month, utc(2025, 1, 16, 0, 1)).period, 1.0);
}

void TestKeyLimits::seedCountsOnlyOnce()
{
    KeySpendLedger ledger;
    const QDateTime now = utc(2025, 1, 15, 12);
    QVERIFY(!ledger.contains(7));
    ledger.seed(7, KeySpendLedger::Seed { 3.0, { 1, 1, 1, 1 }, now });
    ledger.seed(
        7, KeySpendLedger::Seed { 3.0, { 1, 1, 1, 1 }, now }); // a concurrent seeder read the same rows
    QVERIFY(ledger.contains(7));
    QCOMPARE(ledger.totals(7, LimitPeriod::Day, now).allTime, 3.0);
    ledger.forget(7);
    QVERIFY(!ledger.contains(7));
    QCOMPARE(ledger.totals(7, LimitPeriod::Day, now).allTime, 0.0);
}

void TestKeyLimits::expiresAtTheExactInstant()
{
    TestClock clock;
    KeyLimits limits;
    limits.expiresAt = utc(2025, 1, 15, 12, 30);
    const ApiKey key = keyWith(limits);

    clock.setNow(utc(2025, 1, 15, 12, 29, 59, 999));
    QVERIFY(!KeyPolicy::checkStatus(key, clock.now()));
    clock.advance(1ms);
    const auto refusal = KeyPolicy::checkStatus(key, clock.now());
    QVERIFY(refusal);
    QCOMPARE(refusal->status, 401);
    QCOMPARE(refusal->code, QByteArray("key_expired"));
    QCOMPARE(refusal->message,
        u"This gateway API key ('ci', id 7) expired at 2025-01-15T12:30:00Z. Ask its owner for a "
        "new key or to extend its expiry."_s);
    clock.advance(24h);
    QVERIFY(KeyPolicy::checkStatus(key, clock.now()));
}

void TestKeyLimits::disabledComesFirst()
{
    KeyLimits limits;
    limits.expiresAt = utc(2020, 1, 1);
    ApiKey key = keyWith(limits);
    key.disabled = true;
    const auto refusal = KeyPolicy::checkStatus(key, utc(2025, 1, 1));
    QVERIFY(refusal);
    QCOMPARE(refusal->status, 403);
    QCOMPARE(refusal->code, QByteArray("key_disabled"));
    QVERIFY2(refusal->message.contains(u"is disabled"_s), qPrintable(refusal->message));
}

void TestKeyLimits::patterns_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("matches");
    QTest::newRow("exact") << u"gpt-4o-mini"_s << u"gpt-4o-mini"_s << true;
    QTest::newRow("exact, other case") << u"gpt-4o-mini"_s << u"GPT-4o-Mini"_s << true;
    QTest::newRow("exact is not a prefix") << u"gpt-4o"_s << u"gpt-4o-mini"_s << false;
    QTest::newRow("prefix star") << u"gpt-4o*"_s << u"gpt-4o-mini"_s << true;
    QTest::newRow("prefix star, itself") << u"gpt-4o*"_s << u"gpt-4o"_s << true;
    QTest::newRow("prefix star, other") << u"gpt-4o*"_s << u"gpt-4.1"_s << false;
    QTest::newRow("provider star") << u"openai/*"_s << u"openai/gpt-4o"_s << true;
    QTest::newRow("provider star, bare name") << u"openai/*"_s << u"gpt-4o"_s << false;
    QTest::newRow("star alone") << u"*"_s << u"anything/at-all"_s << true;
}

void TestKeyLimits::patterns()
{
    QFETCH(QString, pattern);
    QFETCH(QString, name);
    QFETCH(bool, matches);
    QCOMPARE(ModelPatterns::matches(pattern, name), matches);
}

void TestKeyLimits::routes_data()
{
    QTest::addColumn<QStringList>("allowedModels");
    QTest::addColumn<QStringList>("deniedModels");
    QTest::addColumn<QStringList>("allowedProviders");
    QTest::addColumn<QStringList>("deniedProviders");
    QTest::addColumn<QString>("requested");
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QString>("upstream");
    QTest::addColumn<bool>("allowed");
    const QStringList none;
    QTest::newRow("no rules") << none << none << none << none << u"gpt-4o"_s << u"openai"_s << u"gpt-4o"_s
                              << true;
    QTest::newRow("denied bare, asked qualified")
        << none << QStringList { u"gpt-4o"_s } << none << none << u"openai/gpt-4o"_s << u"openai"_s
        << u"gpt-4o"_s << false;
    QTest::newRow("denied qualified, asked bare")
        << none << QStringList { u"openai/gpt-4o*"_s } << none << none << u"gpt-4o-mini"_s << u"openai"_s
        << u"gpt-4o-mini"_s << false;
    QTest::newRow("denied qualified, other provider")
        << none << QStringList { u"openai/gpt-4o*"_s } << none << none << u"gpt-4o-mini"_s << u"azure"_s
        << u"gpt-4o-mini"_s << true;
    QTest::newRow("allowed pattern") << QStringList { u"claude-*"_s, u"gpt-4o-mini"_s } << none << none
                                     << none << u"anthropic/claude-sonnet-4-5"_s << u"anthropic"_s
                                     << u"claude-sonnet-4-5"_s << true;
    QTest::newRow("not in allowed") << QStringList { u"claude-*"_s } << none << none << none << u"gpt-4o"_s
                                    << u"openai"_s << u"gpt-4o"_s << false;
    QTest::newRow("deny beats allow") << QStringList { u"gpt-*"_s } << QStringList { u"gpt-4o"_s } << none
                                      << none << u"gpt-4o"_s << u"openai"_s << u"gpt-4o"_s << false;
    QTest::newRow("provider allowed") << none << none << QStringList { u"anthropic"_s } << none
                                      << u"claude-haiku"_s << u"anthropic"_s << u"claude-haiku"_s << true;
    QTest::newRow("provider not allowed") << none << none << QStringList { u"anthropic"_s } << none
                                          << u"gpt-4o"_s << u"openai"_s << u"gpt-4o"_s << false;
    QTest::newRow("provider denied") << none << none << none << QStringList { u"openai"_s } << u"gpt-4o"_s
                                     << u"openai"_s << u"gpt-4o"_s << false;
}

void TestKeyLimits::routes()
{
    QFETCH(QStringList, allowedModels);
    QFETCH(QStringList, deniedModels);
    QFETCH(QStringList, allowedProviders);
    QFETCH(QStringList, deniedProviders);
    QFETCH(QString, requested);
    QFETCH(QString, provider);
    QFETCH(QString, upstream);
    QFETCH(bool, allowed);
    KeyLimits limits;
    limits.allowedModels = allowedModels;
    limits.deniedModels = deniedModels;
    limits.allowedProviders = allowedProviders;
    limits.deniedProviders = deniedProviders;
    QCOMPARE(KeyPolicy::allowsRoute(limits, requested, provider, upstream), allowed);
}

void TestKeyLimits::modelRefusalSaysWhatTheKeyAllows()
{
    KeyLimits limits;
    limits.allowedModels = { u"gpt-4o-mini"_s, u"claude-*"_s };
    limits.deniedProviders = { u"openai"_s };
    const KeyRefusal refusal = KeyPolicy::modelRefusal(limits, u"gpt-4o-mini"_s, { u"openai"_s });
    QCOMPARE(refusal.status, 403);
    QCOMPARE(refusal.code, QByteArray("model_not_allowed"));
    QCOMPARE(refusal.param, QByteArray("model"));
    QCOMPARE(refusal.message,
        u"This gateway API key may not use the model 'gpt-4o-mini' (from 'openai'): it allows only the "
        u"models "
        "'gpt-4o-mini', 'claude-*'; denies the providers 'openai'. Use an allowed model or ask an admin to "
        "change the key's model rules."_s);
}

void TestKeyLimits::spendRefusals_data()
{
    QTest::addColumn<LimitPeriod>("period");
    QTest::addColumn<double>("spent");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message");
    QTest::newRow("under") << LimitPeriod::Day << 4.99 << 0 << QString();
    QTest::newRow("daily reached")
        << LimitPeriod::Day << 5.0 << 429
        << u"This gateway API key has spent $5.00 of its $5.00 daily limit; the limit resets at 2025-01-16T00:00:00Z."_s;
    QTest::newRow("hourly, small sums")
        << LimitPeriod::Hour << 5.0031 << 429
        << u"This gateway API key has spent $5.0031 of its $5.00 hourly limit; the limit resets at 2025-01-15T13:00:00Z."_s;
    QTest::newRow("weekly")
        << LimitPeriod::Week << 6.0 << 429
        << u"This gateway API key has spent $6.00 of its $5.00 weekly limit; the limit resets at "
           "2025-01-20T00:00:00Z."_s;
    QTest::newRow("monthly")
        << LimitPeriod::Month << 5.0 << 429
        << u"This gateway API key has spent $5.00 of its $5.00 monthly limit; the limit resets "
           "at 2025-02-01T00:00:00Z."_s;
}

void TestKeyLimits::spendRefusals()
{
    QFETCH(LimitPeriod, period);
    QFETCH(double, spent);
    QFETCH(int, status);
    QFETCH(QString, message);
    const QDateTime now = utc(2025, 1, 15, 12, 10);
    KeyLimits limits;
    limits.periodLimitUsd = 5.0;
    limits.period = period;
    limits.spendLimitUsd = 100.0;
    SpendTotals spend;
    spend.allTime = 50;
    spend.period = spent;
    spend.periodStart = KeyPeriods::start(period, now);
    spend.periodEnd = KeyPeriods::next(period, now);
    const auto refusal = KeyPolicy::checkSpend(limits, spend);
    QCOMPARE(refusal ? refusal->status : 0, status);
    if (refusal) {
        QCOMPARE(refusal->code, QByteArray("spend_limit_reached"));
        QCOMPARE(refusal->message, message);
    }

    // The all-time limit, once reached, is the one reported.
    spend.allTime = 100.0;
    const auto allTime = KeyPolicy::checkSpend(limits, spend);
    QVERIFY(allTime);
    QCOMPARE(allTime->status, 429);
    QCOMPARE(allTime->message,
        u"This gateway API key has spent $100.00 of its $100.00 all-time limit. Ask an admin to "
        "raise the limit, or use another key."_s);
}

void TestKeyLimits::validation_data()
{
    QTest::addColumn<KeyLimits>("limits");
    QTest::addColumn<QString>("problem");
    KeyLimits ok;
    ok.periodLimitUsd = 1;
    ok.period = LimitPeriod::Week;
    ok.allowedModels = { u"gpt-4o*"_s };
    QTest::newRow("fine") << ok << QString();
    KeyLimits noPeriod;
    noPeriod.periodLimitUsd = 1;
    QTest::newRow("period limit without period")
        << noPeriod << u"a period spend limit needs its period: hour, day, week or month"_s;
    KeyLimits negative;
    negative.spendLimitUsd = -1;
    QTest::newRow("negative") << negative << u"the spend limit must be a number of US dollars, 0 or more"_s;
    KeyLimits star;
    star.deniedModels = { u"gpt-*-mini"_s };
    QTest::newRow("star inside")
        << star
        << u"the denied models: 'gpt-*-mini' has a '*' before its end; a pattern may only end in '*' (as in 'gpt-4o*')"_s;
    KeyLimits blank;
    blank.allowedProviders = { u" "_s };
    QTest::newRow("blank entry")
        << blank << u"the allowed providers contains an empty entry; remove it or name a model or provider"_s;
}

void TestKeyLimits::validation()
{
    QFETCH(KeyLimits, limits);
    QFETCH(QString, problem);
    QCOMPARE(limits.validate(), problem);
}

void TestKeyLimits::periodNames()
{
    for (const LimitPeriod period :
        { LimitPeriod::None, LimitPeriod::Hour, LimitPeriod::Day, LimitPeriod::Week, LimitPeriod::Month })
        QCOMPARE(KeyPeriods::fromName(KeyPeriods::name(period)), std::optional<LimitPeriod>(period));
    QCOMPARE(KeyPeriods::fromName(u"fortnight"_s), std::nullopt);
    QString error;
    QCOMPARE(ModelPatterns::fromJson(ModelPatterns::toJson({ u"a*"_s, u"b \"q\""_s }), &error),
        (QStringList { u"a*"_s, u"b \"q\""_s }));
    QVERIFY(error.isEmpty());
    ModelPatterns::fromJson(u"{\"a\":1}"_s, &error);
    QVERIFY(!error.isEmpty());
}

QTEST_GUILESS_MAIN(TestKeyLimits)
#include "tst_keylimits.moc"
