// The gateway serving HTTPS as a team runs it: the config and command-line settings, the https:// URL, a
// start that refuses an unusable certificate, the warning for plain HTTP on a reachable address, and the
// refusal of sign-in and token creation over plain HTTP from another machine (unless a TLS proxy sits in
// front).

#include "apiroutes.h"
#include "gateway.h"
#include "rawhttpclient.h"
#include "testcertificates.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkInterface>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace Qt::StringLiterals;
using TestCertificates::path;

namespace {

const QString Password = u"correct horse battery"_s;

// An address of this machine that is not loopback, so a connection to it comes from a non-loopback peer.
QString nonLoopbackAddress()
{
    for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
        if (address.protocol() == QAbstractSocket::IPv4Protocol && !address.isLoopback())
            return address.toString();
    }
    return {};
}

QJsonObject json(const RawHttpResponse &response)
{
    return QJsonDocument::fromJson(response.body).object();
}

} // namespace

class TestGatewayTls final : public QObject
{
    Q_OBJECT

private slots:
    void cleanup();

    void configFileAndCommandLineSettings();
    void badTlsSettings_data();
    void badTlsSettings();
    void servesHttpsAndSaysSo();
    void startFailsWithAnUnusableCertificate_data();
    void startFailsWithAnUnusableCertificate();
    void plainSignInFromAnotherMachineIsRefused();
    void signInFromAnotherMachineOverTls();
    void signInBehindATlsProxy();

private:
    GatewayConfig config(const QString &host = u"127.0.0.1"_s);
    void start(const GatewayConfig &config);
    // A developer with a password and a token, added through the store.
    QByteArray addDeveloper();
    RawHttpResponse call(RawHttpClient &client, const QByteArray &method, const QByteArray &path,
        const QJsonObject &body = {}, const QByteArray &token = {});

    SystemClock m_clock;
    QString m_email; // the developer's, after addDeveloper()
    QTemporaryDir m_dataDir;
    std::unique_ptr<Gateway> m_gateway;
};

void TestGatewayTls::cleanup()
{
    m_gateway.reset();
}

GatewayConfig TestGatewayTls::config(const QString &host)
{
    QString error;
    auto config = GatewayConfig::load(m_dataDir.path(), QString(), QProcessEnvironment(), &error);
    if (!config)
        qFatal("%s", qPrintable(error));
    config->host = host;
    config->port = 0;
    config->workerThreads = 1;
    config->keychainService = u"llm-gateway-test-%1"_s.arg(QUuid::createUuid().toString(QUuid::Id128));
    return *config;
}

void TestGatewayTls::start(const GatewayConfig &config)
{
    m_gateway = std::make_unique<Gateway>(config, m_clock);
    QString error;
    QVERIFY2(m_gateway->start(&error), qPrintable(error));
}

QByteArray TestGatewayTls::addDeveloper()
{
    const Actor cli { 0, u"cli"_s };
    StoreError error;
    const QString email = u"dev-%1@example.org"_s.arg(QUuid::createUuid().toString(QUuid::Id128));
    const auto member = m_gateway->members().add(cli, email, u"Dev"_s, Role::Developer, &error);
    if (!member || !m_gateway->members().setPassword(cli, member->id, Password, &error))
        qFatal("%s", qPrintable(error.message));
    const auto token = m_gateway->accessTokens().create(cli, member->id, u"test"_s, &error);
    if (!token)
        qFatal("%s", qPrintable(error.message));
    m_email = email;
    return token->plaintext;
}

RawHttpResponse TestGatewayTls::call(RawHttpClient &client, const QByteArray &method, const QByteArray &path,
    const QJsonObject &body, const QByteArray &token)
{
    QByteArrayList headers;
    if (!token.isEmpty())
        headers << "Authorization: Bearer " + token;
    client.send(RawHttpClient::request(method, path,
        body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact), headers));
    return client.readResponse();
}

void TestGatewayTls::configFileAndCommandLineSettings()
{
    QTemporaryDir dir;
    QFile file(dir.filePath(u"config.json"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"tls_cert_file": "certs/gateway.pem", "tls_key_file": "/etc/gateway/key.pem",
                   "tls_terminated_by_proxy": true})");
    file.close();
    QString error;
    const auto config = GatewayConfig::load(dir.path(), QString(), QProcessEnvironment(), &error);
    QVERIFY2(config, qPrintable(error));
    QCOMPARE(config->tlsCertificateFile, dir.filePath(u"certs/gateway.pem"_s)); // beside the config file
    QCOMPARE(config->tlsKeyFile, u"/etc/gateway/key.pem"_s);
    QVERIFY(config->tlsTerminatedByProxy);
    QVERIFY(config->servesTls());

    const auto plain = GatewayConfig::load(m_dataDir.path(), QString(), QProcessEnvironment(), &error);
    QVERIFY(!plain->servesTls());
    QVERIFY(!plain->tlsTerminatedByProxy);
}

