// The providers resource against a real Secret Service (ctest label `keychain`: run under dbus-run-session
// with an unlocked gnome-keyring, see scripts/test.sh): a key stored through the API lives in the OS
// keychain, reaches the upstream, survives a restart of the registry, and falls back to the environment
// when removed; the role table's "see/manage provider credentials" rows; no secret in any answer, audit row
// or database file.

#include "apiteam.h"
#include "fakeupstream.h"
#include "providerregistry.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
const QString kOpenAISecret = u"sk-keychain-test-7Qx93Zp0a1b2"_s;
const QString kGroqSecret = u"gsk_keychain-test-Rm41Lw8c3d4"_s;
} // namespace

class TestProviderKeychain final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void storedKeyGoesUpstream();
    void storedKeySurvivesARestartOfTheRegistry();
    void removingTheKeyFallsBackToTheEnvironment();
    void removingTheOnlyKeyLeavesTheProviderWithout();
    void everyChangeIsAuditedWithoutTheSecret();
    void manageProviderCredentials_data();
    void manageProviderCredentials();
    void seeProviderCredentials_data();
    void seeProviderCredentials();

private:
    ApiTeam::Person person(const QString &name) const;
    TestHttpResult put(const QString &provider, const QJsonObject &body, const QByteArray &token = {});
    SecretStore::Result keychainEntry(const QString &provider);
    // Every answer of the API this test saw, to look for the secrets in.
    QByteArray m_answers;
    std::unique_ptr<ApiTeam> m_team;
};

void TestProviderKeychain::initTestCase()
{
    // Without a Secret Service every test below would fail one by one; say once what is missing instead.
    const SecretStore::Result probe = SecretStore(u"llm-gateway-test-probe"_s).read(u"nothing"_s);
    if (probe.outcome == SecretStore::Result::Outcome::Unavailable)
        QFAIL(qPrintable(u"this suite needs a Secret Service (%1); run it as scripts/test.sh does: "
                         "dbus-run-session -- sh -c 'echo -n pass | gnome-keyring-daemon --unlock "
                         "--components=secrets && ctest -L keychain'"_s.arg(probe.detail)));
}

void TestProviderKeychain::init()
{
    m_team = std::make_unique<ApiTeam>();
    m_answers.clear();
    QString error;
    QVERIFY2(m_team->start(&error), qPrintable(error));
}

void TestProviderKeychain::cleanup()
{
    // The keyring lives in HOME and outlasts the test: leave nothing behind.
    SecretStore store(m_team->gateway().config().keychainService);
    for (const QString &provider : { u"openai"_s, u"groq"_s })
        store.remove(provider);
    QVERIFY2(!m_answers.contains(kOpenAISecret.toLatin1()) && !m_answers.contains(kGroqSecret.toLatin1()),
        "an API answer contained a provider secret");
    m_team.reset();
}

ApiTeam::Person TestProviderKeychain::person(const QString &name) const
{
    if (name == "owner"_L1)
        return m_team->owner;
    if (name == "admin"_L1)
        return m_team->admin;
    if (name == "developer"_L1)
        return m_team->developer;
    if (name == "restricted"_L1)
        return m_team->restricted;
    return {};
}

TestHttpResult TestProviderKeychain::put(
    const QString &provider, const QJsonObject &body, const QByteArray &token)
{
    const TestHttpResult result = m_team->call(
        token.isEmpty() ? m_team->owner.token : token, "PUT", u"/api/v1/providers/"_s + provider, body);
    m_answers += result.body;
    return result;
}

SecretStore::Result TestProviderKeychain::keychainEntry(const QString &provider)
{
    SecretStore store(m_team->gateway().config().keychainService);
    return store.read(provider);
}

