// Model listing in each client's shape: GET /v1/models and /v1/models/{id} in OpenAI's or, for Anthropic's
// clients (anthropic-version or x-api-key), Anthropic's; GET /v1beta/models and /v1beta/models/{model} in
// Google's. Unknown models and missing keys in the matching error envelope; no records.

#include "fakeupstream.h"
#include "proxyharness.h"
#include "testhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

class TestProxyModels final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void openAIList();
    void anthropicList_data();
    void anthropicList();
    void geminiList();
    void oneModel_data();
    void oneModel();
    void unknownModel_data();
    void unknownModel();
    void withoutKey_data();
    void withoutKey();
    void onlyGet();
    void listingLeavesNoRecord();

private:
    TestHttpResult get(const QString &path, const QList<QPair<QByteArray, QByteArray>> &headers);
    QList<QPair<QByteArray, QByteArray>> openAIHeaders() const { return { m_harness.authHeader() }; }
    QList<QPair<QByteArray, QByteArray>> anthropicHeaders() const
    {
        return { { "x-api-key", m_harness.apiKey() }, { "anthropic-version", "2023-06-01" } };
    }
    QList<QPair<QByteArray, QByteArray>> geminiHeaders() const
    {
        return { { "x-goog-api-key", m_harness.apiKey() } };
    }
    QStringList openAIIds();

    ProxyHarness m_harness;
};

void TestProxyModels::initTestCase()
{
    ProxyHarness::Options options;
    options.translatingProviders = true;
    QString error;
    QVERIFY2(m_harness.start(options, &error), qPrintable(error));
}

TestHttpResult TestProxyModels::get(const QString &path, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    return TestHttp::call(m_harness.nam(), m_harness.port(), "GET", path, {}, headers);
}

QStringList TestProxyModels::openAIIds()
{
    QStringList ids;
    for (const QJsonValue &model : get(u"/v1/models"_s, openAIHeaders()).json().value(u"data").toArray())
        ids.append(model[u"id"].toString());
    return ids;
}

void TestProxyModels::openAIList()
{
    const TestHttpResult result = get(u"/v1/models"_s, openAIHeaders());
    QCOMPARE(result.status, 200);
    QCOMPARE(result.json().value(u"object").toString(), u"list"_s);
    const QStringList ids = openAIIds();
    QVERIFY(ids.contains(u"openai/gpt-4o-mini"_s));
    QVERIFY(ids.contains(u"anthropic/claude-haiku-4-5"_s));
    QVERIFY(ids.contains(u"google/gemini-2.5-flash"_s));
    QVERIFY(ids.contains(u"openai/text-embedding-3-small"_s));
    const QJsonObject first = result.json().value(u"data").toArray().first().toObject();
    QCOMPARE(first.value(u"object").toString(), u"model"_s);
    QVERIFY(first.contains(u"owned_by"));
}

void TestProxyModels::anthropicList_data()
{
    QTest::addColumn<QByteArray>("keyHeader");
    QTest::addColumn<bool>("version");
    QTest::newRow("x-api-key and anthropic-version") << QByteArray("x-api-key") << true;
    QTest::newRow("x-api-key alone") << QByteArray("x-api-key") << false;
    QTest::newRow("bearer and anthropic-version") << QByteArray("authorization") << true;
}

