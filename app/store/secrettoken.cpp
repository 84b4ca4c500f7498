#include "secrettoken.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

#include <algorithm>

namespace {

constexpr qsizetype kSecretLength = 32;
constexpr QByteArrayView kBase62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

bool isBase62(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

} // namespace

namespace SecretToken {

std::optional<Parsed> parse(QByteArrayView presented, QByteArrayView prefix, bool allowIdZero)
{
    if (!presented.startsWith(prefix))
        return std::nullopt;
    const QByteArrayView rest = presented.sliced(prefix.size());
    const qsizetype underscore = rest.indexOf('_');
    if (underscore < 1 || underscore > 18 || (rest.front() == '0' && !(allowIdZero && underscore == 1)))
        return std::nullopt;
    Parsed parsed;
    for (const char c : rest.first(underscore)) {
        if (c < '0' || c > '9')
            return std::nullopt;
        parsed.id = parsed.id * 10 + (c - '0');
    }
    parsed.secret = rest.sliced(underscore + 1);
    if (parsed.secret.size() != kSecretLength
        || !std::all_of(parsed.secret.begin(), parsed.secret.end(), isBase62))
        return std::nullopt;
    return parsed;
}

QByteArray compose(QByteArrayView prefix, qint64 id, const QByteArray &secret)
{
    QByteArray text = prefix.toByteArray();
    text += QByteArray::number(id);
    text += '_';
    text += secret;
    return text;
}

QByteArray newSecret()
{
    QByteArray secret(kSecretLength, Qt::Uninitialized);
    QRandomGenerator *random = QRandomGenerator::system();
    for (char &c : secret)
        c = kBase62[random->bounded(int(kBase62.size()))];
    return secret;
}

QByteArray hashOf(QByteArrayView secret)
{
    return QCryptographicHash::hash(secret, QCryptographicHash::Sha256);
}

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

} // namespace SecretToken