void TestProviderKeychain::storedKeyGoesUpstream()
{
    const TestHttpResult stored = put(u"openai"_s, { { u"api_key"_s, kOpenAISecret } });
    QCOMPARE(stored.status, 200);
    QCOMPARE(stored.json().value(u"key_source"_s).toString(), u"keychain"_s);
    QCOMPARE(stored.json().value(u"key_hint"_s).toString(), u"sk-…a1b2"_s);
    QCOMPARE(keychainEntry(u"openai"_s).secret, kOpenAISecret);

    // The upstream now takes only the stored key, not the environment's: the next request carries it.
    m_team->harness().upstream().setExpectedKey(kOpenAISecret.toLatin1());
    const TestHttpResult chat = m_team->chat(m_team->harness().apiKey(), u"openai/gpt-4o-mini"_s);
    QCOMPARE(chat.status, 200);
    const auto sent = m_team->harness().lastUpstreamChat();
    QVERIFY(sent);
    QCOMPARE(sent->header("authorization"), "Bearer " + kOpenAISecret.toLatin1());
}

void TestProviderKeychain::storedKeySurvivesARestartOfTheRegistry()
{
    QCOMPARE(put(u"openai"_s, { { u"api_key"_s, kOpenAISecret } }).status, 200);

    const GatewayConfig &config = m_team->gateway().config();
    QString error;
    const auto location = Gateway::databaseLocation(config, &error);
    QVERIFY2(location, qPrintable(error));
    SecretStore secrets(config.keychainService);
    ProviderSettingsStore settings(*location);
    SystemClock clock;
    ProviderRegistry restarted(config.providers, settings, secrets, clock);
    StoreError loadError;
    QVERIFY2(restarted.load(&loadError), qPrintable(loadError.message));
    const auto snapshot = restarted.snapshot();
    QCOMPARE(snapshot->find(u"openai")->keySource, KeySource::Keychain);
    QVERIFY(snapshot->configured(u"openai"));
    QCOMPARE(snapshot->configured(u"openai")->apiKey, kOpenAISecret);
    QCOMPARE(snapshot->find(u"openai")->keychainProblem, QString());
}

void TestProviderKeychain::removingTheKeyFallsBackToTheEnvironment()
{
    QCOMPARE(put(u"openai"_s, { { u"api_key"_s, kOpenAISecret } }).status, 200);
    const TestHttpResult removed
        = m_team->call(m_team->owner.token, "DELETE", u"/api/v1/providers/openai/key"_s);
    m_answers += removed.body;
    QCOMPARE(removed.status, 200);
    QCOMPARE(removed.json().value(u"key_source"_s).toString(), u"environment"_s);
    QCOMPARE(keychainEntry(u"openai"_s).outcome, SecretStore::Result::Outcome::NotFound);

    const TestHttpResult chat = m_team->chat(m_team->harness().apiKey(), u"openai/gpt-4o-mini"_s);
    QCOMPARE(chat.status, 200); // the fake still expects the environment's key, sk-up
    QCOMPARE(m_team->harness().lastUpstreamChat()->header("authorization"),
        QByteArray("Bearer ") + ProxyHarness::openAIUpstreamKey);

    const TestHttpResult again
        = m_team->call(m_team->owner.token, "DELETE", u"/api/v1/providers/openai/key"_s);
    QCOMPARE(again.status, 404);
    QVERIFY2(errorMessage(again).contains(u"OPENAI_API_KEY"_s), qPrintable(errorMessage(again)));
}