void TestProxyModels::anthropicList()
{
    QFETCH(QByteArray, keyHeader);
    QFETCH(bool, version);
    QList<QPair<QByteArray, QByteArray>> headers { { keyHeader,
        keyHeader == "authorization" ? "Bearer " + m_harness.apiKey() : m_harness.apiKey() } };
    if (version)
        headers.append({ QByteArray("anthropic-version"), QByteArray("2023-06-01") });
    const TestHttpResult result = get(u"/v1/models"_s, headers);
    QCOMPARE(result.status, 200);
    const QJsonObject list = result.json();
    QCOMPARE(list.value(u"has_more"), QJsonValue(false));
    QVERIFY(!list.contains(u"object"));
    const QJsonArray data = list.value(u"data").toArray();
    QStringList ids;
    for (const QJsonValue &model : data) {
        QCOMPARE(model[u"type"].toString(), u"model"_s);
        QCOMPARE(model[u"display_name"].toString(), model[u"id"].toString());
        QCOMPARE(model[u"created_at"].toString(), u"1970-01-01T00:00:00Z"_s);
        ids.append(model[u"id"].toString());
    }
    QCOMPARE(ids, openAIIds()); // the same models, Anthropic's shape
    QCOMPARE(list.value(u"first_id").toString(), ids.first());
    QCOMPARE(list.value(u"last_id").toString(), ids.last());
}

void TestProxyModels::geminiList()
{
    const TestHttpResult result = get(u"/v1beta/models"_s, geminiHeaders());
    QCOMPARE(result.status, 200);
    const QJsonArray models = result.json().value(u"models").toArray();
    QStringList names;
    for (const QJsonValue &model : models) {
        names.append(model[u"name"].toString());
        QCOMPARE(model[u"displayName"].toString(), model[u"name"].toString().mid(7));
        QCOMPARE(model[u"supportedGenerationMethods"].toArray(),
            (QJsonArray { u"generateContent"_s, u"streamGenerateContent"_s, u"countTokens"_s }));
    }
    QVERIFY(names.contains(u"models/openai/gpt-4o-mini"_s));
    QVERIFY(names.contains(u"models/google/gemini-2.5-flash"_s));
    // Gemini clients reach generation only: embeddings models are OpenAI-endpoint business.
    QVERIFY(!names.contains(u"models/openai/text-embedding-3-small"_s));
    QStringList generationIds; // the catalog's embeddings models all have "embed" in their names
    for (const QString &id : openAIIds()) {
        if (!id.contains(u"embed"_s))
            generationIds.append(u"models/"_s + id);
    }
    QCOMPARE(names, generationIds);
    const QJsonObject flash = models.at(names.indexOf(u"models/google/gemini-2.5-flash"_s)).toObject();
    QCOMPARE(flash.value(u"inputTokenLimit").toInteger(), 1048576);
    QCOMPARE(flash.value(u"outputTokenLimit").toInteger(), 65536);
}

void TestProxyModels::oneModel_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("shape"); // 0 OpenAI, 1 Anthropic, 2 Gemini
    QTest::addColumn<QString>("id");
    QTest::newRow("openai") << u"/v1/models/openai/gpt-4o-mini"_s << 0 << u"openai/gpt-4o-mini"_s;
    QTest::newRow("openai, percent-encoded")
        << u"/v1/models/openai%2Fgpt-4o-mini"_s << 0 << u"openai/gpt-4o-mini"_s;
    QTest::newRow("openai, bare name") << u"/v1/models/gpt-4o-mini"_s << 0 << u"openai/gpt-4o-mini"_s;
    QTest::newRow("anthropic") << u"/v1/models/anthropic/claude-haiku-4-5"_s << 1
                               << u"anthropic/claude-haiku-4-5"_s;
    QTest::newRow("anthropic, bare name")
        << u"/v1/models/claude-haiku-4-5"_s << 1 << u"anthropic/claude-haiku-4-5"_s;
    QTest::newRow("gemini") << u"/v1beta/models/google/gemini-2.5-flash"_s << 2
                            << u"google/gemini-2.5-flash"_s;
    QTest::newRow("gemini, bare name")
        << u"/v1beta/models/gemini-2.5-flash"_s << 2 << u"google/gemini-2.5-flash"_s;
}