void TestGatewayTls::badTlsSettings_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");
    QTest::newRow("certificate without key")
        << QByteArray(R"({"tls_cert_file": "a.pem"})") << u"a TLS certificate is given without its key"_s;
    QTest::newRow("key without certificate")
        << QByteArray(R"({"tls_key_file": "a.key"})") << u"a TLS key is given without its certificate"_s;
    QTest::newRow("not a path") << QByteArray(R"({"tls_cert_file": 1, "tls_key_file": "a.key"})")
                                << u"'tls_cert_file' must be the path of a PEM file"_s;
    QTest::newRow("proxy flag not a boolean") << QByteArray(R"({"tls_terminated_by_proxy": "yes"})")
                                              << u"'tls_terminated_by_proxy' must be true or false"_s;
}

void TestGatewayTls::badTlsSettings()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    QTemporaryDir dir;
    QFile file(dir.filePath(u"config.json"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(json);
    file.close();
    QString error;
    QVERIFY(!GatewayConfig::load(dir.path(), QString(), QProcessEnvironment(), &error));
    QVERIFY2(error.startsWith(file.fileName()) && error.contains(message), qPrintable(error));
}

void TestGatewayTls::servesHttpsAndSaysSo()
{
    GatewayConfig tls = config();
    tls.tlsCertificateFile = path(u"gateway-a.pem"_s);
    tls.tlsKeyFile = path(u"gateway-a.key"_s);
    start(tls);
    QCOMPARE(m_gateway->url(), u"https://127.0.0.1:%1"_s.arg(m_gateway->port()));
    QVERIFY(m_gateway->serverCertificate());

    RawHttpClient client;
    QVERIFY2(
        client.connectEncrypted(m_gateway->port(), { TestCertificates::certificate(u"gateway-a.pem"_s) }),
        qPrintable(client.errorString()));
    QString error;
    const QByteArray owner = m_gateway->localOwnerToken(&error);
    const RawHttpResponse status = call(client, "GET", "/api/v1/status", {}, owner);
    QCOMPARE(status.status, 200);
    QCOMPARE(json(status).value(u"url"_s).toString(), m_gateway->url());
    QCOMPARE(call(client, "GET", "/health").status, 200);

    RawHttpClient plain;
    QVERIFY(plain.connectToServer(m_gateway->port()));
    QCOMPARE(call(plain, "GET", "/health").status, 400);
}

void TestGatewayTls::startFailsWithAnUnusableCertificate_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("reason");
    QTest::newRow("expired") << u"expired.pem"_s << u"expired.key"_s << u"has expired"_s;
    QTest::newRow("key of another certificate")
        << u"gateway-a.pem"_s << u"gateway-b.key"_s << u"does not match the certificate"_s;
}

void TestGatewayTls::startFailsWithAnUnusableCertificate()
{
    QFETCH(QString, certificate);
    QFETCH(QString, key);
    QFETCH(QString, reason);
    GatewayConfig tls = config();
    tls.tlsCertificateFile = path(certificate);
    tls.tlsKeyFile = path(key);
    m_gateway = std::make_unique<Gateway>(tls, m_clock);
    QString error;
    QVERIFY(!m_gateway->start(&error));
    QVERIFY2(error.contains(reason), qPrintable(error));
}

