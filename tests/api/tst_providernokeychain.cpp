// The providers resource where no OS keychain is reachable (a server, CI): storing a key fails with a
// message that says why and what to do, nothing of the change is applied, nothing is stored anywhere else,
// and the gateway goes on serving with the environment's keys. Runs without a D-Bus session bus or display.

#include "apiteam.h"
#include "database.h"
#include "fakeupstream.h"
#include "providerregistry.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
const QString kSecret = u"sk-nokeychain-test-Vb82Kq1e9f0"_s;
}

class TestProviderNoKeychain final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup() { m_team.reset(); }

    void storingAKeyFailsAndSaysWhatToDo();
    void settingsWithoutASecretNeedNoKeychain();
    void anUnreadableStoredKeyFallsBackToTheEnvironmentAtStart();

private:
    QStringList settingsKeys();
    std::unique_ptr<ApiTeam> m_team;
};

void TestProviderNoKeychain::init()
{
    m_team = std::make_unique<ApiTeam>();
    QString error;
    QVERIFY2(m_team->start(&error), qPrintable(error));
}

QStringList TestProviderNoKeychain::settingsKeys()
{
    QString error;
    const auto location = Gateway::databaseLocation(m_team->gateway().config(), &error);
    const QString connection = u"nokeychain-test"_s;
    QStringList keys;
    {
        QSqlDatabase db = Database::open(*location, connection, &error);
        QSqlQuery query(u"SELECT key FROM settings"_s, db);
        while (query.next())
            keys.append(query.value(0).toString());
    }
    QSqlDatabase::removeDatabase(connection); // the next test has a data dir of its own
    return keys;
}

void TestProviderNoKeychain::storingAKeyFailsAndSaysWhatToDo()
{
    const QJsonObject before = m_team->call(m_team->owner.token, "GET", u"/api/v1/providers/openai"_s).json();
    const TestHttpResult result = m_team->call(m_team->owner.token, "PUT", u"/api/v1/providers/openai"_s,
        { { u"api_key"_s, kSecret }, { u"base_url"_s, u"http://127.0.0.1:9/v1"_s },
            { u"spend_limit_usd"_s, 1 } });
    QCOMPARE(result.status, 503);
    QCOMPARE(result.json()[u"error"_s][u"code"_s].toString(), u"keychain_unavailable"_s);
    const QString message = errorMessage(result);
    for (const QString &part : { u"no OS keychain is reachable"_s, u"D-Bus"_s, u"OPENAI_API_KEY"_s,
             u"unlock the login keyring"_s, u"Nothing was changed"_s })
        QVERIFY2(message.contains(part), qPrintable(message));

    // Nothing of the change landed: not the base URL, not the limit, no audit row, no key anywhere.
    const TestHttpResult after = m_team->call(m_team->owner.token, "GET", u"/api/v1/providers/openai"_s);
    QCOMPARE(after.json(), before);
    QCOMPARE(after.json().value(u"key_source"_s).toString(), u"environment"_s);
    QVERIFY(!settingsKeys().contains(u"provider.openai"_s));
    const TestHttpResult audit = m_team->call(m_team->owner.token, "GET", u"/api/v1/audit"_s);
    QVERIFY2(!audit.body.contains("provider:"), audit.body.constData());
    QVERIFY(!m_team->storedBytes().contains(kSecret.toLatin1()));
    QVERIFY(!result.body.contains(kSecret.toLatin1()));

    // The gateway still serves with the environment's key.
    QCOMPARE(m_team->chat(m_team->harness().apiKey(), u"openai/gpt-4o-mini"_s).status, 200);
    QCOMPARE(m_team->harness().lastUpstreamChat()->header("authorization"),
        QByteArray("Bearer ") + ProxyHarness::openAIUpstreamKey);
}

void TestProviderNoKeychain::settingsWithoutASecretNeedNoKeychain()
{
    const TestHttpResult result = m_team->call(m_team->admin.token, "PATCH", u"/api/v1/providers/openai"_s,
        { { u"allowed_models"_s, QJsonArray { u"gpt-4o*"_s } }, { u"spend_limit_usd"_s, 12.5 } });
    QCOMPARE(result.status, 200);
    QCOMPARE(result.json().value(u"allowed_models"_s).toArray(), QJsonArray { u"gpt-4o*"_s });
    QCOMPARE(result.json().value(u"spend_limit_usd"_s).toDouble(), 12.5);
    QCOMPARE(result.json().value(u"key_source"_s).toString(), u"environment"_s);
    QVERIFY(settingsKeys().contains(u"provider.openai"_s));
    // Removing a key that was never stored does not need the keychain either: there is nothing to remove.
    const TestHttpResult removal
        = m_team->call(m_team->admin.token, "DELETE", u"/api/v1/providers/openai/key"_s);
    QCOMPARE(removal.status, 404);
}

void TestProviderNoKeychain::anUnreadableStoredKeyFallsBackToTheEnvironmentAtStart()
{
    // As if a key had been stored on a desktop and the same database now served from a headless machine.
    const GatewayConfig &config = m_team->gateway().config();
    QString error;
    const auto location = Gateway::databaseLocation(config, &error);
    ProviderSettingsStore settings(*location);
    ProviderSettings stored;
    stored.keyStored = true;
    AuditEntry audit;
    audit.at = QDateTime::currentDateTimeUtc();
    audit.action = u"provider.update"_s;
    StoreError storeError;
    QVERIFY2(settings.write(u"openai"_s, stored, audit, &storeError), qPrintable(storeError.message));

    SecretStore secrets(config.keychainService);
    SystemClock clock;
    ProviderRegistry restarted(config.providers, settings, secrets, clock);
    QVERIFY2(restarted.load(&storeError), qPrintable(storeError.message));
    const ProviderState *openai = restarted.snapshot()->find(u"openai");
    QCOMPARE(openai->keySource, KeySource::Environment);
    QVERIFY(openai->config);
    QCOMPARE(openai->config->apiKey, QString::fromLatin1(ProxyHarness::openAIUpstreamKey));
    QVERIFY2(openai->keychainProblem.contains(u"cannot be read"_s)
            && openai->keychainProblem.contains(u"OPENAI_API_KEY"_s),
        qPrintable(openai->keychainProblem));
}

int main(int argc, char *argv[])
{
    // No Secret Service to reach: no session bus, no display to autolaunch one from.
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/llm-gateway-test-bus");
    qunsetenv("DISPLAY");
    qunsetenv("WAYLAND_DISPLAY");
    QCoreApplication app(argc, argv);
    TestProviderNoKeychain test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_providernokeychain.moc"
