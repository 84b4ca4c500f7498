// The providers resource without a keychain in play: the listing, bad input (4xx with a message saying
// what is wrong), and the rules owners set on a provider as the proxy enforces them from the next request
// on: allowed models (403 in the client's own error format) and the monthly spend limit (429), seeded from
// the records.

#include "apiteam.h"
#include "auditlog.h"
#include "fakeupstream.h"
#include "providerregistry.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;

class TestApiProviders final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup() { m_team.reset(); }

    void listsEveryProvider();
    void badChangesAreRefused_data();
    void badChangesAreRefused();
    void unknownPathsAndMethods_data();
    void unknownPathsAndMethods();
    void allowedModelsAreEnforced();
    void monthlySpendLimitIsEnforced();
    void monthSpendIsSeededFromTheRecords();
    void anotherInstancesChangesArePickedUp();

private:
    TestHttpResult patch(const QJsonObject &body);
    std::unique_ptr<ApiTeam> m_team;
};

void TestApiProviders::init()
{
    m_team = std::make_unique<ApiTeam>();
    QString error;
    QVERIFY2(m_team->start(&error), qPrintable(error));
}

TestHttpResult TestApiProviders::patch(const QJsonObject &body)
{
    return m_team->call(m_team->owner.token, "PATCH", u"/api/v1/providers/openai"_s, body);
}

void TestApiProviders::listsEveryProvider()
{
    const TestHttpResult result = m_team->call(m_team->owner.token, "GET", u"/api/v1/providers"_s);
    QCOMPARE(result.status, 200);
    QHash<QString, QJsonObject> byId;
    for (const QJsonValue &provider : result.json().value(u"providers"_s).toArray())
        byId.insert(provider[u"id"_s].toString(), provider.toObject());
    for (const ProviderSpec &spec : ProviderDirectory::all())
        QVERIFY2(byId.contains(spec.id), qPrintable(spec.id));
    const QJsonObject openai = byId.value(u"openai"_s);
    QCOMPARE(openai.value(u"configured"_s).toBool(), true);
    QCOMPARE(openai.value(u"key_source"_s).toString(), u"environment"_s);
    QCOMPARE(openai.value(u"base_url"_s).toString(), m_team->harness().upstream().baseUrl().toString());
    QVERIFY(openai.value(u"key_hint"_s).isNull()); // "sk-up" is too short to hint at
    QCOMPARE(openai.value(u"key_variable"_s).toString(), u"OPENAI_API_KEY"_s);
    QCOMPARE(openai.value(u"month_spend_usd"_s).toDouble(), 0.0);
    const QJsonObject anthropic = byId.value(u"anthropic"_s);
    QCOMPARE(anthropic.value(u"configured"_s).toBool(), false);
    QCOMPARE(anthropic.value(u"key_source"_s).toString(), u"none"_s);
    QCOMPARE(byId.value(u"ollama"_s).value(u"local"_s).toBool(), true);
    QVERIFY(!result.body.contains("sk-up"));
}

void TestApiProviders::badChangesAreRefused_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("nothing") << QJsonObject() << u"name what to change"_s;
    QTest::newRow("ftp base URL") << QJsonObject { { u"base_url"_s, u"ftp://example.org/v1"_s } }
                                  << u"http:// or https://"_s;
    QTest::newRow("base URL not a string")
        << QJsonObject { { u"base_url"_s, 42 } } << u"'base_url' must be"_s;
    QTest::newRow("key with a space")
        << QJsonObject { { u"api_key"_s, u"sk-abc def-0123456789"_s } } << u"'api_key'"_s;
    QTest::newRow("key with a newline")
        << QJsonObject { { u"api_key"_s, u"sk-abc\r\nx-evil: 1"_s } } << u"'api_key'"_s;
    QTest::newRow("empty key") << QJsonObject { { u"api_key"_s, u""_s } } << u"'api_key'"_s;
    QTest::newRow("key null") << QJsonObject { { u"api_key"_s, QJsonValue::Null } }
                              << u"DELETE /api/v1/providers"_s;
    QTest::newRow("negative limit") << QJsonObject { { u"spend_limit_usd"_s, -1 } } << u"'spend_limit_usd'"_s;
    QTest::newRow("limit as text") << QJsonObject { { u"spend_limit_usd"_s, u"10"_s } }
                                   << u"'spend_limit_usd'"_s;
    QTest::newRow("models not a list")
        << QJsonObject { { u"allowed_models"_s, u"gpt-4o"_s } } << u"'allowed_models'"_s;
    QTest::newRow("empty model name")
        << QJsonObject { { u"allowed_models"_s, QJsonArray { u" "_s } } } << u"'allowed_models'"_s;
    QTest::newRow("unknown field") << QJsonObject { { u"name"_s, u"Mine"_s } }
                                   << u"'name' cannot be changed"_s;
    // One bad field refuses the whole change, the good ones included.
    QTest::newRow("good and bad") << QJsonObject { { u"spend_limit_usd"_s, 5 },
        { u"base_url"_s, u"nonsense"_s } }
                                  << u"not an http:// or https:// URL"_s;
}

