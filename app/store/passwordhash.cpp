#include "passwordhash.h"

#include "secrettoken.h"

#include <QPasswordDigestor>
#include <QRandomGenerator>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace {

constexpr int kKeyLength = 32;
constexpr int kSaltLength = 16;

QByteArray derive(const QString &password, const QByteArray &salt, int iterations)
{
    return QPasswordDigestor::deriveKeyPbkdf2(
        QCryptographicHash::Sha256, password.toUtf8(), salt, iterations, kKeyLength);
}

} // namespace

namespace PasswordHash {

QString hash(const QString &password)
{
    QByteArray salt(kSaltLength, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(salt.data()), kSaltLength / 4);
    const QByteArray key = derive(password, salt, kIterations);
    return u"pbkdf2-sha256$%1$%2$%3"_s.arg(kIterations)
        .arg(QString::fromLatin1(salt.toBase64()), QString::fromLatin1(key.toBase64()));
}

bool verify(const QString &password, const QString &stored)
{
    const QStringList parts = stored.split(u'$');
    if (parts.size() != 4 || parts.at(0) != "pbkdf2-sha256"_L1)
        return false;
    bool ok = false;
    const int iterations = parts.at(1).toInt(&ok);
    if (!ok || iterations < 1)
        return false;
    const QByteArray salt = QByteArray::fromBase64(parts.at(2).toLatin1());
    const QByteArray expected = QByteArray::fromBase64(parts.at(3).toLatin1());
    return SecretToken::constantTimeEquals(derive(password, salt, iterations), expected);
}

void verifyNothing(const QString &password)
{
    static const QByteArray salt(kSaltLength, 's');
    [[maybe_unused]] const QByteArray key = derive(password, salt, kIterations);
}

} // namespace PasswordHash
