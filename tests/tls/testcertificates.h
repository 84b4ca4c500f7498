#pragma once

// The throwaway certificates in tests/tls/certs (see its README), and a directory a test can replace them in.

#include <QSslCertificate>
#include <QString>
#include <QTemporaryDir>

namespace TestCertificates {
// The path of a file in tests/tls/certs, e.g. "gateway-a.pem".
QString path(const QString &name);
// A certificate there, for clients to trust.
QSslCertificate certificate(const QString &name);
} // namespace TestCertificates

// A directory holding cert.pem and key.pem, which a test replaces the way certbot does (write aside, rename).
class CertificateDir
{
public:
    // Starts with `pair`'s files: "gateway-a" copies gateway-a.pem and gateway-a.key.
    explicit CertificateDir(const QString &pair);
    QString certificateFile() const;
    QString keyFile() const;
    // Replaces the certificate and the key with those named (files in tests/tls/certs).
    void install(const QString &certificateName, const QString &keyName);

private:
    void replace(const QString &source, const QString &target);
    QTemporaryDir m_dir;
};