void TestApiProviders::badChangesAreRefused()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, message);
    const QByteArray before = m_team->call(m_team->owner.token, "GET", u"/api/v1/providers/openai"_s).body;
    const TestHttpResult result = patch(body);
    QCOMPARE(result.status, 422);
    QCOMPARE(result.json()[u"error"_s][u"code"_s].toString(), u"invalid"_s);
    QVERIFY2(errorMessage(result).contains(message), qPrintable(errorMessage(result)));
    QCOMPARE(m_team->call(m_team->owner.token, "GET", u"/api/v1/providers/openai"_s).body, before);
}

void TestApiProviders::unknownPathsAndMethods_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");
    QTest::newRow("unknown provider") << QByteArray("GET") << u"/api/v1/providers/nope"_s << 404;
    QTest::newRow("change unknown provider") << QByteArray("PUT") << u"/api/v1/providers/nope"_s << 404;
    QTest::newRow("no key stored") << QByteArray("DELETE") << u"/api/v1/providers/openai/key"_s << 404;
    QTest::newRow("unknown sub-resource") << QByteArray("GET") << u"/api/v1/providers/openai/secret"_s << 404;
    QTest::newRow("read the key") << QByteArray("GET") << u"/api/v1/providers/openai/key"_s << 405;
    QTest::newRow("create") << QByteArray("POST") << u"/api/v1/providers"_s << 405;
    QTest::newRow("delete provider") << QByteArray("DELETE") << u"/api/v1/providers/openai"_s << 405;
}

void TestApiProviders::unknownPathsAndMethods()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(int, status);
    const TestHttpResult result
        = m_team->call(m_team->owner.token, method, path, { { u"spend_limit_usd"_s, 1 } });
    QCOMPARE(result.status, status);
    QVERIFY2(!errorMessage(result).isEmpty(), result.body.constData());
}

void TestApiProviders::allowedModelsAreEnforced()
{
    QCOMPARE(patch({ { u"allowed_models"_s, QJsonArray { u"gpt-4o"_s, u"o3*"_s } } }).status, 200);
    m_team->harness().upstream().clearReceivedRequests();

    const TestHttpResult openai = m_team->chat(m_team->harness().apiKey(), u"openai/gpt-4o-mini"_s);
    QCOMPARE(openai.status, 403);
    const QJsonObject error = openai.json().value(u"error"_s).toObject();
    QCOMPARE(error.value(u"code"_s).toString(), u"model_not_allowed"_s);
    QCOMPARE(error.value(u"type"_s).toString(), u"permission_error"_s);
    QVERIFY2(error.value(u"message"_s)
                 .toString()
                 .contains(u"Provider OpenAI does not serve the model 'openai/gpt-4o-mini'"_s),
        openai.body.constData());

    // An Anthropic client gets the refusal in Anthropic's envelope.
    const QByteArray body
        = R"({"model":"openai/gpt-4o-mini","max_tokens":50,"messages":[{"role":"user","content":"Hi"}]})";
    const TestHttpResult anthropic = m_team->harness().messages(body);
    QCOMPARE(anthropic.status, 403);
    QCOMPARE(anthropic.json().value(u"type"_s).toString(), u"error"_s);
    QCOMPARE(anthropic.json()[u"error"_s][u"type"_s].toString(), u"permission_error"_s);
    QVERIFY2(anthropic.json()[u"error"_s][u"message"_s].toString().contains(u"Provider OpenAI"_s),
        anthropic.body.constData());
    QVERIFY(m_team->harness().upstream().receivedRequests().isEmpty());

    // A model the list allows goes through, and clearing the list takes effect at once, without a restart.
    QCOMPARE(m_team->chat(m_team->harness().apiKey(), u"openai/o3-mini"_s).status, 200);
    QCOMPARE(patch({ { u"allowed_models"_s, QJsonValue::Null } }).status, 200);
    QCOMPARE(m_team->chat(m_team->harness().apiKey(), u"openai/gpt-4o-mini"_s).status, 200);
}

