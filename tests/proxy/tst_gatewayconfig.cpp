// Settings from config.json and the environment, and how they route models: what a user writes and gets.

#include "gatewayconfig.h"
#include "modelcatalog.h"
#include "proxy/modelresolver.h"
#include "proxy/providerstats.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestGatewayConfig final : public QObject
{
    Q_OBJECT

private slots:
    void defaults();
    void environmentConfiguresProviders();
    void fileSettingsAndCustomProvider();
    void badFiles_data();
    void badFiles();
    void routing();
    void priceTiesGoToTheHealthierProvider();

private:
    static std::optional<GatewayConfig> load(
        const QByteArray &json, const QProcessEnvironment &env, QString *error);
};

std::optional<GatewayConfig> TestGatewayConfig::load(
    const QByteArray &json, const QProcessEnvironment &env, QString *error)
{
    QTemporaryDir dir;
    if (!json.isNull()) {
        QFile file(dir.filePath(u"config.json"_s));
        if (!file.open(QIODevice::WriteOnly))
            return std::nullopt;
        file.write(json);
    }
    return GatewayConfig::load(dir.path(), QString(), env, error);
}

void TestGatewayConfig::defaults()
{
    QString error;
    const auto config = load({}, {}, &error);
    QVERIFY2(config, qPrintable(error));
    QCOMPARE(config->host, u"127.0.0.1"_s);
    QCOMPARE(config->port, GatewayConfig::DefaultPort);
    QCOMPARE(config->retention, RetentionLevel::RetainAll);
    QCOMPARE(config->maxBodyBytes, qint64(32 * 1024 * 1024));
    QVERIFY(!config->responseCacheEnabled);
    // Without keys only the local servers are reachable, at their default addresses.
    QStringList ids;
    for (const ProviderConfig &provider : config->providers)
        ids.append(provider.spec.id);
    QCOMPARE(ids, (QStringList { u"ollama"_s, u"lmstudio"_s }));
    QCOMPARE(config->provider(u"ollama")->pathPrefix, QByteArray("/v1"));
    // Listening on loopback: only loopback names are served (DNS rebinding).
    QVERIFY(config->hostAllowList().contains("localhost"));
    QVERIFY(!config->hostAllowList().contains("evil.example"));
}

void TestGatewayConfig::environmentConfiguresProviders()
{
    QProcessEnvironment env;
    env.insert(u"GROQ_API_KEY"_s, u"gsk"_s);
    env.insert(u"OPENAI_API_KEY"_s, u"sk"_s);
    env.insert(u"OPENAI_BASE_URL"_s, u"http://127.0.0.1:9/proxy/v1/"_s);
    env.insert(u"LLMGW_DATABASE"_s, u"postgres://u@h/db"_s);
    QString error;
    const auto config = load({}, env, &error);
    QVERIFY2(config, qPrintable(error));
    const ProviderConfig *groq = config->provider(u"groq");
    QVERIFY(groq);
    QCOMPARE(groq->apiKey, u"gsk"_s);
    QVERIFY(groq->endpoint.tls);
    QCOMPARE(groq->endpoint.host, u"api.groq.com"_s);
    QCOMPARE(groq->pathPrefix, QByteArray("/openai/v1"));
    const ProviderConfig *openai = config->provider(u"openai");
    QCOMPARE(openai->endpoint.port, quint16(9));
    QCOMPARE(openai->pathPrefix, QByteArray("/proxy/v1")); // the trailing slash does not double up
    QCOMPARE(config->databaseUrl, u"postgres://u@h/db"_s);
    QVERIFY(!config->provider(u"mistral"));
}

void TestGatewayConfig::fileSettingsAndCustomProvider()
{
    QProcessEnvironment env;
    env.insert(u"MY_KEY"_s, u"secret"_s);
    QString error;
    const auto config
        = load(R"({"port": 9000, "retention_level": "metadata_only", "allowed_hosts": ["Gateway.LAN"],
        "response_cache": {"enabled": true, "ttl_seconds": 60},
        "providers": {"openai": {"base_url": "https://eu.example/v1", "api_key_env": "MY_KEY"},
                      "mybox": {"name": "My box", "base_url": "http://10.0.0.5:8000/v1"}}})",
            env, &error);
    QVERIFY2(config, qPrintable(error));
    QCOMPARE(config->port, quint16(9000));
    QCOMPARE(config->retention, RetentionLevel::MetadataOnly);
    QVERIFY(config->hostAllowList().contains("gateway.lan"));
    QVERIFY(config->responseCacheEnabled);
    QCOMPARE(config->responseCacheTtlMs, qint64(60'000));
    QCOMPARE(config->provider(u"openai")->apiKey, u"secret"_s);
    QCOMPARE(config->provider(u"openai")->endpoint.host, u"eu.example"_s);
    const ProviderConfig *custom = config->provider(u"mybox");
    QVERIFY(custom);
    QCOMPARE(custom->spec.displayName, u"My box"_s);
    QCOMPARE(custom->spec.family, ProviderFamily::OpenAICompatible);
    QCOMPARE(custom->endpoint.port, quint16(8000));
    QCOMPARE(custom->pathPrefix, QByteArray("/v1"));
}

void TestGatewayConfig::badFiles_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");
    QTest::newRow("not JSON") << QByteArray("{port: 1") << u"is not a JSON object"_s;
    QTest::newRow("unknown setting") << QByteArray(R"({"prot": 1})") << u"unknown setting 'prot'"_s;
    QTest::newRow("port range") << QByteArray(R"({"port": 70000})") << u"'port' must be a whole number"_s;
    QTest::newRow("retention") << QByteArray(R"({"retention_level": "some"})") << u"retention_level"_s;
    QTest::newRow("custom without URL") << QByteArray(R"({"providers": {"mybox": {}}})") << u"base_url"_s;
    QTest::newRow("bad base URL") << QByteArray(R"({"providers": {"mybox": {"base_url": "ftp://x"}}})")
                                  << u"is not an http:// or https:// URL"_s;
    QTest::newRow("cache ttl") << QByteArray(R"({"response_cache": {"ttl_seconds": 0}})")
                               << u"response_cache"_s;
}

void TestGatewayConfig::badFiles()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    QString error;
    QVERIFY(!load(json, {}, &error));
    QVERIFY2(error.contains(message) && error.contains(u"config.json"_s), qPrintable(error));
}

