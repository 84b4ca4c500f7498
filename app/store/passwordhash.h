#pragma once

#include <QString>

// Password hashes for sign-in: PBKDF2-HMAC-SHA256 with a random 16-byte salt, stored as
// "pbkdf2-sha256$<iterations>$<salt base64>$<key base64>" so that the cost can be raised later.
namespace PasswordHash {
constexpr int kIterations = 120000;
constexpr int kMinimumLength = 10;

QString hash(const QString &password);
// Constant-time comparison of the derived keys; false for a malformed stored value.
bool verify(const QString &password, const QString &stored);
// Spends the same time as verify() on a real hash: used when the email is unknown, so that timing does
// not tell which emails are members.
void verifyNothing(const QString &password);
} // namespace PasswordHash