void TestApiProviders::monthlySpendLimitIsEnforced()
{
    QCOMPARE(patch({ { u"spend_limit_usd"_s, 0.000001 } }).status, 200);
    QCOMPARE(
        m_team->chat(m_team->harness().apiKey(), u"openai/gpt-4o-mini"_s).status, 200); // nothing spent yet

    const TestHttpResult refused = m_team->chat(m_team->harness().apiKey(), u"openai/gpt-4o-mini"_s);
    QCOMPARE(refused.status, 429);
    const QJsonObject error = refused.json().value(u"error"_s).toObject();
    QCOMPARE(error.value(u"code"_s).toString(), u"provider_spend_limit_reached"_s);
    const QString message = error.value(u"message"_s).toString();
    QVERIFY2(message.contains(u"Provider OpenAI has reached its monthly spend limit"_s)
            && message.contains(u"owner or admin"_s),
        qPrintable(message));

    const TestHttpResult shown = m_team->call(m_team->developer.token, "GET", u"/api/v1/providers/openai"_s);
    QVERIFY(shown.json().value(u"month_spend_usd"_s).toDouble() > 0.000001);
    QCOMPARE(patch({ { u"spend_limit_usd"_s, 100 } }).status, 200);
    QCOMPARE(m_team->chat(m_team->harness().apiKey(), u"openai/gpt-4o-mini"_s).status, 200);
}

void TestApiProviders::monthSpendIsSeededFromTheRecords()
{
    QCOMPARE(m_team->chat(m_team->harness().apiKey(), u"openai/gpt-4o-mini"_s).status, 200);
    const auto rows = m_team->harness().waitForRecords(1);
    QCOMPARE(rows.size(), 1);
    const double cost = rows.first().value(u"cost"_s).toDouble();
    QVERIFY(cost > 0);

    const GatewayConfig &config = m_team->gateway().config();
    QString error;
    const auto location = Gateway::databaseLocation(config, &error);
    ProviderSettingsStore settings(*location);
    SecretStore secrets(config.keychainService);
    SystemClock clock;
    ProviderRegistry restarted(config.providers, settings, secrets, clock);
    StoreError loadError;
    QVERIFY2(restarted.load(&loadError), qPrintable(loadError.message));
    QVERIFY(sameMoney(restarted.spend().thisMonth(u"openai"_s, clock.now()), cost));
    QCOMPARE(restarted.spend().thisMonth(u"anthropic"_s, clock.now()), 0.0);
}

// Another gateway sharing the database (here: its settings store writing the row) limits OpenAI's models;
// this one follows at its next refresh, in the API and in the proxy.
void TestApiProviders::anotherInstancesChangesArePickedUp()
{
    QString error;
    const auto location = Gateway::databaseLocation(m_team->gateway().config(), &error);
    QVERIFY2(location, qPrintable(error));
    ProviderSettingsStore elsewhere(*location);
    ProviderSettings settings;
    settings.allowedModels = { u"gpt-4o"_s };
    AuditEntry audit;
    audit.at = QDateTime::currentDateTimeUtc();
    audit.actorEmail = u"owner@elsewhere"_s;
    audit.action = u"provider.update"_s;
    audit.target = u"provider:openai"_s;
    StoreError storeError;
    QVERIFY2(elsewhere.write(u"openai"_s, settings, audit, &storeError), qPrintable(storeError.message));

    QCOMPARE(m_team->chat(m_team->harness().apiKey(), u"openai/gpt-4o-mini"_s).status, 200); // not yet read
    QVERIFY2(m_team->gateway().providers().refresh(&storeError), qPrintable(storeError.message));
    const TestHttpResult shown = m_team->call(m_team->owner.token, "GET", u"/api/v1/providers/openai"_s);
    QCOMPARE(shown.json().value(u"allowed_models"_s).toArray(), QJsonArray { u"gpt-4o"_s });
    QCOMPARE(m_team->chat(m_team->harness().apiKey(), u"openai/gpt-4o-mini"_s).status, 403);
    QCOMPARE(m_team->chat(m_team->harness().apiKey(), u"openai/gpt-4o"_s).status, 200);
    // Nothing changed since: a refresh keeps the snapshot as it is.
    const quint64 generation = m_team->gateway().providers().snapshot()->generation;
    QVERIFY(m_team->gateway().providers().refresh(&storeError));
    QCOMPARE(m_team->gateway().providers().snapshot()->generation, generation);
}

QTEST_GUILESS_MAIN(TestApiProviders)
#include "tst_apiproviders.moc"