void TestProviderKeychain::removingTheOnlyKeyLeavesTheProviderWithout()
{
    // Groq has no key in the environment: the keychain's is its only one.
    const QString baseUrl = m_team->harness().upstream().baseUrl().toString();
    const TestHttpResult stored
        = put(u"groq"_s, { { u"api_key"_s, kGroqSecret }, { u"base_url"_s, baseUrl } });
    QCOMPARE(stored.status, 200);
    QCOMPARE(stored.json().value(u"configured"_s).toBool(), true);
    QCOMPARE(stored.json().value(u"key_hint"_s).toString(), u"gsk_…c3d4"_s);
    m_team->harness().upstream().setExpectedKey(kGroqSecret.toLatin1());
    QCOMPARE(m_team->chat(m_team->harness().apiKey(), u"groq/llama-3.3-70b-versatile"_s).status, 200);
    QCOMPARE(
        m_team->harness().lastUpstreamChat()->header("authorization"), "Bearer " + kGroqSecret.toLatin1());

    const TestHttpResult removed
        = m_team->call(m_team->owner.token, "DELETE", u"/api/v1/providers/groq/key"_s);
    QCOMPARE(removed.status, 200);
    QCOMPARE(removed.json().value(u"key_source"_s).toString(), u"none"_s);
    QVERIFY(removed.json().value(u"key_hint"_s).isNull());
    m_team->harness().upstream().clearReceivedRequests();
    QVERIFY(m_team->chat(m_team->harness().apiKey(), u"groq/llama-3.3-70b-versatile"_s).status != 200);
    QCOMPARE(m_team->harness().lastUpstreamChat()->header("authorization"), QByteArray());

    // Without its base URL either, Groq is not configured at all: the proxy says how to configure it.
    const TestHttpResult cleared = m_team->call(
        m_team->owner.token, "PATCH", u"/api/v1/providers/groq"_s, { { u"base_url"_s, QJsonValue::Null } });
    QCOMPARE(cleared.status, 200);
    QCOMPARE(cleared.json().value(u"configured"_s).toBool(), false);
    const TestHttpResult chat = m_team->chat(m_team->harness().apiKey(), u"groq/llama-3.3-70b-versatile"_s);
    QCOMPARE(chat.status, 404);
    QVERIFY2(chat.body.contains("GROQ_API_KEY"), chat.body.constData());
}

void TestProviderKeychain::everyChangeIsAuditedWithoutTheSecret()
{
    QCOMPARE(put(u"openai"_s,
                 { { u"api_key"_s, kOpenAISecret }, { u"allowed_models"_s, QJsonArray { u"gpt-4o*"_s } } })
                 .status,
        200);
    QCOMPARE(m_team
                 ->call(m_team->admin.token, "PATCH", u"/api/v1/providers/openai"_s,
                     { { u"spend_limit_usd"_s, 25 } })
                 .status,
        200);
    QCOMPARE(m_team->call(m_team->owner.token, "DELETE", u"/api/v1/providers/openai/key"_s).status, 200);

    const TestHttpResult audit = m_team->call(m_team->owner.token, "GET", u"/api/v1/audit"_s);
    QCOMPARE(audit.status, 200);
    m_answers += audit.body;
    QList<QJsonObject> rows;
    for (const QJsonValue &entry : audit.json().value(u"entries"_s).toArray()) {
        if (entry.toObject().value(u"target"_s).toString() == "provider:openai"_L1)
            rows.append(entry.toObject());
    }
    QCOMPARE(rows.size(), 3); // newest first
    QCOMPARE(rows[0].value(u"action"_s).toString(), u"provider.key.remove"_s);
    QCOMPARE(rows[0].value(u"actor_email"_s).toString(), m_team->owner.email);
    QCOMPARE(rows[0].value(u"after"_s)[u"api_key"_s].toString(), u"removed"_s);
    QCOMPARE(rows[0].value(u"before"_s)[u"key_source"_s].toString(), u"keychain"_s);
    QCOMPARE(rows[0].value(u"after"_s)[u"key_source"_s].toString(), u"environment"_s);
    QCOMPARE(rows[1].value(u"actor_email"_s).toString(), m_team->admin.email);
    QVERIFY(rows[1].value(u"before"_s)[u"spend_limit_usd"_s].isNull());
    QCOMPARE(rows[1].value(u"after"_s)[u"spend_limit_usd"_s].toDouble(), 25.0);
    QVERIFY(!rows[1].value(u"after"_s).toObject().contains(u"api_key"_s)); // the key did not change
    QCOMPARE(rows[2].value(u"action"_s).toString(), u"provider.update"_s);
    QCOMPARE(rows[2].value(u"after"_s)[u"api_key"_s].toString(), u"set"_s);
    QCOMPARE(rows[2].value(u"after"_s)[u"allowed_models"_s].toArray(), QJsonArray { u"gpt-4o*"_s });
    QVERIFY(!rows[2].value(u"at"_s).toString().isEmpty());

    const QByteArray files = m_team->storedBytes();
    QVERIFY(!files.isEmpty());
    QVERIFY2(!files.contains(kOpenAISecret.toLatin1()) && !files.contains(kOpenAISecret.toUtf8().toBase64()),
        "the database files hold the provider secret");
}

