// Azure OpenAI addressing: deployment-style paths with api-version, and the v1 API.
#include "azureopenai.h"

#include <QTest>

using namespace Qt::StringLiterals;
using AzureOpenAI::Operation;

Q_DECLARE_METATYPE(AzureOpenAI::Operation)

class TestAzureOpenAI : public QObject
{
    Q_OBJECT

private slots:
    void target_data();
    void target();
    void rejected_data();
    void rejected();
    void keyHeader();
};

void TestAzureOpenAI::target_data()
{
    QTest::addColumn<QString>("endpoint");
    QTest::addColumn<QString>("deployment");
    QTest::addColumn<Operation>("operation");
    QTest::addColumn<QString>("apiVersion");
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<bool>("modelInBody");

    QTest::newRow("chat, default api-version")
        << u"https://contoso.openai.azure.com"_s << u"gpt-4o-mini"_s << Operation::ChatCompletions
        << QString() << QByteArray("https://contoso.openai.azure.com")
        << QByteArray("/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21") << false;
    QTest::newRow("embeddings, trailing slash, given version")
        << u"https://contoso.openai.azure.com/"_s << u"text-embedding-3-small"_s << Operation::Embeddings
        << u"2024-06-01"_s << QByteArray("https://contoso.openai.azure.com")
        << QByteArray("/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-06-01")
        << false;
    QTest::newRow("endpoint already ending in /openai")
        << u"https://contoso.openai.azure.com/openai"_s << u"gpt-4o"_s << Operation::ChatCompletions
        << u"2025-04-01-preview"_s << QByteArray("https://contoso.openai.azure.com")
        << QByteArray("/openai/deployments/gpt-4o/chat/completions?api-version=2025-04-01-preview") << false;
    QTest::newRow("v1 chat") << u"https://contoso.openai.azure.com/openai/v1/"_s << u"gpt-4o"_s
                             << Operation::ChatCompletions << u"v1"_s
                             << QByteArray("https://contoso.openai.azure.com")
                             << QByteArray("/openai/v1/chat/completions") << true;
    QTest::newRow("v1 embeddings, AI Foundry host")
        << u"https://contoso.cognitiveservices.azure.com"_s << u"embed"_s << Operation::Embeddings
        << u" v1 "_s << QByteArray("https://contoso.cognitiveservices.azure.com")
        << QByteArray("/openai/v1/embeddings") << true;
    QTest::newRow("responses always on v1, whatever the api-version")
        << u"https://contoso.openai.azure.com"_s << u"gpt-4.1"_s << Operation::Responses << u"2024-10-21"_s
        << QByteArray("https://contoso.openai.azure.com") << QByteArray("/openai/v1/responses") << true;
    QTest::newRow("gateway in front: port and path prefix kept")
        << u"https://apim.example.net:8443/ai-gateway/"_s << u"my.deployment_1"_s
        << Operation::ChatCompletions << QString() << QByteArray("https://apim.example.net:8443")
        << QByteArray(
               "/ai-gateway/openai/deployments/my.deployment_1/chat/completions?api-version=2024-10-21")
        << false;
    QTest::newRow("local test server over http")
        << u"http://127.0.0.1:8080"_s << u"d"_s << Operation::ChatCompletions << u"2024-10-21"_s
        << QByteArray("http://127.0.0.1:8080")
        << QByteArray("/openai/deployments/d/chat/completions?api-version=2024-10-21") << false;
    QTest::newRow("deployment and version cannot break out of their place")
        << u"https://contoso.openai.azure.com"_s << u"a/../b?x"_s << Operation::ChatCompletions << u"1&x=2"_s
        << QByteArray("https://contoso.openai.azure.com")
        << QByteArray("/openai/deployments/a%2F..%2Fb%3Fx/chat/completions?api-version=1%26x%3D2") << false;
}

void TestAzureOpenAI::target()
{
    QFETCH(QString, endpoint);
    QFETCH(QString, deployment);
    QFETCH(Operation, operation);
    QFETCH(QString, apiVersion);
    QFETCH(QByteArray, origin);
    QFETCH(QByteArray, path);
    QFETCH(bool, modelInBody);
    QString error;
    const auto target = AzureOpenAI::target(endpoint, deployment, operation, apiVersion, &error);
    QVERIFY2(target, qPrintable(error));
    QCOMPARE(target->origin, origin);
    QCOMPARE(target->path, path);
    QCOMPARE(target->modelInBody, modelInBody);
}

void TestAzureOpenAI::rejected_data()
{
    QTest::addColumn<QString>("endpoint");
    QTest::addColumn<QString>("deployment");
    QTest::addColumn<QString>("error");
    QTest::newRow("no scheme") << u"contoso.openai.azure.com"_s << u"d"_s << u"is not a URL like https://"_s;
    QTest::newRow("empty endpoint") << QString() << u"d"_s << u"is not a URL like https://"_s;
    QTest::newRow("other scheme") << u"ftp://contoso.openai.azure.com"_s << u"d"_s
                                  << u"is not a URL like https://"_s;
    QTest::newRow("query in endpoint")
        << u"https://contoso.openai.azure.com/?api-version=1"_s << u"d"_s << u"is not a URL like https://"_s;
    QTest::newRow("no deployment") << u"https://contoso.openai.azure.com"_s << u" "_s
                                   << u"No Azure OpenAI deployment name"_s;
}

void TestAzureOpenAI::rejected()
{
    QFETCH(QString, endpoint);
    QFETCH(QString, deployment);
    QFETCH(QString, error);
    QString message;
    QVERIFY(!AzureOpenAI::target(endpoint, deployment, Operation::ChatCompletions, QString(), &message));
    QVERIFY2(message.contains(error), qPrintable(message));
}

void TestAzureOpenAI::keyHeader()
{
    QCOMPARE(QByteArray(AzureOpenAI::keyHeader), QByteArray("api-key"));
    QCOMPARE(QByteArray(AzureOpenAI::defaultApiVersion), QByteArray("2024-10-21"));
}

QTEST_GUILESS_MAIN(TestAzureOpenAI)
#include "tst_azureopenai.moc"