void TestGatewayConfig::routing()
{
    QProcessEnvironment env;
    env.insert(u"OPENAI_API_KEY"_s, u"sk"_s);
    QString error;
    const auto config
        = load(R"({"providers": {"mybox": {"base_url": "http://127.0.0.1:8000/v1"}}})", env, &error);
    QVERIFY2(config, qPrintable(error));
    const ModelCatalog catalog = ModelCatalog::builtIn();
    const ModelResolver resolver(*config, catalog);

    auto routes = std::get<QList<ModelRoute>>(resolver.resolve(u"mybox/qwen-7b"_s));
    QCOMPARE(routes.size(), 1);
    QCOMPARE(routes.first().provider->spec.id, u"mybox"_s);
    QCOMPARE(routes.first().upstreamModel, u"qwen-7b"_s);
    QVERIFY(!routes.first().model); // the user's own server: price unknown unless the catalog has it

    routes = std::get<QList<ModelRoute>>(resolver.resolve(u"gpt-4o-mini"_s));
    QCOMPARE(routes.first().provider->spec.id, u"openai"_s);
    QVERIFY(routes.first().model && routes.first().model->price);

    const auto notConfigured = std::get<ProxyError>(resolver.resolve(u"groq/llama"_s));
    QCOMPARE(notConfigured.status, 404);
    QVERIFY(notConfigured.message.contains(u"GROQ_API_KEY"_s));
    QCOMPARE(std::get<ProxyError>(resolver.resolve(u"no-such-model"_s)).code, QByteArray("model_not_found"));
}

void TestGatewayConfig::priceTiesGoToTheHealthierProvider()
{
    QProcessEnvironment env;
    env.insert(u"GROQ_API_KEY"_s, u"g"_s);
    env.insert(u"TOGETHER_API_KEY"_s, u"t"_s);
    env.insert(u"MISTRAL_API_KEY"_s, u"m"_s);
    QString error;
    const auto config = load({}, env, &error);
    QVERIFY2(config, qPrintable(error));
    const auto catalog = ModelCatalog::fromJson(R"({"version":1,"providers":{
        "groq":{"models":{"open-model":{"input":1,"output":1,"context":1000,"max_output":100}}},
        "together":{"models":{"open-model":{"input":1,"output":1,"context":1000,"max_output":100}}},
        "mistral":{"models":{"open-model":{"input":0.5,"output":0.5,"context":1000,"max_output":100}}}}})",
        &error);
    QVERIFY2(catalog, qPrintable(error));
    ProviderStats stats;
    const ModelResolver resolver(*config, *catalog, &stats);
    const auto order = [&] {
        QStringList ids;
        const auto resolved = resolver.resolve(u"open-model"_s);
        for (const ModelRoute &route : std::get<QList<ModelRoute>>(resolved))
            ids.append(route.provider->spec.id);
        return ids;
    };
    // Cheapest first; at equal price, catalog order while nothing is known.
    const QStringList byCatalog { u"mistral"_s, u"groq"_s, u"together"_s };
    QCOMPARE(order(), byCatalog);
    // groq has been failing: together goes before it. Price still comes first.
    for (int i = 0; i < 5; ++i) {
        stats.record(u"groq"_s, true, 100);
        stats.record(u"together"_s, false, 300);
    }
    const QStringList byHealth { u"mistral"_s, u"together"_s, u"groq"_s };
    QCOMPARE(order(), byHealth);
    // Both healthy: the faster one first.
    for (int i = 0; i < 60; ++i)
        stats.record(u"groq"_s, false, 100);
    QVERIFY(stats.snapshot(u"groq"_s).errorRate < 0.05);
    QCOMPARE(order(), byCatalog);
}

QTEST_GUILESS_MAIN(TestGatewayConfig)
#include "tst_gatewayconfig.moc"
