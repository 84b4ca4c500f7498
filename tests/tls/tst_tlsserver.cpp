// The HTTP server as an HTTPS listener, through real handshakes: requests over TLS on the same connection
// code, plain HTTP sent to the TLS port, handshakes that fail or stall, and certificates replaced without a
// restart.

#include "requestparsercases.h"
#include "servercertificate.h"
#include "testcertificates.h"
#include "testhttpserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

class TestTlsServer final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();

    void requestsOverTls();
    void clientThatDoesNotTrustTheCertificateIsLetGo();
    void plainHttpOnTheTlsPortGets400();
    void stalledHandshakeIsClosed();
    void reloadServesTheNewCertificateToNewConnections();
    void reloadThatCannotServeKeepsTheCertificate_data();
    void reloadThatCannotServeKeepsTheCertificate();

private:
    // Starts the server with the certificate in m_dir.
    void start(qint64 headerTimeoutMs = 30'000);
    std::unique_ptr<RawHttpClient> connectTls(const QList<QSslCertificate> &trusted);
    QSslCertificate a() const { return TestCertificates::certificate(u"gateway-a.pem"_s); }
    QSslCertificate b() const { return TestCertificates::certificate(u"gateway-b.pem"_s); }

    std::unique_ptr<CertificateDir> m_dir;
    std::unique_ptr<ServerCertificate> m_certificate;
    TestServer m_test;
};

void TestTlsServer::initTestCase()
{
    QVERIFY2(QSslSocket::supportsSsl(), "Qt has no TLS backend here (libssl3 missing?)");
}

void TestTlsServer::cleanup()
{
    m_test.stop();
    m_certificate.reset();
    m_dir.reset();
}

void TestTlsServer::start(qint64 headerTimeoutMs)
{
    if (!m_dir)
        m_dir = std::make_unique<CertificateDir>(u"gateway-a"_s);
    m_certificate = std::make_unique<ServerCertificate>(m_dir->certificateFile(), m_dir->keyFile());
    QString error;
    QVERIFY2(m_certificate->load(&error), qPrintable(error));
    HttpServer::Options options;
    options.tls = m_certificate.get();
    options.headerTimeoutMs = headerTimeoutMs;
    QVERIFY(m_test.start(options) != 0);
}

std::unique_ptr<RawHttpClient> TestTlsServer::connectTls(const QList<QSslCertificate> &trusted)
{
    auto client = std::make_unique<RawHttpClient>();
    if (!client->connectEncrypted(m_test.port(), trusted))
        qWarning("TLS connection failed: %s", qPrintable(client->errorString()));
    return client;
}

void TestTlsServer::requestsOverTls()
{
    start();
    auto client = connectTls({ a() });
    QVERIFY(client->isConnected());
    QCOMPARE(client->peerCertificate(), a());

    client->send(get("/echo?n=1"));
    const RawHttpResponse first = client->readResponse();
    QVERIFY(first.complete);
    QCOMPARE(first.status, 200);
    QCOMPARE(first.body, QByteArray("GET /echo?n=1\n"));

    // Keep-alive, a body, and a streamed (chunked) answer, all on the one encrypted connection.
    client->send(post("/echo", "over tls"));
    QCOMPARE(client->readResponse().body, QByteArray("POST /echo\nover tls"));
    client->send(get("/stream"));
    const RawHttpResponse stream = client->readResponse();
    QVERIFY(stream.chunked);
    QCOMPARE(stream.chunks, (QByteArrayList { "data: 1\n\n", "data: 2\n\n", "data: 3\n\n" }));
    QVERIFY(client->isConnected());
    QCOMPARE(m_test.shared.handled.load(), 3);
}

void TestTlsServer::clientThatDoesNotTrustTheCertificateIsLetGo()
{
    start();
    RawHttpClient distrustful;
    QVERIFY(!distrustful.connectEncrypted(m_test.port(), { b() }));
    QVERIFY2(distrustful.errorString().contains(u"certificate"_s, Qt::CaseInsensitive),
        qPrintable(distrustful.errorString()));

    auto client = connectTls({ a() });
    client->send(get("/echo"));
    QCOMPARE(client->readResponse().status, 200);
}

