// The dashboard's API client against a gateway serving HTTPS with a certificate no CA vouches for: refused by
// default, as any client must; accepted when told to trust exactly that certificate, as the window does for
// the gateway it hosts (HostedGatewayControl).

#include "apiclient.h"
#include "gateway.h"
#include "servercertificate.h"
#include "testcertificates.h"

#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace Qt::StringLiterals;

class TestApiClientTls final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void untrustedCertificateIsRefused();
    void trustedCertificateIsAccepted();
    void anotherCertificateIsNotAccepted();

private:
    // GET /api/v1/status through `client`; the result.
    ApiResult<StatusInfo> status(ApiClient &client);
    ApiClient &fresh();

    SystemClock m_clock;
    QTemporaryDir m_dataDir;
    std::unique_ptr<Gateway> m_gateway;
    std::unique_ptr<ApiClient> m_client;
    QByteArray m_token;
};

void TestApiClientTls::initTestCase()
{
    QString error;
    auto config = GatewayConfig::load(m_dataDir.path(), QString(), QProcessEnvironment(), &error);
    QVERIFY2(config, qPrintable(error));
    config->port = 0;
    config->workerThreads = 1;
    config->keychainService = u"llm-gateway-test-%1"_s.arg(QUuid::createUuid().toString(QUuid::Id128));
    config->tlsCertificateFile = TestCertificates::path(u"gateway-a.pem"_s);
    config->tlsKeyFile = TestCertificates::path(u"gateway-a.key"_s);
    m_gateway = std::make_unique<Gateway>(*config, m_clock);
    QVERIFY2(m_gateway->start(&error), qPrintable(error));
    m_token = m_gateway->localOwnerToken(&error);
    QVERIFY2(!m_token.isEmpty(), qPrintable(error));
}

void TestApiClientTls::cleanupTestCase()
{
    m_client.reset();
    m_gateway.reset();
}

ApiClient &TestApiClientTls::fresh()
{
    m_client = std::make_unique<ApiClient>(); // no connection or TLS session carried over from another test
    m_client->setBaseUrl(QUrl(m_gateway->url()));
    m_client->setToken(m_token);
    return *m_client;
}

ApiResult<StatusInfo> TestApiClientTls::status(ApiClient &client)
{
    std::optional<ApiResult<StatusInfo>> result;
    QObject context;
    client.status({}, &context, [&](const ApiResult<StatusInfo> &r) { result = r; });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 10000)) {
        ApiResult<StatusInfo> none;
        none.error.message = u"no answer within 10 s"_s;
        return none;
    }
    return *result;
}

void TestApiClientTls::untrustedCertificateIsRefused()
{
    const auto result = status(fresh());
    QVERIFY(!result.ok());
    QVERIFY2(result.error.message.contains(u"no secure connection could be made"_s),
        qPrintable(result.error.message));
}

void TestApiClientTls::trustedCertificateIsAccepted()
{
    ApiClient &client = fresh();
    const ServerCertificate *certificate = m_gateway->serverCertificate();
    client.setCertificateTrust(
        [certificate](const QSslCertificate &peer) { return peer == certificate->certificate(); });
    const auto result = status(client);
    QVERIFY2(result.ok(), qPrintable(result.error.message));
    QCOMPARE(result->url, m_gateway->url());
    QVERIFY(result->url.startsWith(u"https://"_s));
}

void TestApiClientTls::anotherCertificateIsNotAccepted()
{
    ApiClient &client = fresh();
    const QSslCertificate other = TestCertificates::certificate(u"gateway-b.pem"_s);
    client.setCertificateTrust([other](const QSslCertificate &peer) { return peer == other; });
    QVERIFY(!status(client).ok());
}

QTEST_GUILESS_MAIN(TestApiClientTls)
#include "tst_apiclienttls.moc"