void TestProxyModels::oneModel()
{
    QFETCH(QString, path);
    QFETCH(int, shape);
    QFETCH(QString, id);
    const TestHttpResult result = get(path,
        shape == 0       ? openAIHeaders()
            : shape == 1 ? anthropicHeaders()
                         : geminiHeaders());
    QCOMPARE(result.status, 200);
    const QJsonObject model = result.json();
    switch (shape) {
    case 0:
        QCOMPARE(model,
            (QJsonObject { { u"id"_s, id }, { u"object"_s, u"model"_s }, { u"created"_s, 0 },
                { u"owned_by"_s, id.section(u'/', 0, 0) } }));
        break;
    case 1:
        QCOMPARE(model,
            (QJsonObject { { u"type"_s, u"model"_s }, { u"id"_s, id }, { u"display_name"_s, id },
                { u"created_at"_s, u"1970-01-01T00:00:00Z"_s } }));
        break;
    default:
        QCOMPARE(model.value(u"name").toString(), u"models/"_s + id);
        QVERIFY(model.value(u"supportedGenerationMethods").toArray().contains(u"generateContent"_s));
    }
}

void TestProxyModels::unknownModel_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("shape");
    QTest::newRow("openai") << u"/v1/models/openai/no-such-model"_s << 0;
    QTest::newRow("anthropic") << u"/v1/models/claude-none"_s << 1;
    QTest::newRow("gemini") << u"/v1beta/models/gemini-none"_s << 2;
    QTest::newRow("a provider not configured") << u"/v1/models/mistral/mistral-large-latest"_s << 0;
}

void TestProxyModels::unknownModel()
{
    QFETCH(QString, path);
    QFETCH(int, shape);
    const TestHttpResult result = get(path,
        shape == 0       ? openAIHeaders()
            : shape == 1 ? anthropicHeaders()
                         : geminiHeaders());
    QCOMPARE(result.status, 404);
    const QJsonObject body = result.json();
    const QJsonObject error = body.value(u"error").toObject();
    QVERIFY2(error.value(u"message").toString().contains(u"does not exist"_s), result.body.constData());
    switch (shape) {
    case 0:
        QCOMPARE(error.value(u"code").toString(), u"model_not_found"_s);
        break;
    case 1:
        QCOMPARE(body.value(u"type").toString(), u"error"_s);
        QCOMPARE(error.value(u"type").toString(), u"not_found_error"_s);
        break;
    default:
        QCOMPARE(error.value(u"code").toInt(), 404);
        QCOMPARE(error.value(u"status").toString(), u"NOT_FOUND"_s);
    }
}

void TestProxyModels::withoutKey_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<int>("shape");
    QTest::newRow("openai") << u"/v1/models"_s << QByteArray() << 0;
    QTest::newRow("anthropic") << u"/v1/models"_s << QByteArray("x-api-key") << 1;
    QTest::newRow("gemini") << u"/v1beta/models"_s << QByteArray("x-goog-api-key") << 2;
}

void TestProxyModels::withoutKey()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, header);
    QFETCH(int, shape);
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!header.isEmpty())
        headers.append({ header, "not-a-gateway-key" });
    const TestHttpResult result = get(path, headers);
    QCOMPARE(result.status, 401);
    const QJsonObject body = result.json();
    if (shape == 0)
        QCOMPARE(body.value(u"error").toObject().value(u"code").toString(), u"invalid_api_key"_s);
    else if (shape == 1)
        QCOMPARE(body.value(u"error").toObject().value(u"type").toString(), u"authentication_error"_s);
    else
        QCOMPARE(body.value(u"error").toObject().value(u"status").toString(), u"UNAUTHENTICATED"_s);
}

void TestProxyModels::onlyGet()
{
    const TestHttpResult result
        = TestHttp::call(m_harness.nam(), m_harness.port(), "POST", u"/v1beta/models"_s, "{}",
            { { "x-goog-api-key", m_harness.apiKey() }, { "content-type", "application/json" } });
    QCOMPARE(result.status, 405);
    QCOMPARE(result.json().value(u"error").toObject().value(u"code").toInt(), 405);
}

void TestProxyModels::listingLeavesNoRecord()
{
    QVERIFY(m_harness.records().isEmpty());
}

QTEST_GUILESS_MAIN(TestProxyModels)
#include "tst_proxymodels.moc"