void TestGatewayTls::plainSignInFromAnotherMachineIsRefused()
{
    const QString address = nonLoopbackAddress();
    if (address.isEmpty())
        QSKIP("this machine has no address but loopback, so no connection can come from elsewhere");
    QTest::ignoreMessage(QtWarningMsg,
        QRegularExpression(u"^WARNING: the gateway listens on "_s + QRegularExpression::escape(address)
            + u", which other machines can reach, in plain HTTP"_s));
    start(config(address));
    const QByteArray token = addDeveloper();

    RawHttpClient client;
    client.setServerAddress(address);
    QVERIFY(client.connectToServer(m_gateway->port()));
    const RawHttpResponse signIn = call(
        client, "POST", "/api/v1/auth/sign-in", { { u"email"_s, m_email }, { u"password"_s, Password } });
    QCOMPARE(signIn.status, 403);
    const QJsonObject error = json(signIn).value(u"error"_s).toObject();
    QCOMPARE(error.value(u"code"_s).toString(), u"insecure_transport"_s);
    QVERIFY2(error.value(u"message"_s).toString().contains(u"https://"_s), signIn.body.constData());
    QVERIFY(!signIn.body.contains("llmgw_pat_"));

    const RawHttpResponse newToken
        = call(client, "POST", "/api/v1/tokens", { { u"name"_s, u"laptop"_s } }, token);
    QCOMPARE(newToken.status, 403);
    QCOMPARE(
        json(newToken).value(u"error"_s).toObject().value(u"code"_s).toString(), u"insecure_transport"_s);
    const RawHttpResponse password = call(client, "PUT", "/api/v1/members/me/password",
        { { u"password"_s, u"another long one"_s }, { u"current_password"_s, Password } }, token);
    QCOMPARE(password.status, 403);
    // Every call the route table marks as carrying secrets (a member added with their first token among
    // them), refused before its token is even looked at.
    for (const ApiRoute &route : ApiRoutes::table()) {
        if (route.secrets != ApiRoute::Secrets::Carried)
            continue;
        const RawHttpResponse refused = call(client, route.method, "/api/v1/" + QByteArray(route.pattern));
        QCOMPARE(refused.status, 403);
        QCOMPARE(
            json(refused).value(u"error"_s).toObject().value(u"code"_s).toString(), u"insecure_transport"_s);
    }
    // Nothing was made: the member still has their one token, and their password is unchanged.
    const RawHttpResponse tokens = call(client, "GET", "/api/v1/tokens", {}, token);
    QCOMPARE(tokens.status, 200); // what carries no secret is served
    QCOMPARE(json(tokens).value(u"tokens"_s).toArray().size(), 1);
    StoreError storeError;
    QVERIFY(m_gateway->members().checkPassword(m_email, Password, &storeError));
}

void TestGatewayTls::signInFromAnotherMachineOverTls()
{
    const QString address = nonLoopbackAddress();
    if (address.isEmpty())
        QSKIP("this machine has no address but loopback, so no connection can come from elsewhere");
    GatewayConfig tls = config(address);
    tls.tlsCertificateFile = path(u"gateway-a.pem"_s);
    tls.tlsKeyFile = path(u"gateway-a.key"_s);
    QVERIFY(tls.plainTextExposureWarning().isEmpty()); // HTTPS on a reachable address: nothing to warn of
    start(tls);
    addDeveloper();

    RawHttpClient client;
    client.setServerAddress(address);
    QVERIFY2(
        client.connectEncrypted(m_gateway->port(), { TestCertificates::certificate(u"gateway-a.pem"_s) }),
        qPrintable(client.errorString()));
    const RawHttpResponse signIn = call(
        client, "POST", "/api/v1/auth/sign-in", { { u"email"_s, m_email }, { u"password"_s, Password } });
    QCOMPARE(signIn.status, 201);
    QVERIFY(json(signIn).value(u"token"_s).toString().startsWith(u"llmgw_pat_"_s));
}

void TestGatewayTls::signInBehindATlsProxy()
{
    const QString address = nonLoopbackAddress();
    if (address.isEmpty())
        QSKIP("this machine has no address but loopback, so no connection can come from elsewhere");
    GatewayConfig proxied = config(address);
    proxied.tlsTerminatedByProxy = true;
    QVERIFY(proxied.plainTextExposureWarning().isEmpty());
    QVERIFY(!config(address).plainTextExposureWarning().isEmpty());
    QVERIFY(config(u"127.0.0.2"_s).plainTextExposureWarning().isEmpty()); // 127.0.0.0/8 is all loopback
    QVERIFY(config(u"::1"_s).plainTextExposureWarning().isEmpty());
    QVERIFY(!config(u"0.0.0.0"_s).plainTextExposureWarning().isEmpty());
    start(proxied);
    addDeveloper();

    RawHttpClient client;
    client.setServerAddress(address);
    QVERIFY(client.connectToServer(m_gateway->port()));
    const RawHttpResponse signIn = call(
        client, "POST", "/api/v1/auth/sign-in", { { u"email"_s, m_email }, { u"password"_s, Password } });
    QCOMPARE(signIn.status, 201);
}

QTEST_GUILESS_MAIN(TestGatewayTls)
#include "tst_gatewaytls.moc"
