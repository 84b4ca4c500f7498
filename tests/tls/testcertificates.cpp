#include "testcertificates.h"

#include <QDir>
#include <QFile>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace TestCertificates {

QString path(const QString &name)
{
    return QDir(QStringLiteral(TLS_TEST_CERTS)).filePath(name);
}

QSslCertificate certificate(const QString &name)
{
    const QList<QSslCertificate> certificates = QSslCertificate::fromPath(path(name));
    return certificates.isEmpty() ? QSslCertificate() : certificates.first();
}

} // namespace TestCertificates

CertificateDir::CertificateDir(const QString &pair)
{
    install(pair + u".pem"_s, pair + u".key"_s);
}

QString CertificateDir::certificateFile() const
{
    return m_dir.filePath(u"cert.pem"_s);
}

QString CertificateDir::keyFile() const
{
    return m_dir.filePath(u"key.pem"_s);
}

void CertificateDir::install(const QString &certificateName, const QString &keyName)
{
    replace(TestCertificates::path(certificateName), certificateFile());
    replace(TestCertificates::path(keyName), keyFile());
}

void CertificateDir::replace(const QString &source, const QString &target)
{
    const QString aside = target + u".new"_s;
    QFile::remove(aside);
    if (!QFile::copy(source, aside) || ::rename(QFile::encodeName(aside), QFile::encodeName(target)) != 0)
        qFatal("cannot install %s as %s", qPrintable(source), qPrintable(target));
}
