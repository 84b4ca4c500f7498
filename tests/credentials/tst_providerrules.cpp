// The pure parts of provider credentials: what the user is told when the keychain cannot keep a secret,
// a provider's monthly spend across month boundaries, its settings as stored, and the rules ProviderGate
// applies to a route (allowed models, monthly spend limit).

#include "providersettings.h"
#include "providerspend.h"
#include "proxy/providergate.h"
#include "secretstore.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
QDateTime utc(int year, int month, int day, int hour = 12)
{
    return QDateTime(QDate(year, month, day), QTime(hour, 0), Qt::UTC);
}

ProviderConfig openai()
{
    QString error;
    return *makeProviderConfig(
        *ProviderDirectory::find(u"openai"), u"https://api.openai.com/v1"_s, u"sk-x"_s, &error);
}
} // namespace

class TestProviderRules final : public QObject
{
    Q_OBJECT

private slots:
    void unreachableKeychainSaysWhatToDo();
    void lockedKeychainSaysToUnlockIt();
    void spendCountsThisMonthOnly();
    void settingsRoundTrip();
    void allowedModels_data();
    void allowedModels();
    void spendLimitRefusesAtTheLimit();
};

void TestProviderRules::unreachableKeychainSaysWhatToDo()
{
    SecretStore::Result result;
    result.outcome = SecretStore::Result::Outcome::Unavailable;
    result.detail = u"Cannot autolaunch D-Bus without X11 $DISPLAY"_s;
    const QString message = result.whatToDo(u"GROQ_API_KEY"_s);
    QVERIFY2(message.startsWith(u"no OS keychain is reachable"_s), qPrintable(message));
    QVERIFY2(message.contains(u"Cannot autolaunch D-Bus without X11 $DISPLAY"_s), qPrintable(message));
    QVERIFY2(message.contains(u"set GROQ_API_KEY in the gateway's environment"_s), qPrintable(message));
}

void TestProviderRules::lockedKeychainSaysToUnlockIt()
{
    SecretStore::Result result;
    result.outcome = SecretStore::Result::Outcome::Unavailable;
    result.locked = true;
    result.detail = u"Cannot create an item in a locked collection"_s;
    const QString message = result.whatToDo(u"OPENAI_API_KEY"_s);
    QVERIFY2(message.contains(u"refused access"_s) && message.contains(u"login keyring is locked"_s),
        qPrintable(message));
    QVERIFY2(message.contains(u"unlock the login keyring"_s) && message.contains(u"OPENAI_API_KEY"_s),
        qPrintable(message));
}

void TestProviderRules::spendCountsThisMonthOnly()
{
    ProviderSpend spend;
    spend.seed({ { u"openai"_s, 2.5 } }, utc(2026, 11, 20));
    QCOMPARE(spend.thisMonth(u"openai"_s, utc(2026, 11, 20)), 2.5);
    spend.add(u"openai"_s, 0.5, utc(2026, 11, 21), utc(2026, 11, 21));
    spend.add(u"openai"_s, 9.0, utc(2026, 10, 31, 23), utc(2026, 11, 21)); // arrived last month
    QCOMPARE(spend.thisMonth(u"openai"_s, utc(2026, 11, 30, 23)), 3.0);
    QCOMPARE(spend.thisMonth(u"anthropic"_s, utc(2026, 11, 30)), 0.0);
    // A new month starts from nothing, and so does a clock set back into the previous one.
    QCOMPARE(spend.thisMonth(u"openai"_s, utc(2026, 12, 1, 0)), 0.0);
    spend.add(u"openai"_s, 1.0, utc(2026, 12, 1, 1), utc(2026, 12, 1, 1));
    QCOMPARE(spend.thisMonth(u"openai"_s, utc(2026, 12, 2)), 1.0);
    QCOMPARE(spend.thisMonth(u"openai"_s, utc(2026, 11, 30)), 0.0);
    QCOMPARE(ProviderSpend::nextMonthStart(utc(2026, 12, 31, 23)), utc(2027, 1, 1, 0));
}

void TestProviderRules::settingsRoundTrip()
{
    ProviderSettings settings;
    QVERIFY(settings.isEmpty());
    QCOMPARE(settings.toJson(), QJsonObject());
    settings.baseUrl = u"http://127.0.0.1:8000/v1"_s;
    settings.allowedModels = { u"gpt-4o*"_s, u"o3"_s };
    settings.spendLimitUsd = 0.0; // a limit of nothing is a limit, not "none"
    settings.keyStored = true;
    QVERIFY(!settings.isEmpty());
    QCOMPARE(ProviderSettings::fromJson(settings.toJson()), settings);
    QVERIFY(!settings.toJson().contains(u"api_key"_s)); // the secret is never part of the settings
}

void TestProviderRules::allowedModels_data()
{
    QTest::addColumn<QStringList>("allowed");
    QTest::addColumn<QString>("requested");
    QTest::addColumn<QString>("upstreamModel");
    QTest::addColumn<bool>("passes");
    QTest::newRow("no list") << QStringList() << u"openai/gpt-4o"_s << u"gpt-4o"_s << true;
    QTest::newRow("exact upstream name")
        << QStringList { u"gpt-4o"_s } << u"openai/gpt-4o"_s << u"gpt-4o"_s << true;
    QTest::newRow("qualified pattern")
        << QStringList { u"openai/gpt-4o*"_s } << u"gpt-4o-mini"_s << u"gpt-4o-mini"_s << true;
    QTest::newRow("bare pattern") << QStringList { u"o3*"_s } << u"openai/o3-mini"_s << u"o3-mini"_s << true;
    QTest::newRow("not listed") << QStringList { u"gpt-4o"_s } << u"openai/gpt-4o-mini"_s << u"gpt-4o-mini"_s
                                << false;
}

void TestProviderRules::allowedModels()
{
    QFETCH(QStringList, allowed);
    QFETCH(QString, requested);
    QFETCH(QString, upstreamModel);
    QFETCH(bool, passes);
    ProviderConfig provider = openai();
    provider.allowedModels = allowed;
    const auto refusal = ProviderGate::refusal(provider, requested, upstreamModel, 0, utc(2026, 11, 25));
    QCOMPARE(!refusal, passes);
    if (refusal) {
        QCOMPARE(refusal->status, 403);
        QCOMPARE(refusal->code, "model_not_allowed");
        QVERIFY(refusal->message.contains(u"Provider OpenAI"_s) && refusal->message.contains(requested));
    }
}

void TestProviderRules::spendLimitRefusesAtTheLimit()
{
    ProviderConfig provider = openai();
    provider.spendLimitUsd = 10.0;
    QVERIFY(!ProviderGate::refusal(provider, u"gpt-4o"_s, u"gpt-4o"_s, 9.99, utc(2026, 11, 25)));
    const auto refusal = ProviderGate::refusal(provider, u"gpt-4o"_s, u"gpt-4o"_s, 10.0, utc(2026, 11, 25));
    QVERIFY(refusal);
    QCOMPARE(refusal->status, 429);
    QCOMPARE(refusal->code, "provider_spend_limit_reached");
    QVERIFY2(refusal->message.contains(u"$10.00"_s) && refusal->message.contains(u"2026-12-01T00:00:00Z"_s),
        qPrintable(refusal->message));
}

QTEST_GUILESS_MAIN(TestProviderRules)
#include "tst_providerrules.moc"
