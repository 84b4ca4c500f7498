// Reading a listener's certificate and key: what serves, and the clear reason for each pair that cannot.

#include "testcertificates.h"
#include "tlscredentials.h"

#include <QSslKey>
#include <QTest>

using namespace Qt::StringLiterals;
using TestCertificates::path;

class TestTlsCredentials final : public QObject
{
    Q_OBJECT

private slots:
    void validPairs_data();
    void validPairs();
    void unusablePairs_data();
    void unusablePairs();
};

void TestTlsCredentials::validPairs_data()
{
    QTest::addColumn<QString>("pair");
    QTest::addColumn<QByteArray>("serial");
    QTest::addColumn<int>("algorithm");
    QTest::newRow("EC P-256") << u"gateway-a"_s << QByteArray("0a") << int(QSsl::Ec);
    QTest::newRow("RSA 2048") << u"gateway-b"_s << QByteArray("0b") << int(QSsl::Rsa);
}

void TestTlsCredentials::validPairs()
{
    QFETCH(QString, pair);
    QFETCH(QByteArray, serial);
    QFETCH(int, algorithm);
    QString error;
    const auto credentials = TlsCredentials::load(
        path(pair + u".pem"_s), path(pair + u".key"_s), QDateTime::currentDateTimeUtc(), &error);
    QVERIFY2(credentials, qPrintable(error));
    QCOMPARE(credentials->certificate.serialNumber(), serial);
    QCOMPARE(credentials->configuration.localCertificate(), credentials->certificate);
    QCOMPARE(credentials->configuration.privateKey().algorithm(), QSsl::KeyAlgorithm(algorithm));
    QCOMPARE(credentials->configuration.protocol(), QSsl::TlsV1_2OrLater);
    QVERIFY(credentials->describe().contains(u"serial " + QString::fromLatin1(serial)));
    QVERIFY(credentials->describe().contains(u"CN localhost"));
}

void TestTlsCredentials::unusablePairs_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QDateTime>("now");
    QTest::addColumn<QString>("reason");
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QTest::newRow("expired") << path(u"expired.pem"_s) << path(u"expired.key"_s) << now << u"has expired"_s;
    QTest::newRow("not valid yet") << path(u"gateway-a.pem"_s) << path(u"gateway-a.key"_s)
                                   << QDateTime(QDate(2001, 1, 1), QTime(0, 0), Qt::UTC)
                                   << u"not valid yet"_s;
    QTest::newRow("key of another certificate")
        << path(u"gateway-a.pem"_s) << path(u"gateway-b.key"_s) << now << u"does not match the certificate"_s;
    QTest::newRow("key under a passphrase")
        << path(u"gateway-a.pem"_s) << path(u"gateway-a-encrypted.key"_s) << now << u"passphrase"_s;
    QTest::newRow("key file is a certificate")
        << path(u"gateway-a.pem"_s) << path(u"gateway-b.pem"_s) << now << u"holds no PEM private key"_s;
    QTest::newRow("certificate file is a key")
        << path(u"gateway-a.key"_s) << path(u"gateway-a.key"_s) << now << u"holds no PEM certificate"_s;
    QTest::newRow("no certificate file") << path(u"missing.pem"_s) << path(u"gateway-a.key"_s) << now
                                         << u"cannot read the TLS certificate file"_s;
    QTest::newRow("no key file") << path(u"gateway-a.pem"_s) << path(u"missing.key"_s) << now
                                 << u"cannot read the TLS key file"_s;
}

void TestTlsCredentials::unusablePairs()
{
    QFETCH(QString, certificate);
    QFETCH(QString, key);
    QFETCH(QDateTime, now);
    QFETCH(QString, reason);
    QString error;
    QVERIFY(!TlsCredentials::load(certificate, key, now, &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
    // The message names the file to fix.
    QVERIFY2(error.contains(certificate) || error.contains(key), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestTlsCredentials)
#include "tst_tlscredentials.moc"