void TestProviderKeychain::manageProviderCredentials_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message");
    QTest::newRow("owner: allowed") << u"owner"_s << 200 << QString();
    QTest::newRow("admin: allowed") << u"admin"_s << 200 << QString();
    QTest::newRow("developer: refused") << u"developer"_s << 403 << u"cannot change provider credentials"_s;
    QTest::newRow("restricted: refused") << u"restricted"_s << 403 << u"cannot change provider credentials"_s;
    QTest::newRow("no token") << QString() << 401 << u"personal access token"_s;
}

void TestProviderKeychain::manageProviderCredentials()
{
    QFETCH(QString, actor);
    QFETCH(int, status);
    QFETCH(QString, message);
    const QJsonObject body { { u"api_key"_s, kOpenAISecret }, { u"spend_limit_usd"_s, 3 } };
    const TestHttpResult result
        = m_team->call(person(actor).token, "PUT", u"/api/v1/providers/openai"_s, body);
    m_answers += result.body;
    QCOMPARE(result.status, status);
    if (status == 200) {
        QCOMPARE(result.json().value(u"key_source"_s).toString(), u"keychain"_s);
        QCOMPARE(keychainEntry(u"openai"_s).secret, kOpenAISecret);
        return;
    }
    QVERIFY2(errorMessage(result).contains(message), qPrintable(errorMessage(result)));
    QCOMPARE(keychainEntry(u"openai"_s).outcome, SecretStore::Result::Outcome::NotFound);
    const auto openai = m_team->gateway().providers().snapshot()->find(u"openai");
    QCOMPARE(openai->keySource, KeySource::Environment);
    QVERIFY(!openai->settings.spendLimitUsd);
    const TestHttpResult removal
        = m_team->call(person(actor).token, "DELETE", u"/api/v1/providers/openai/key"_s);
    QCOMPARE(removal.status, status);
}

void TestProviderKeychain::seeProviderCredentials_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("seesHint");
    QTest::newRow("owner: hint") << u"owner"_s << 200 << true;
    QTest::newRow("admin: hint") << u"admin"_s << 200 << true;
    QTest::newRow("developer: masked") << u"developer"_s << 200 << false;
    QTest::newRow("restricted: refused") << u"restricted"_s << 403 << false;
    QTest::newRow("no token") << QString() << 401 << false;
}

void TestProviderKeychain::seeProviderCredentials()
{
    QFETCH(QString, actor);
    QFETCH(int, status);
    QFETCH(bool, seesHint);
    QCOMPARE(put(u"openai"_s, { { u"api_key"_s, kOpenAISecret } }).status, 200);
    for (const QString &path : { u"/api/v1/providers"_s, u"/api/v1/providers/openai"_s }) {
        const TestHttpResult result = m_team->call(person(actor).token, "GET", path);
        m_answers += result.body;
        QCOMPARE(result.status, status);
        if (status != 200)
            continue;
        QJsonObject openai = result.json();
        for (const QJsonValue &provider : result.json().value(u"providers"_s).toArray()) {
            if (provider[u"id"_s].toString() == "openai"_L1)
                openai = provider.toObject();
        }
        QCOMPARE(openai.value(u"key_source"_s).toString(), u"keychain"_s);
        QCOMPARE(openai.value(u"key_hint"_s).toString(), seesHint ? u"sk-…a1b2"_s : QString());
    }
}

QTEST_GUILESS_MAIN(TestProviderKeychain)
#include "tst_providerkeychain.moc"