void TestTlsServer::plainHttpOnTheTlsPortGets400()
{
    start();
    auto plain = m_test.connectClient();
    plain->send(get("/echo"));
    const RawHttpResponse response = plain->readResponse();
    QVERIFY(response.complete);
    QCOMPARE(response.status, 400);
    QCOMPARE(response.header("connection"), QByteArray("close"));
    const QJsonObject error = QJsonDocument::fromJson(response.body).object().value(u"error").toObject();
    QVERIFY2(error.value(u"message").toString().contains(u"use https://"), response.body.constData());
    QVERIFY(plain->waitForDisconnected());
    QCOMPARE(m_test.shared.handled.load(), 0);

    auto client = connectTls({ a() });
    client->send(get("/echo"));
    QCOMPARE(client->readResponse().status, 200);
}

void TestTlsServer::stalledHandshakeIsClosed()
{
    start(300);
    auto stalled = m_test.connectClient();
    stalled->send(tlsClientHelloStart()); // a ClientHello cut short: the handshake waits for the rest
    QVERIFY(stalled->waitForDisconnected(5000)); // the sweep runs once a second
    QVERIFY(stalled->pending().isEmpty()); // nothing can be answered in HTTP mid-handshake
}

void TestTlsServer::reloadServesTheNewCertificateToNewConnections()
{
    start();
    auto before = connectTls({ a(), b() });
    QCOMPARE(before->peerCertificate().serialNumber(), QByteArray("0a"));

    QSignalSpy reloaded(m_certificate.get(), &ServerCertificate::reloaded);
    m_dir->install(u"gateway-b.pem"_s, u"gateway-b.key"_s);
    QVERIFY(reloaded.wait(5000));
    QCOMPARE(reloaded.count(), 1);
    QCOMPARE(reloaded.first().first().value<QSslCertificate>().serialNumber(), QByteArray("0b"));

    auto after = connectTls({ a(), b() });
    QCOMPARE(after->peerCertificate().serialNumber(), QByteArray("0b"));
    after->send(get("/echo?after"));
    QCOMPARE(after->readResponse().status, 200);
    // The connection made before goes on with the certificate it was made with.
    before->send(get("/echo?before"));
    QCOMPARE(before->readResponse().body, QByteArray("GET /echo?before\n"));

    // SIGHUP's way: reload() on demand takes the files as they are (here, the same: nothing changes).
    m_certificate->reload();
    QCOMPARE(reloaded.count(), 1);
}

void TestTlsServer::reloadThatCannotServeKeepsTheCertificate_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("reason");
    QTest::newRow("expired") << u"expired.pem"_s << u"expired.key"_s << u"has expired"_s;
    QTest::newRow("key of another certificate")
        << u"gateway-b.pem"_s << u"gateway-a.key"_s << u"does not match the certificate"_s;
    QTest::newRow("not a certificate")
        << u"gateway-b.key"_s << u"gateway-b.key"_s << u"holds no PEM certificate"_s;
}

void TestTlsServer::reloadThatCannotServeKeepsTheCertificate()
{
    QFETCH(QString, certificate);
    QFETCH(QString, key);
    QFETCH(QString, reason);
    start();
    QSignalSpy failed(m_certificate.get(), &ServerCertificate::reloadFailed);
    QSignalSpy reloaded(m_certificate.get(), &ServerCertificate::reloaded);
    QTest::ignoreMessage(QtWarningMsg,
        QRegularExpression(u"keeping the TLS certificate in use \\(serial 0a\\): .*"_s
            + QRegularExpression::escape(reason)));
    m_dir->install(certificate, key);
    QVERIFY(failed.wait(5000));
    QVERIFY2(
        failed.first().first().toString().contains(reason), qPrintable(failed.first().first().toString()));
    QCOMPARE(reloaded.count(), 0);

    auto client = connectTls({ a(), b() });
    QCOMPARE(client->peerCertificate().serialNumber(), QByteArray("0a"));
    client->send(get("/echo"));
    QCOMPARE(client->readResponse().status, 200);
}

QTEST_GUILESS_MAIN(TestTlsServer)
#include "tst_tlsserver.moc"
