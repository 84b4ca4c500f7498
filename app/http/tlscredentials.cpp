#include "tlscredentials.h"

#include <QFile>
#include <QSslKey>
#include <QSslSocket>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

std::optional<QByteArray> readFile(const QString &path, const char *what, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read the TLS %1 file %2: %3"_s.arg(QLatin1String(what), path, file.errorString());
        return std::nullopt;
    }
    return file.readAll();
}

QSslKey privateKeyFrom(const QByteArray &pem)
{
    for (const QSsl::KeyAlgorithm algorithm : { QSsl::Rsa, QSsl::Ec, QSsl::Dsa }) {
        QSslKey key(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            return key;
    }
    return {};
}

// Qt's API cannot tell whether a private key belongs to a certificate; OpenSSL, Qt's TLS backend here, can.
bool keyCertifiedBy(const QByteArray &certificatePem, const QByteArray &keyPem)
{
    const auto bio = [](const QByteArray &bytes) {
        return std::unique_ptr<BIO, decltype(&BIO_free)>(
            BIO_new_mem_buf(bytes.constData(), int(bytes.size())), &BIO_free);
    };
    const auto certificateBio = bio(certificatePem);
    const auto keyBio = bio(keyPem);
    const std::unique_ptr<X509, decltype(&X509_free)> certificate(
        PEM_read_bio_X509(certificateBio.get(), nullptr, nullptr, nullptr), &X509_free);
    const std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
    return certificate && key && X509_check_private_key(certificate.get(), key.get()) == 1;
}

} // namespace

std::optional<TlsCredentials> TlsCredentials::load(
    const QString &certificateFile, const QString &keyFile, const QDateTime &now, QString *error)
{
    if (!QSslSocket::supportsSsl()) {
        *error = u"TLS is not available: Qt found no working TLS backend (it has: %1); install OpenSSL 3 "
                 "(libssl3 on Debian)"_s.arg(QSslSocket::availableBackends().join(u", "_s));
        return std::nullopt;
    }
    const auto certificateBytes = readFile(certificateFile, "certificate", error);
    if (!certificateBytes)
        return std::nullopt;
    const auto keyBytes = readFile(keyFile, "key", error);
    if (!keyBytes)
        return std::nullopt;

    const QList<QSslCertificate> chain = QSslCertificate::fromData(*certificateBytes, QSsl::Pem);
    if (chain.isEmpty() || chain.first().isNull()) {
        *error = u"the TLS certificate file %1 holds no PEM certificate (-----BEGIN CERTIFICATE-----)"_s.arg(
            certificateFile);
        return std::nullopt;
    }
    const QSslCertificate &leaf = chain.first();
    const QString dates = u"valid from %1 to %2"_s.arg(
        leaf.effectiveDate().toUTC().toString(Qt::ISODate), leaf.expiryDate().toUTC().toString(Qt::ISODate));
    if (now < leaf.effectiveDate()) {
        *error = u"the TLS certificate in %1 is not valid yet (%2)"_s.arg(certificateFile, dates);
        return std::nullopt;
    }
    if (now > leaf.expiryDate()) {
        *error = u"the TLS certificate in %1 has expired (%2); renew it"_s.arg(certificateFile, dates);
        return std::nullopt;
    }
    if (keyBytes->contains("ENCRYPTED")) {
        *error
            = u"the TLS key file %1 is protected by a passphrase, which the gateway cannot ask for; give it "
              "the key without one (readable only by the gateway's user)"_s.arg(keyFile);
        return std::nullopt;
    }
    const QSslKey key = privateKeyFrom(*keyBytes);
    if (key.isNull()) {
        *error = u"the TLS key file %1 holds no PEM private key (RSA, EC or DSA)"_s.arg(keyFile);
        return std::nullopt;
    }
    if (!keyCertifiedBy(*certificateBytes, *keyBytes)) {
        *error
            = u"the TLS key in %1 does not match the certificate in %2 (a key of another certificate?)"_s.arg(
                keyFile, certificateFile);
        return std::nullopt;
    }

    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone); // clients authenticate with tokens and keys
    // Nor does the server verify anything, so it needs no CA store: Qt would add the system's CA certificates
    // to the TLS context it builds for every connection.
    configuration.setCaCertificates({});
    return TlsCredentials { configuration, leaf, *certificateBytes, *keyBytes };
}

QString TlsCredentials::describe() const
{
    return u"serial %1, CN %2, valid until %3"_s.arg(QString::fromLatin1(certificate.serialNumber()),
        certificate.subjectInfo(QSslCertificate::CommonName).join(u", "_s),
        certificate.expiryDate().toUTC().toString(Qt::ISODate));
}
