#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

// Credentials of the form "<prefix><id>_<secret>" — gateway API keys ("llmgw_") and personal access tokens
// ("llmgw_pat_") — and what is kept of them: the SHA-256 of the secret, compared in constant time.
namespace SecretToken {
struct Parsed
{
    qint64 id = 0;
    QByteArrayView secret;
};

// The id in canonical decimal (no sign, no leading zero; "0" itself only when `allowIdZero`) and a secret of
// 32 base62 characters; else nullopt.
std::optional<Parsed> parse(QByteArrayView presented, QByteArrayView prefix, bool allowIdZero = false);
QByteArray compose(QByteArrayView prefix, qint64 id, const QByteArray &secret);
QByteArray newSecret(); // 32 base62 characters from the system's random source
QByteArray hashOf(QByteArrayView secret);
// Time independent of where the inputs differ, so that response times do not leak a stored hash.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);
} // namespace SecretToken
